import type { ActorCell } from '../../src/actors/actor-cell';
import { ManualClock } from '../../src/clock';
import { createSystemCore, systemFacade, type QuiSystem } from '../../src/runtime/start-system';
import { liveChildren, type SupervisorHandle } from '../../src/runtime/supervisor-handle';
import type { SystemCore } from '../../src/runtime/system-core';
import { defineSupervisor, type ChildSpec } from '../../src/supervision/spec';
import { EventLog } from './events';
import { expectAllAccounted } from './expect-all-accounted';
import { createTestLogger, type LEVELS, type TestLogger } from './test-logger';

export interface TestSystem {
  readonly system: QuiSystem;
  /** The engine room, for what the public facade does not show (live nact actors, the tree). */
  readonly core: SystemCore;
  readonly clock: ManualClock;
  readonly events: EventLog;
  readonly log: TestLogger;
  /** `system.supervisor(idOrName)`. */
  sup(idOrName: string): SupervisorHandle;
}

export interface TestSystemOptions {
  readonly clock?: ManualClock;
  readonly logLevel?: keyof typeof LEVELS;
  /**
   * Check the queues' books when the test ends (if the test did not stop the system itself):
   * {@link expectAllAccounted} stops the system and checks that every job is accounted for.
   */
  readonly account?: boolean;
}

const running: Array<{ system: QuiSystem; core: SystemCore; account: boolean }> = [];

// Registered once per test file that imports this helper: every system a test started is stopped.
afterEach(async () => {
  await Promise.all(
    running
      .splice(0)
      .map((r) => (r.account && !r.core.stopping ? expectAllAccounted(r.core) : r.system.stop())),
  );
});

/**
 * Starts a tree as `startSystem` does, with a ManualClock, an in-memory logger and an event log
 * attached before the first actor starts; the system is stopped after the test.
 */
export async function startTestSystem(spec: ChildSpec, options: TestSystemOptions = {}): Promise<TestSystem> {
  const clock = options.clock ?? new ManualClock();
  const log = createTestLogger(options.logLevel ?? 'debug');
  const core = createSystemCore({ clock, logger: log.logger });
  const events = new EventLog(core.events);
  const root = spec.kind === 'actor' ? defineSupervisor({ id: 'root', children: [spec] }) : spec;
  await core.startRoot(root);
  const system = systemFacade(core);
  running.push({ system, core, account: options.account ?? false });
  return { system, core, clock, events, log, sup: (idOrName) => system.supervisor(idOrName) };
}

/** Every live cell reachable from the root, the root included. */
export function liveCells(core: SystemCore): ActorCell[] {
  const out: ActorCell[] = core.root?.alive ? [core.root] : [];
  for (let i = 0; i < out.length; i++) out.push(...liveChildren(out[i] as ActorCell));
  return out;
}

function isSupervisorCell(cell: ActorCell): boolean {
  return (cell.spec as ChildSpec).kind !== 'actor';
}

/**
 * Waits, without sleeping, until every supervisor has handled its mail: asks `countChildren` of
 * each live supervisor (the reply comes after every message queued before it) and repeats until
 * two passes see the same tree, with no child restarting.
 */
export async function settle(core: SystemCore, maxPasses = 200): Promise<void> {
  let previous = '';
  for (let pass = 0; pass < maxPasses; pass++) {
    // All at once: each reply still comes after every message queued before it in that mailbox.
    const asks = liveCells(core)
      .filter(isSupervisorCell)
      .map((cell) => core.ask(cell, (replyTo) => ({ type: 'sup.count-children', replyTo }), Infinity));
    const outcomes = await Promise.allSettled(asks);
    const clean = outcomes.every((o) => o.status === 'fulfilled'); // a rejection: it exited meanwhile
    const signature = treeSignature(core);
    if (clean && signature === previous && !signature.includes('restarting')) return;
    previous = signature;
  }
  throw new Error(`the tree did not settle: ${previous}`);
}

const incarnations = new WeakMap<ActorCell, number>();
let lastIncarnation = 0;

/** A text picture of the live tree: each cell's path and incarnation, and which children are restarting. */
export function treeSignature(core: SystemCore): string {
  return liveCells(core)
    .map((cell) => {
      let id = incarnations.get(cell);
      if (id === undefined) incarnations.set(cell, (id = ++lastIncarnation));
      const state = cell.currentState as { which?: () => { id: string; ref: unknown }[] } | undefined;
      const restarting =
        typeof state?.which === 'function' ? state.which().filter((r) => r.ref === 'restarting') : [];
      const label = `${cell.path}#${id}`;
      return restarting.length ? `${label}[restarting:${restarting.map((r) => r.id).join(',')}]` : label;
    })
    .join(' ');
}

/**
 * An exited cell's nact actor stops when the mailbox reaches its stop marker, a few event-loop
 * turns later: lets turns pass until the live nact actors match the live cells (or gives up after
 * `maxTurns`) and returns both counts for the test to compare.
 */
export async function engineCounts(
  core: SystemCore,
  maxTurns = 500,
): Promise<{ nact: number; cells: number }> {
  for (let turn = 0; ; turn++) {
    const counts = { nact: core.engine.liveCount(), cells: liveCells(core).length };
    if (counts.nact === counts.cells || turn >= maxTurns) return counts;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
