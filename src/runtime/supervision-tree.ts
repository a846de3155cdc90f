import { ActorCell } from '../actors/actor-cell';
import type { ChildSpec } from '../supervision/spec';
import type { SupervisorInfo, SupervisorMessage } from '../supervision/supervisor-messages';
import { liveChildren } from './supervisor-handle';
import type { SystemCore } from './system-core';

/**
 * One running supervisor in `system.tree()`: what it tells of itself, and its running child
 * supervisors, oldest first. A supervisor that does not answer within the walk's time (busy with a
 * long restart) is left out with its subtree.
 */
export interface SupervisionNode extends SupervisorInfo {
  /** The id in its parent's spec. */
  readonly id: string;
  /** The registered name, when it has one. */
  readonly name: string | undefined;
  readonly subtrees: readonly SupervisionNode[];
}

/**
 * Asks every running supervisor, from the root down, what `inspect` answers; siblings are asked
 * at once, so the walk takes about as long as the tree is deep. `undefined` once the system has
 * stopped. @internal
 */
export async function supervisionTree(
  core: SystemCore,
  timeoutMs: number,
): Promise<SupervisionNode | undefined> {
  const root = core.root;
  return root?.alive && isSupervisorCell(root) ? inspectCell(core, root, timeoutMs) : undefined;
}

async function inspectCell(
  core: SystemCore,
  cell: ActorCell,
  timeoutMs: number,
): Promise<SupervisionNode | undefined> {
  let info: SupervisorInfo;
  try {
    info = await core.ask<SupervisorInfo, SupervisorMessage>(
      cell,
      (replyTo) => ({ type: 'sup.inspect', replyTo }),
      timeoutMs,
    );
  } catch {
    return undefined; // exited meanwhile, or busy past the walk's time
  }
  const subs = await Promise.all(
    liveChildren(cell)
      .filter(isSupervisorCell)
      .map((child) => inspectCell(core, child, timeoutMs)),
  );
  const spec = cell.spec as ChildSpec;
  return {
    ...info,
    id: spec.id,
    name: spec.name,
    subtrees: subs.filter((s): s is SupervisionNode => s !== undefined),
  };
}

function isSupervisorCell(cell: ActorCell): boolean {
  return cell instanceof ActorCell && cell.spec !== undefined && (cell.spec as ChildSpec).kind !== 'actor';
}
