import { InvalidOptionsError, QuiError } from '../errors';
import { checkString, describe } from '../validate';
import type { Job } from '../jobs/job';
import type { JobRecords, RecordsConfig } from './job-records';
import type { QueueMode } from './queue-mode';

/** A value or a promise of it: stores may answer synchronously (memory) or not (SQLite, Redis). */
export type Awaitable<T> = T | PromiseLike<T>;

/** What a store is told about the queue it serves. */
export interface StoreConfig {
  /** The queue's name: stores that share an engine use it to keep queues apart. */
  readonly queue: string;
  /** The queue's priorities, highest first. */
  readonly priorities: readonly string[];
  /**
   * Called for each entry a take removed but could not decode into a job: the job is lost, the
   * good jobs of the same take are still returned. `id` is the job id the store kept, if any.
   * Without it, the built-in stores throw the decode error (`ERR_STORE`) from the take instead.
   */
  readonly onUndecodable?: (entry: { readonly id: string | undefined; readonly error: Error }) => void;
  /**
   * Given, the store keeps a record of every job (see `JobRecords`) and exposes `records`;
   * absent (`retain: false`), it keeps none and costs exactly what it did without records.
   */
  readonly records?: RecordsConfig;
}

/** Counts of jobs held by a store. */
export interface StoreCounts {
  /** Due jobs waiting, per priority. */
  readonly waiting: Readonly<Record<string, number>>;
  /** Jobs whose `runAtMs` is still in the future. */
  readonly delayed: number;
}

/**
 * The storage contract every queue talks to (memory, SQLite, Redis…). One instance serves one queue.
 * Every method may answer synchronously or with a promise.
 *
 * Order: `take` hands out the oldest due job of the highest priority that has one. A job whose
 * `runAtMs` is after `nowMs` is delayed; once due it joins the tail of its priority, ordered by due time.
 * At-most-once: a job returned by `take` has already left the store (and, on durable stores, that
 * removal is committed) and is never returned again.
 */
export interface JobStore {
  /**
   * Stores one job; resolves once it is stored (committed, on durable stores). With `limit`, the
   * store refuses (`QuiError` `ERR_QUEUE_FULL`, nothing stored) when it would then hold more than
   * `limit` jobs, checked and written atomically (across processes on shared stores).
   */
  add(job: Job, nowMs: number, limit?: number): Awaitable<void>;
  /** Stores several jobs, all or none, in the given order; `limit` as for `add`. */
  addMany(jobs: readonly Job[], nowMs: number, limit?: number): Awaitable<void>;
  /** Removes and returns the next due job, or `undefined` when none is due. */
  take(nowMs: number): Awaitable<Job | undefined>;
  /**
   * Removes and returns up to `n` due jobs at once (at most 1,000 on Redis), in the order `n` calls
   * of `take` would return them: fewer when fewer are due, none when `n < 1`. Every job returned
   * has left the store, as with `take`. Optional: lets a queue serve several parked polls with one
   * round trip (or one commit); without it, the queue calls `take` once per poll.
   */
  takeMany?(n: number, nowMs: number): Awaitable<Job[]>;
  /** The wall-clock ms at which the earliest delayed job falls due, or `undefined` if none. */
  nextDueAtMs(): Awaitable<number | undefined>;
  /** Counts of due jobs per priority and of delayed jobs, as of `nowMs`. */
  counts(nowMs: number): Awaitable<StoreCounts>;
  /** Jobs held, due or delayed. */
  size(): Awaitable<number>;
  /**
   * Shared stores call `listener` when jobs may have become available from elsewhere
   * (another process enqueued, or the connection came back), so parked workers wake up.
   */
  onAvailable?(listener: () => void): void;
  /**
   * The job records, present iff `StoreConfig.records` was given. With records, `add`, `take`
   * and friends also write each job's record in the same atomic step (see `JobRecords`).
   */
  readonly records?: JobRecords;
  /**
   * Shared stores (SQLite, Redis): the {@link QueueMode} kept with the queue, after storing
   * `claim` when none is kept yet (the queue's first start); `claim` absent only reads. A queue
   * starting on the store calls it with its own mode and refuses to start on a mismatch
   * (`ERR_QUEUE_MODE`); `connectQueue` reads it. Optional: a store no other process shares
   * (memory) has nothing to agree on.
   */
  queueMode?(claim: QueueMode | undefined): Awaitable<QueueMode | undefined>;
  /** Releases what the store holds (connections, file handles). Jobs stay where durable. */
  close(): Awaitable<void>;
}

/**
 * Makes one store per queue per running system. `memoryStore()`, `sqliteStore()` and
 * `redisStore()` return factories so that one declarative spec can be started many times.
 */
export interface JobStoreFactory {
  /**
   * A short name for logs and errors: 'memory', 'sqlite', 'redis'. Any kind but `'memory'` counts
   * as shared with other processes (their broadcasts are listened to, `waitFor` re-reads records).
   */
  readonly kind: string;
  /** True when the store cannot keep functions (a function `backoff`), because it serializes jobs. */
  readonly serializes: boolean;
  create(config: StoreConfig): Awaitable<JobStore>;
}

/**
 * Checks a {@link StoreConfig} and maps each priority to its lane index (0 = highest).
 * Every store calls it once in `create`, so all stores reject the same configs the same way.
 * @throws {InvalidOptionsError} naming `queue` or `priorities` when the config is malformed.
 * @internal
 */
export function priorityLanes(config: StoreConfig): ReadonlyMap<string, number> {
  const fail = (path: string, problem: string) => new InvalidOptionsError(path, problem);
  checkString(config.queue, 'queue', fail);
  const { priorities } = config;
  if (!Array.isArray(priorities) || priorities.length === 0) {
    throw fail('priorities', `must be a non-empty array of names, got ${describe(priorities)}`);
  }
  const lanes = new Map<string, number>();
  priorities.forEach((p: unknown, i) => {
    const name = checkString(p, `priorities[${i}]`, fail);
    if (lanes.has(name)) throw fail(`priorities[${i}]`, `repeats ${describe(name)}`);
    lanes.set(name, i);
  });
  return lanes;
}

/**
 * The error a store throws for a job whose priority its queue does not declare: the queue
 * validates first, so reaching a store with one is a bug to surface, never to paper over.
 * @internal
 */
export function unknownPriorityError(job: Job, lanes: ReadonlyMap<string, number>): QuiError {
  return new QuiError(
    'ERR_STORE',
    `job ${job.id} has priority ${describe(job.priority)}, which queue ${describe(job.queue)} does not declare (declared: ${[...lanes.keys()].join(', ')})`,
  );
}

/**
 * True when an `add` of `adding` jobs to a store holding `held` would pass `limit`
 * (`undefined` or `Infinity`: no limit). @internal
 */
export function exceedsLimit(held: number, adding: number, limit: number | undefined): boolean {
  return limit !== undefined && limit !== Infinity && held + adding > limit;
}

/** True when `limit` asks for a check: a number other than `Infinity`. @internal */
export function hasLimit(limit: number | undefined): limit is number {
  return limit !== undefined && limit !== Infinity;
}

/**
 * The error every store throws when an add would take `queue` past `limit` jobs. @internal
 */
export function queueFullError(queue: string, held: number, limit: number, adding: number): QuiError {
  const more = adding === 1 ? '1 more does' : `${adding} more do`;
  return new QuiError('ERR_QUEUE_FULL', `queue ${queue} holds ${held} of ${limit} jobs; ${more} not fit`);
}

/**
 * Hands an entry a take removed but could not decode to the config's `onUndecodable`, or, when the
 * config has none, throws the decode error (the store's direct user then learns of the loss).
 * @internal
 */
export function reportUndecodable(config: StoreConfig, id: string | undefined, error: Error): void {
  if (config.onUndecodable === undefined) throw error;
  config.onUndecodable({ id, error });
}

/** The error every store throws when used after `close()`. @internal */
export function storeClosedError(kind: string): QuiError {
  return new QuiError('ERR_STORE', `the ${kind} store is closed`);
}
