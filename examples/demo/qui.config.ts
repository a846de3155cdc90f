/**
 * The demo's supervision tree: two queues with their own worker pools, the tasks they run, and a
 * small `stats` actor of our own. `main.ts` starts it; the demo test starts it with tiny numbers.
 *
 *   root (one-for-one)
 *   ├── stats                          a user actor: per-task counters, kept with immer
 *   ├── cpu  (rest-for-one)            queue actor 'cpu' + pool 'cpu.workers' of 4
 *   ├── io   (rest-for-one)            queue actor 'io'  + pool 'io.workers' of 50
 *   └── dead (queue, no workers)       the dead-letter queue of 'cpu' and 'io'
 */
import { createHash } from 'node:crypto';
import { produce } from 'immer';
import {
  defineActor,
  defineQueue,
  defineSupervisor,
  defineTask,
  err,
  ok,
  QuiError,
  UnrecoverableError,
  type JobResult,
  type ReplyTo,
  type SupervisorSpec,
} from 'qui-actors';

// ---------------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------------

/** Waits `ms`, or rejects as soon as `signal` aborts (timeout, shutdown): I/O that honours cancellation. */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** CPU-bound: hashes a seed `rounds` times, synchronously. */
export const digest = defineTask({
  name: 'digest',
  perform(params: { seed: string; rounds: number }) {
    let h = params.seed;
    for (let i = 0; i < params.rounds; i++) h = createHash('sha256').update(h).digest('hex');
    return ok(h.slice(0, 12));
  },
});

/** CPU-bound and picky: odd inputs are an error result, negative ones throw (both retried, then dead). */
export const parseInvoice = defineTask({
  name: 'parse-invoice',
  defaults: { maxRetries: 2, retryDelayMs: 20 },
  perform(params: { n: number }): JobResult {
    if (params.n < 0) throw new Error(`invoice ${params.n}: negative amount`);
    if (params.n % 2 === 1) return err(new Error(`invoice ${params.n}: checksum mismatch`));
    return ok(params.n / 2);
  },
});

/** I/O-bound: a remote call taking `ms`; aborted at once by a timeout or a shutdown. */
export const fetchPage = defineTask({
  name: 'fetch-page',
  defaults: { timeoutMs: 1_000, maxRetries: 2, retryDelayMs: 20 },
  async perform(params: { url: string; ms: number }, { signal }) {
    await wait(params.ms, signal);
    return ok(params.url.length);
  },
});

/**
 * I/O-bound and flaky: the first `failFor` attempts fail (a rejection), later ones succeed; a
 * `failFor` of -1 is an unrecoverable error (dead at once, no retries).
 */
export const sendWebhook = defineTask({
  name: 'send-webhook',
  defaults: { maxRetries: 3, retryDelayMs: 10, backoff: { type: 'exponential', maxDelayMs: 200 } },
  async perform(params: { failFor: number; ms: number }, { signal, attempt }) {
    await wait(params.ms, signal);
    if (params.failFor < 0) throw new UnrecoverableError('webhook endpoint answered 410 Gone');
    if (attempt <= params.failFor) throw new Error(`webhook answered 503 (attempt ${attempt})`);
    return ok();
  },
});

/**
 * A legacy task with a bug: for `broken` jobs it forgets to return a JobResult (`undefined`). The
 * worker running it crashes, its supervisor restarts it, and the job is lost: let it crash.
 */
export const legacyReport = defineTask({
  name: 'legacy-report',
  async perform(params: { broken: boolean; ms: number }, { signal }) {
    await wait(params.ms, signal);
    if (params.broken) return undefined as unknown as JobResult; // the bug, on purpose
    return ok();
  },
});

export const tasks = [digest, parseInvoice, fetchPage, sendWebhook, legacyReport] as const;

// ---------------------------------------------------------------------------------------------
// The stats actor: small state, updated with immer
// ---------------------------------------------------------------------------------------------

/** Per-task counts of what happened to jobs. */
export interface TaskCounts {
  readonly completed: number;
  readonly failed: number;
  readonly dead: number;
  readonly lost: number;
}
export type Outcome = keyof TaskCounts;

export interface StatsState {
  readonly byTask: Readonly<Record<string, TaskCounts>>;
}

export type StatsMessage =
  | { readonly type: 'stats.record'; readonly task: string; readonly outcome: Outcome }
  | { readonly type: 'stats.snapshot'; readonly replyTo: ReplyTo<StatsState> };

const ZERO: TaskCounts = { completed: 0, failed: 0, dead: 0, lost: 0 };

/** A user actor, registered as `stats`: the demo sends it job outcomes and asks it for a snapshot. */
export const statsActor = defineActor<StatsState, StatsMessage>({
  id: 'stats',
  name: 'stats',
  init: () => ({ byTask: {} }),
  handle(state, msg, ctx) {
    switch (msg.type) {
      case 'stats.record':
        return produce(state, (draft) => {
          const counts = (draft.byTask[msg.task] ??= { ...ZERO });
          counts[msg.outcome] += 1;
        });
      case 'stats.snapshot':
        ctx.reply(msg.replyTo, state); // frozen by immer: safe to hand out
        return state;
      default:
        throw new QuiError('ERR_INVALID_OPTIONS', `stats: unknown message ${JSON.stringify(msg)}`);
    }
  },
});

// ---------------------------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------------------------

export interface DemoConfigOptions {
  /** Workers of the CPU-bound queue. @defaultValue 4 */
  readonly cpuWorkers?: number;
  /** Workers of the I/O-bound queue. @defaultValue 50 */
  readonly ioWorkers?: number;
}

/** The queue names the demo enqueues into. */
export const QUEUES = ['cpu', 'io'] as const;
export type DemoQueue = (typeof QUEUES)[number];

/** Builds the demo's root supervisor. */
export function demoTree(options: DemoConfigOptions = {}): SupervisorSpec {
  const cpuWorkers = options.cpuWorkers ?? 4;
  const ioWorkers = options.ioWorkers ?? 50;
  return defineSupervisor({
    id: 'root',
    strategy: 'one-for-one',
    children: [
      statsActor,
      defineQueue({
        name: 'cpu',
        tasks: [digest, parseInvoice],
        deadLetter: 'dead',
        workers: { count: cpuWorkers },
      }),
      defineQueue({
        name: 'io',
        priorities: ['critical', 'normal', 'bulk'],
        tasks: [fetchPage, sendWebhook, legacyReport],
        deadLetter: 'dead',
        // Crashing workers are the point of legacy-report: allow a few restarts per second.
        workers: { count: ioWorkers, shutdown: 2_000, intensity: { maxRestarts: 20, withinMs: 1_000 } },
      }),
      defineQueue({ name: 'dead' }),
    ],
  });
}

/**
 * What `qui start examples/demo/qui.config.ts` runs: the demo's tree with its default pool sizes,
 * idle until something enqueues into it (`npm start` is the demo with a workload).
 */
export default demoTree();
