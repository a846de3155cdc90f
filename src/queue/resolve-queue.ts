import { InvalidSpecError } from '../errors';
import { memoryStore } from '../stores/memory-store';
import type { JobStoreFactory } from '../stores/job-store';
import { DEFAULT_ACTOR_SHUTDOWN_MS, type Shutdown } from '../actors/child-options';
import { DEFAULT_INTENSITY, resolveIntensity, type Intensity } from '../supervision/restart-intensity';
import type { TaskDefinition } from '../tasks/define-task';
import { processTask } from '../tasks/process-task';
import type { Processor } from '../tasks/run-attempt';
import { createTaskRegistry, type TaskRegistry } from '../tasks/task-registry';
import {
  checkFunction,
  checkInteger,
  checkObject,
  checkString,
  deepFreeze,
  describe,
  join,
  type Fail,
} from '../validate';
import { resolveTaskDefaults, type JobQueueConfig, type TaskDefaults } from '../jobs/job-options';
import { err } from '../jobs/job-result';
import { resolveRetention, type ResolvedRetention, type RetentionOptions } from '../jobs/job-retention';
import type { ResolvedIsolation } from './isolation/isolated-runner';
import { resolveIsolation, type IsolationResourceLimits } from './isolation/resolve-isolation';

/** A queue's worker pool; `TTask` types the jobs its processor gets. */
export interface WorkersOptions<TTask = unknown> {
  /** Number of workers, each running one job at a time. */
  readonly count: number;
  /** Runs each job. @defaultValue `processTask` over the queue's `tasks` */
  readonly processor?: Processor<TTask>;
  /** How long a worker may finish its running job when asked to stop. @defaultValue 5000 */
  readonly shutdown?: Shutdown;
  /**
   * The pool supervisor's restart intensity; a field left out takes its default.
   * @defaultValue { maxRestarts: max(3, count), withinMs: 5000 }
   */
  readonly intensity?: Partial<Intensity>;
  /**
   * Runs each worker's jobs in its own worker thread or child process (one per worker, for the
   * worker's life): a timeout terminates it, a crash stays inside, CPU-bound jobs use every core.
   * Needs `module`; `processor` cannot be used. @defaultValue undefined (in-process workers)
   */
  readonly isolation?: 'thread' | 'process';
  /**
   * With `isolation`: path (absolute, or relative to the working directory) of a CommonJS module
   * exporting the queue's tasks (made by `defineTask`) or a processor (`processor`, default or
   * `module.exports`). A `.ts` module needs `tsx` installed.
   */
  readonly module?: string;
  /** With `isolation`: memory limits of each thread (process: `maxOldGenerationSizeMb` only). @defaultValue Node's */
  readonly resourceLimits?: IsolationResourceLimits;
  /** With `isolation`: how long a timed-out attempt may clean up before its thread is terminated. @defaultValue 50 */
  readonly killGraceMs?: number;
  /**
   * With `isolation`: keep one more thread (or process) per worker loaded and idle, so that after a
   * timeout kill the next job starts at once instead of waiting for a fresh thread to load.
   * Costs that thread's memory. @defaultValue true with 'thread', false with 'process'
   */
  readonly standby?: boolean;
}

/**
 * What `defineQueue` takes. `TTask` types the jobs of a custom processor; `TPriority` is inferred
 * from `priorities`, `TDefinition` from `tasks` (both type what the queue's client accepts).
 */
export interface QueueOptions<
  TTask = unknown,
  TPriority extends string = string,
  TDefinition extends TaskDefinition = TaskDefinition,
> {
  /** The queue's name: system-wide, and the name its actor is registered under. */
  readonly name: string;
  /** Highest first; the last is the default priority. @defaultValue ['high', 'low'] */
  readonly priorities?: readonly TPriority[];
  /** A pool of workers; without one the queue is used directly (enqueue / dequeue). */
  readonly workers?: WorkersOptions<TTask>;
  /** Tasks whose defaults apply to their jobs, and which `processTask` dispatches to. */
  readonly tasks?: readonly TDefinition[];
  /** Job option defaults for this queue (under a task's own defaults). */
  readonly defaults?: TaskDefaults<NoInfer<TPriority>>;
  /** A queue that receives the task of every job that fails for good. */
  readonly deadLetter?: string;
  /** Most jobs held (due and delayed); an enqueue past it rejects with `ERR_QUEUE_FULL`. @defaultValue Infinity */
  readonly maxSize?: number;
  /** Where jobs are kept. @defaultValue memoryStore() */
  readonly store?: JobStoreFactory;
  /**
   * Job records kept per end state (see docs/guides/inspecting-jobs.md); `false` keeps none (no
   * `getJob`, `counts`, `pause`, `cancel`, `waitFor`: `ERR_RECORDS_OFF`), at today's cost.
   * @defaultValue DEFAULT_RETENTION (completed: 1 hour or 1,000; dead, lost, cancelled: 7 days or 10,000)
   */
  readonly retain?: RetentionOptions;
  /**
   * What becomes of the active jobs of a process that died without a goodbye (SIGKILL, OOM), on a
   * shared store: `'lose'` marks them `lost` (at-most-once: a job never runs twice); `'retry'`
   * stores them again when they have retries left (at-least-once: a job whose process died
   * after doing its work runs again, so its processor must be idempotent).
   * @defaultValue 'lose'
   */
  readonly onLost?: 'lose' | 'retry';
  /** Leases of the processes running this queue's jobs (with records on). */
  readonly lease?: LeaseOptions;
}

/** How a process running a queue's jobs shows it is alive. */
export interface LeaseOptions {
  /**
   * How often each process beats (and reaps the jobs of processes that stopped beating). A dead
   * process's active jobs show `lost` within two beats: a lease lasts `2 × heartbeatMs` minus a margin.
   * @defaultValue 5000
   */
  readonly heartbeatMs?: number;
}

/** Default heartbeat of a process running a queue's jobs. */
export const DEFAULT_HEARTBEAT_MS = 5_000;

/** A queue's options, validated and filled in. @internal */
export interface ResolvedQueue {
  readonly name: string;
  readonly job: JobQueueConfig;
  readonly workers:
    | {
        readonly count: number;
        readonly processor: Processor;
        readonly shutdown: Shutdown;
        readonly intensity: Intensity;
        /** Set when the jobs run in a thread or process; `processor` then never runs. */
        readonly isolation?: ResolvedIsolation | undefined;
      }
    | undefined;
  readonly registry: TaskRegistry | undefined;
  readonly defaults: TaskDefaults;
  readonly deadLetter: string | undefined;
  readonly maxSize: number;
  readonly store: JobStoreFactory;
  /** `false`: no records. */
  readonly retain: ResolvedRetention | false;
  readonly onLost: 'lose' | 'retry';
  readonly heartbeatMs: number;
}

const KEYS = [
  'name',
  'priorities',
  'workers',
  'tasks',
  'defaults',
  'deadLetter',
  'maxSize',
  'store',
  'retain',
  'onLost',
  'lease',
] as const;
const WORKER_KEYS = [
  'count',
  'processor',
  'shutdown',
  'intensity',
  'isolation',
  'module',
  'resourceLimits',
  'killGraceMs',
  'standby',
] as const;
/** An isolated queue's in-process processor: never called, the jobs run in workers.module. */
const ISOLATED: Processor = () =>
  err(new InvalidSpecError('workers.isolation', 'the jobs of an isolated queue run in workers.module'));
const fail: Fail = (path, problem) => new InvalidSpecError(path, problem);

/** @internal */
export function resolveQueue(options: unknown): ResolvedQueue {
  const o = checkObject(options, '', KEYS, fail);
  const name = checkString(o.name, 'name', fail);
  const priorities = resolvePriorities(o.priorities);
  let registry: TaskRegistry | undefined;
  if (o.tasks !== undefined) registry = createTaskRegistry(o.tasks as readonly TaskDefinition[]);
  let workers: ResolvedQueue['workers'];
  if (o.workers !== undefined) {
    const w = checkObject(o.workers, 'workers', WORKER_KEYS, fail);
    const count = checkInteger(w.count, 'workers.count', 1, fail);
    const isolation = resolveIsolation(w, fail);
    let processor: Processor;
    if (isolation) processor = ISOLATED;
    else if (w.processor !== undefined)
      processor = checkFunction<Processor>(w.processor, 'workers.processor', fail);
    else if (registry) processor = processTask(registry);
    else throw fail('workers.processor', 'is required when the queue has no tasks');
    // One crash per worker within the supervisor's default window; a field left out takes its default.
    const intensity = resolveIntensity(w.intensity, 'workers.intensity', fail, {
      maxRestarts: Math.max(DEFAULT_INTENSITY.maxRestarts, count),
      withinMs: DEFAULT_INTENSITY.withinMs,
    });
    const shutdown = (w.shutdown ?? DEFAULT_ACTOR_SHUTDOWN_MS) as Shutdown;
    if (!(
      shutdown === 'brutal-kill' ||
      shutdown === 'infinity' ||
      (typeof shutdown === 'number' && Number.isInteger(shutdown) && shutdown >= 0)
    )) {
      throw fail(
        'workers.shutdown',
        `must be 'brutal-kill', 'infinity' or an integer number of ms >= 0, got ${describe(shutdown)}`,
      );
    }
    workers = { count, processor, shutdown, intensity, isolation };
  }
  const store = (o.store ?? memoryStore()) as JobStoreFactory;
  if (typeof store !== 'object' || typeof store.create !== 'function') {
    throw fail('store', 'must be a store factory such as memoryStore(), sqliteStore() or redisStore()');
  }
  const defaults = o.defaults === undefined ? {} : resolveTaskDefaults(o.defaults, 'defaults', fail);
  if (defaults.priority !== undefined && !priorities.includes(defaults.priority)) {
    throw fail(
      'defaults.priority',
      `must be one of ${priorities.join(', ')}, got ${describe(defaults.priority)}`,
    );
  }
  const maxSize =
    o.maxSize === undefined || o.maxSize === Infinity
      ? Infinity
      : checkInteger(o.maxSize, 'maxSize', 1, fail);
  const deadLetter = o.deadLetter === undefined ? undefined : checkString(o.deadLetter, 'deadLetter', fail);
  if (deadLetter === name) throw fail('deadLetter', 'must name another queue');
  const job: JobQueueConfig = {
    name,
    priorities,
    defaultPriority: defaults.priority ?? (priorities[priorities.length - 1] as string),
    serializes: store.serializes,
  };
  const retain = resolveRetention(o.retain, 'retain', fail);
  const onLost = o.onLost ?? 'lose';
  if (onLost !== 'lose' && onLost !== 'retry')
    throw fail('onLost', `must be 'lose' or 'retry', got ${describe(onLost)}`);
  let heartbeatMs = DEFAULT_HEARTBEAT_MS;
  if (o.lease !== undefined) {
    const l = checkObject(o.lease, 'lease', ['heartbeatMs'], fail);
    if (l.heartbeatMs !== undefined) heartbeatMs = checkInteger(l.heartbeatMs, 'lease.heartbeatMs', 10, fail);
  }
  return deepFreeze({
    name,
    job,
    workers,
    registry,
    defaults,
    deadLetter,
    maxSize,
    store,
    retain,
    onLost,
    heartbeatMs,
  });
}

function resolvePriorities(value: unknown): readonly string[] {
  if (value === undefined) return ['high', 'low'];
  if (!Array.isArray(value) || value.length === 0)
    throw fail('priorities', `must be a non-empty array of names, got ${describe(value)}`);
  const seen = new Set<string>();
  value.forEach((p, i) => {
    checkString(p, join('priorities', i), fail);
    if (seen.has(p as string)) throw fail(join('priorities', i), `duplicate priority ${JSON.stringify(p)}`);
    seen.add(p as string);
  });
  return [...(value as string[])];
}
