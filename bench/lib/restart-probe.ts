/**
 * The supervision workload, shared by the raw-nact and Qui contenders: crash one actor K times
 * and time crash → the new incarnation's init done; then crash a child of a 1,000-child
 * one-for-all pool R times and time crash → the last re-started child's init done.
 */
import { nextTurn, nowMs, type Metrics } from './child';
import { percentile } from './stats';

export interface RestartParams {
  readonly crashes: number;
  readonly poolChildren: number;
  readonly poolRestarts: number;
}

/** Shared mutable probe: actors write into it from init/handle, the driver reads it. */
export class RestartProbe {
  crashAt = 0;
  inits = 0;
  lastInitAt = 0;
  poolInits = 0;
  lastPoolInitAt = 0;

  /** Call at the top of an init: counts and time-stamps it. */
  init(): void {
    this.inits++;
    this.lastInitAt = nowMs();
  }

  poolInit(): void {
    this.poolInits++;
    this.lastPoolInitAt = nowMs();
  }

  /** Call right before a handler throws. */
  crash(): never {
    this.crashAt = nowMs();
    throw new Error('benchmark crash');
  }
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = nowMs() + timeoutMs;
  while (!done()) {
    if (nowMs() > deadline) throw new Error(`timed out waiting for ${what}`);
    await nextTurn();
  }
}

/**
 * Runs the workload. `crashOne` makes the single actor throw; `crashPool` makes one pool child
 * throw. Both are fire-and-forget sends.
 */
export async function runRestartWorkload(
  probe: RestartProbe,
  params: RestartParams,
  crashOne: () => void,
  crashPool: () => void,
): Promise<Metrics> {
  const single: number[] = [];
  for (let i = 0; i < params.crashes; i++) {
    const before = probe.inits;
    crashOne();
    await until(() => probe.inits > before, 5_000, `restart ${i + 1}`);
    single.push(probe.lastInitAt - probe.crashAt);
    await nextTurn(); // let the new incarnation settle (register its name) before the next crash
  }
  const pool: number[] = [];
  for (let i = 0; i < params.poolRestarts; i++) {
    const target = probe.poolInits + params.poolChildren;
    crashPool();
    await until(() => probe.poolInits >= target, 30_000, `pool restart ${i + 1}`);
    pool.push(probe.lastPoolInitAt - probe.crashAt);
    await nextTurn();
  }
  single.sort((a, b) => a - b);
  pool.sort((a, b) => a - b);
  return {
    restartP50Ms: percentile(single, 50),
    restartP99Ms: percentile(single, 99),
    poolRestartP50Ms: percentile(pool, 50),
    poolRestartMaxMs: percentile(pool, 100),
  };
}
