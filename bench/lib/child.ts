/**
 * The contender side of the harness protocol. A contender is a script started in a fresh
 * process with its parameters as JSON in argv[2]; it prints exactly one line starting with
 * RESULT_PREFIX followed by a JSON `ChildResult`, then exits 0. Libraries may print anything
 * else; the harness only reads the prefixed line.
 */

export const RESULT_PREFIX = '@@bench-result ';

/** Numbers the harness aggregates (min / median / max over repetitions). */
export type Metrics = Record<string, number>;

/** What one contender process reports. */
export type ChildResult =
  | { readonly status: 'ok'; readonly metrics: Metrics; readonly notes?: Record<string, string | number> }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'error'; readonly reason: string };

/** Thrown by a contender that cannot run here (service down, Qui not built yet). */
export class SkipError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SkipError';
  }
}

/** The parameters the harness passed on argv[2]. */
export function readParams<T>(): T {
  const raw = process.argv[2] ?? '{}';
  return JSON.parse(raw) as T;
}

/** Milliseconds from a monotonic clock, sub-microsecond resolution. */
export function nowMs(): number {
  return performance.now();
}

/** Resolves on the next turn of the event loop (after I/O). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Heap in use after full collections; needs `--expose-gc` (NaN without it). */
export async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return Number.NaN;
  for (let i = 0; i < 3; i++) {
    gc();
    await nextTurn();
  }
  return process.memoryUsage().heapUsed;
}

/**
 * Resolves once `done()` returns true, checking on every event-loop turn, or rejects after
 * `timeoutMs`. Used to wait for "all jobs processed" without adding work to the hot path.
 */
export async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = nowMs() + timeoutMs;
  while (!done()) {
    if (nowMs() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(1);
  }
}

function emit(result: ChildResult): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/**
 * Runs a contender's main function and reports its result. Always exits 0 once the result is
 * printed, so a library that leaves handles open cannot hang the harness.
 */
export function runContender<TParams>(
  main: (params: TParams) => Promise<{ metrics: Metrics; notes?: Record<string, string | number> }>,
): void {
  const params = readParams<TParams>();
  main(params)
    .then(
      (out) => emit({ status: 'ok', ...out }),
      (error: unknown) => {
        if (error instanceof SkipError) emit({ status: 'skipped', reason: error.message });
        else
          emit({
            status: 'error',
            reason: error instanceof Error ? (error.stack ?? error.message) : String(error),
          });
      },
    )
    .finally(() => {
      // Give stdout a turn to flush before exiting.
      setImmediate(() => process.exit(0));
    });
}

/** Counts events and records the moment the `target`-th one happens. */
export interface Countdown {
  /** Call once per event (e.g. per completed job). */
  hit(): void;
  readonly count: () => number;
  /** Resolves with `nowMs()` at the target-th hit. */
  readonly reached: Promise<number>;
}

export function countdown(target: number): Countdown {
  let count = 0;
  let resolve: (at: number) => void = () => undefined;
  const reached = new Promise<number>((r) => (resolve = r));
  return {
    hit() {
      count++;
      if (count === target) resolve(nowMs());
    },
    count: () => count,
    reached,
  };
}

/** Rejects after `ms` with a message naming what we were waiting for. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
