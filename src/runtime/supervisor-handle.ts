import { ActorCell } from '../actors/actor-cell';
import type { ActorRef } from '../actors/actor-ref';
import { QuiError } from '../errors';
import { DynamicSupervisor } from '../supervision/dynamic-supervisor-actor';
import type { ChildSpec } from '../supervision/spec';
import { StaticSupervisor } from '../supervision/supervisor-actor';
import type {
  ChildCounts,
  ChildInfo,
  ChildKey,
  DeleteChildResult,
  RestartChildResult,
  StartChildResult,
  SupervisorInfo,
  SupervisorMessage,
  TerminateChildResult,
} from '../supervision/supervisor-messages';
import type { SystemCore } from './system-core';

/**
 * The management API of one supervisor, with OTP's outcomes as typed results. Each call is a
 * request to the supervisor actor, answered in its mailbox order; the supervisor is looked up
 * afresh on every call, so a handle follows restarts.
 * @throws {QuiError} `ERR_NO_SUCH_ACTOR` when no such supervisor runs.
 */
export interface SupervisorHandle {
  startChild(spec: ChildSpec): Promise<StartChildResult>;
  /** By id on a static supervisor; by the child's ref on a dynamic one. */
  terminateChild(key: ChildKey): Promise<TerminateChildResult>;
  restartChild(id: string): Promise<RestartChildResult>;
  deleteChild(id: string): Promise<DeleteChildResult>;
  /** Newest first. */
  whichChildren(): Promise<readonly ChildInfo[]>;
  countChildren(): Promise<ChildCounts>;
  /** Read-only: strategy, restart intensity and how much of its window is used, children and their state. */
  inspect(): Promise<SupervisorInfo>;
}

/** @internal */
export function supervisorHandle(core: SystemCore, idOrName: string): SupervisorHandle {
  const ask = <T>(build: (replyTo: ActorRef<T>) => SupervisorMessage): Promise<T> => {
    const cell = findSupervisor(core, idOrName);
    if (!cell)
      return Promise.reject(
        new QuiError('ERR_NO_SUCH_ACTOR', `no supervisor ${JSON.stringify(idOrName)} is running`),
      );
    return core.ask<T, SupervisorMessage>(cell, build, Infinity);
  };
  return {
    startChild: (spec) => ask((replyTo) => ({ type: 'sup.start-child', spec, replyTo })),
    terminateChild: (key) => ask((replyTo) => ({ type: 'sup.terminate-child', key, replyTo })),
    restartChild: (key) => ask((replyTo) => ({ type: 'sup.restart-child', key, replyTo })),
    deleteChild: (key) => ask((replyTo) => ({ type: 'sup.delete-child', key, replyTo })),
    whichChildren: () => ask((replyTo) => ({ type: 'sup.which-children', replyTo })),
    countChildren: () => ask((replyTo) => ({ type: 'sup.count-children', replyTo })),
    inspect: () => ask((replyTo) => ({ type: 'sup.inspect', replyTo })),
  };
}

/** A running supervisor by name, else the first by id in breadth-first order. @internal */
export function findSupervisor(core: SystemCore, idOrName: string): ActorCell | undefined {
  const named = core.cellNamed(idOrName);
  if (named && isSupervisor(named)) return named;
  const queue: ActorCell[] = core.root?.alive ? [core.root] : [];
  for (let i = 0; i < queue.length; i++) {
    const cell = queue[i] as ActorCell;
    if (!isSupervisor(cell)) continue;
    if (cell.id === idOrName) return cell;
    queue.push(...liveChildren(cell));
  }
  return undefined;
}

/** The live child cells of a supervisor cell, oldest first. @internal */
export function liveChildren(cell: ActorCell): ActorCell[] {
  const state = cell.currentState;
  const out: ActorCell[] = [];
  if (state instanceof StaticSupervisor) {
    for (const rec of state.children) if (rec.cell?.alive) out.push(rec.cell);
  }
  if (state instanceof DynamicSupervisor) {
    for (const c of state.children.values()) if (c.cell.alive) out.push(c.cell);
  }
  return out;
}

function isSupervisor(cell: ActorCell): boolean {
  return (
    cell instanceof ActorCell &&
    cell.spec !== undefined &&
    'kind' in cell.spec &&
    (cell.spec as ChildSpec).kind !== 'actor'
  );
}
