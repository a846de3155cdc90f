import { InvalidOptionsError, QuiError } from '../errors';
import type { Job } from '../jobs/job';
import type { JobError } from '../jobs/job-error';
import { JOB_STATES, type JobRecord, type JobState } from '../jobs/job-record';
import type { JobEndState, ResolvedRetention } from '../jobs/job-retention';
import { checkInteger, checkObject, checkOneOf, describe } from '../validate';

/** A value or a promise of it (the same as `Awaitable` in job-store.ts, kept here so imports stay one-way). */
type Awaitable<T> = T | PromiseLike<T>;

/**
 * What a store is told when its queue keeps records (`StoreConfig.records`); absent, the store
 * keeps no records and costs what it did before (`retain: false`).
 */
export interface RecordsConfig {
  /** This process's id: written on the records of the jobs it takes, and the key of its lease. */
  readonly processId: string;
  readonly retention: ResolvedRetention;
}

/**
 * How a taken job ended for good: what `finish` writes. `result` and `progress` values are JSON
 * text made by `toRecordResult`; `worker` is the path of the worker that ran the attempt.
 */
export type RecordEnd =
  | {
      readonly state: 'completed';
      readonly result: string | undefined;
      /** Set when the result could not be kept (`ERR_RESULT_TOO_LARGE`, `ERR_RESULT_NOT_JSON`). */
      readonly error: JobError | undefined;
      readonly worker: string | undefined;
      /** `'dequeued'` for a job a caller took with `dequeue()`: it is the caller's, and ran nowhere here. */
      readonly reason?: string;
    }
  | { readonly state: 'dead'; readonly error: JobError; readonly worker: string | undefined }
  | {
      readonly state: 'lost';
      readonly reason: string;
      readonly error: JobError | undefined;
      readonly worker: string | undefined;
    }
  | { readonly state: 'cancelled'; readonly reason: string | undefined; readonly worker: string | undefined };

/** Most records one page holds. */
export const MAX_PAGE_LIMIT = 1_000;

/** What `list` reads: one state, newest first (by when the job entered it). */
export interface RecordQuery {
  readonly state: JobState;
  /** Between 1 and {@link MAX_PAGE_LIMIT}. */
  readonly limit: number;
  /** The `cursor` of the previous page; absent for the first. */
  readonly cursor?: string;
}

/** One page of `list`, newest first; `cursor` reads the next page, `undefined` after the last. */
export interface RecordPage {
  readonly records: readonly JobRecord[];
  readonly cursor: string | undefined;
}

/**
 * What `cancel` did: a job not running is `cancelled` here and now (and has left the due
 * structure); a running one is still `active` and must be aborted where it runs (`processId`):
 * the caller broadcasts `job.cancel`, and that process's ledger ends it with `finish(cancelled)`.
 */
export type CancelOutcome =
  | { readonly state: 'cancelled'; readonly record: JobRecord }
  | { readonly state: 'active'; readonly processId: string | undefined; readonly record: JobRecord };

/** What a process says of itself in each heartbeat. */
export interface ProcessBeat {
  readonly processId: string;
  /** Host name and pid, for people. */
  readonly host: string;
  readonly pid: number;
  readonly startedAtMs: number;
  /** Workers of this queue in that process, busy and in all. */
  readonly workers: { readonly busy: number; readonly total: number };
}

/** A process sharing the store, as its latest heartbeat says. */
export interface ProcessInfo extends ProcessBeat {
  readonly lastBeatAtMs: number;
  /** Its lease ends here unless it beats again. */
  readonly expiresAtMs: number;
}

/**
 * What processes sharing a store tell each other (Redis: pub/sub; memory: this process only).
 * `origin` is the sender's process id. Delivery is at most once: a receiver that misses one
 * reads the record.
 */
export type StoreBroadcast =
  | { readonly type: 'job.event'; readonly origin: string; readonly event: string; readonly payload: unknown }
  | {
      readonly type: 'job.cancel';
      readonly origin: string;
      readonly jobId: string;
      readonly reason: string | undefined;
    }
  | { readonly type: 'queue.paused'; readonly origin: string; readonly paused: boolean };

/**
 * A lifecycle event that goes out with a `finish` (see `JobRecords.finishAndBroadcast`): the
 * `job.event` broadcast itself, its payload JSON values only.
 */
export type FinishBroadcast = Extract<StoreBroadcast, { readonly type: 'job.event' }>;

/**
 * Records each write that ends a record (`finish`, `cancel`, `reap`) also prunes, in the same
 * step, of that end state: enough to keep its count cap exact, and a little of the age backlog.
 */
export const PRUNE_ON_WRITE = 2;

/**
 * The records part of a store (`JobStore.records`), present when `StoreConfig.records` is given.
 *
 * Every write that moves a job is atomic with the job's own move, so no crash leaves a record
 * claiming a state its job is not in:
 * - `add` / `addMany` write a `waiting` (due) or `delayed` record per job, replacing any record of
 *   the same id; `limit` counts jobs held, not records;
 * - `take` / `takeMany` mark each job they return `active` (this `processId`, `startedAtMs`,
 *   `attempts` = `job.attempts + 1`) in the same step that removes it, and return nothing while
 *   the queue is paused;
 * - a `delayed` record becomes `waiting` when the store promotes its job (at the latest on the
 *   next take); a `failed` one stays `failed` until its retry is taken.
 *
 * Writes that act on a running attempt (`finish`, `retryLater`, `progress`) apply only while the
 * record is `active` under this store's `processId`; otherwise (reaped as lost, removed) they
 * change nothing and return false, so a process whose lease lapsed cannot undo what another did.
 *
 * Totals per state live in the store, so every process sharing it reads the same counts.
 * Retention: ended records are pruned oldest first, by age since `finishedAtMs` and by count
 * per end state; each ending write prunes up to {@link PRUNE_ON_WRITE} records in the same step,
 * and the queue calls `prune` on a timer for age. Pruning never scans kept records: O(pruned).
 */
export interface JobRecords {
  /** The record of job `id`, or `undefined` when the store has none (never was, pruned, removed). */
  get(id: string): Awaitable<JobRecord | undefined>;
  /**
   * Records in `query.state`, newest first (by when each entered the state), at most
   * `query.limit`, after `query.cursor`. Cursors are opaque strings of the store that made them.
   * @throws {InvalidOptionsError} naming `state`, `limit` or `cursor` (see {@link checkRecordQuery}).
   */
  list(query: RecordQuery): Awaitable<RecordPage>;
  /** Totals per state: every state present, 0 when none. */
  counts(): Awaitable<Readonly<Record<JobState, number>>>;
  /** Taken job `id`'s attempt ended for good: its record ends (and is pruned later by retention). */
  finish(id: string, end: RecordEnd, nowMs: number): Awaitable<boolean>;
  /**
   * Optional: `finish`, and when (and only when) the end applied, the broadcast of `event`, which
   * the store may send with the write (Redis: the finish script call carries the events of its
   * batch and publishes them). A store without it has the caller broadcast once `finish` answers true.
   */
  finishAndBroadcast?(id: string, end: RecordEnd, nowMs: number, event: FinishBroadcast): Awaitable<boolean>;
  /**
   * Taken job's attempt failed with retries left: stores `retry` (as `add` would: due or
   * delayed by its `runAtMs`) and marks the record `failed` with `error`, in one step.
   */
  retryLater(retry: Job, error: JobError, worker: string | undefined, nowMs: number): Awaitable<boolean>;
  /** Stores a processor's progress (JSON text from `toRecordResult(value, 'progress')`) on an active job. */
  progress(id: string, progress: string | undefined, nowMs: number): Awaitable<boolean>;
  /**
   * A `dead` or `lost` job back to `waiting` as one more attempt: the job is stored again, due
   * now, with its `attempts` and `error` kept (so it dies again on its next failure, as Oban's
   * retry does); `finishedAtMs`, `reason` and `result` are cleared. A dead-letter copy is retried
   * here like any job: putting it back into its source queue is the queue's work (`deadLetterOf`).
   * @throws {QuiError} `ERR_JOB_NOT_FOUND`; `ERR_JOB_STATE` naming its state when it is not dead or lost.
   */
  retry(id: string, nowMs: number): Awaitable<JobRecord>;
  /**
   * Removes the record, and its job when still stored (waiting, delayed, failed). False when unknown.
   * @throws {QuiError} `ERR_JOB_STATE` for an active job (cancel it first).
   */
  remove(id: string): Awaitable<boolean>;
  /**
   * Cancels job `id`: waiting, delayed or failed → `cancelled` (its job removed), active → left
   * to the process running it (see {@link CancelOutcome}).
   * @throws {QuiError} `ERR_JOB_NOT_FOUND`, or `ERR_JOB_STATE` for a job that already ended.
   */
  cancel(id: string, reason: string | undefined, nowMs: number): Awaitable<CancelOutcome>;
  /** While paused, takes return nothing (for every process on the store); adds are kept. */
  setPaused(paused: boolean): Awaitable<void>;
  isPaused(): Awaitable<boolean>;
  /** This process holds its lease until `nowMs + ttlMs` (and says what it runs). */
  heartbeat(beat: ProcessBeat, nowMs: number, ttlMs: number): Awaitable<void>;
  /** This process leaves cleanly: its lease ends now (its active jobs are its own to settle). */
  leave(processId: string): Awaitable<void>;
  /** The processes whose lease runs past `nowMs`, in no particular order. */
  processes(nowMs: number): Awaitable<readonly ProcessInfo[]>;
  /**
   * Active jobs of processes with no lease running past `nowMs` (expired, left, or never beat)
   * each become `lost` (reason `process-gone`), or with `requeue`, when they have retries left,
   * are stored again as a retry (`attempts + 1`, due now; record `waiting`). Atomic per job, so
   * two processes reaping at once change each job once. Returns the records it changed, as changed.
   * The queue must heartbeat before its first take, or a reaper elsewhere takes its jobs for lost.
   */
  reap(nowMs: number, requeue: boolean): Awaitable<readonly JobRecord[]>;
  /** Prunes ended records past retention, oldest first, at most `max`; returns how many went. */
  prune(nowMs: number, max: number): Awaitable<number>;
  /** Tells every process sharing the store, this one included. */
  broadcast(message: StoreBroadcast): Awaitable<void>;
  /** Calls `listener` for every broadcast received; returns the function that stops it. */
  onBroadcast(listener: (message: StoreBroadcast) => void): () => void;
  /**
   * Resolves once the broadcasts other processes send from then on reach this store's
   * `onBroadcast` listeners: a store that hears them on a connection of its own (Redis pub/sub)
   * resolves once it is subscribed, and before that nothing sent elsewhere reaches it. Stores
   * whose listeners hear every broadcast from the start leave it out.
   */
  listening?(): Promise<void>;
}

/** End states that retention prunes. */
export type PrunedState = JobEndState;

/**
 * Checks a {@link RecordQuery}: every store calls it first in `list`, so all reject the same
 * queries the same way. The cursor's own format is the store's to check.
 * @throws {InvalidOptionsError} naming `state`, `limit` or `cursor`.
 * @internal
 */
export function checkRecordQuery(query: unknown): RecordQuery {
  const fail = (path: string, problem: string) => new InvalidOptionsError(path, problem);
  const q = checkObject(query, '', ['state', 'limit', 'cursor'], fail);
  checkOneOf(q.state, 'state', JOB_STATES, fail);
  const limit = checkInteger(q.limit, 'limit', 1, fail);
  if (limit > MAX_PAGE_LIMIT) throw fail('limit', `must be at most ${MAX_PAGE_LIMIT}, got ${limit}`);
  if (q.cursor !== undefined && (typeof q.cursor !== 'string' || q.cursor === '')) {
    throw fail('cursor', `must be a cursor a previous page returned, got ${describe(q.cursor)}`);
  }
  return q as unknown as RecordQuery;
}

/** The error a store throws for a malformed cursor. @internal */
export function badCursorError(cursor: string): InvalidOptionsError {
  return new InvalidOptionsError(
    'cursor',
    `must be a cursor a previous page returned, got ${describe(cursor)}`,
  );
}

/** A `counts()` answer with every state at 0, to fill in. @internal */
export function zeroCounts(): Record<JobState, number> {
  return { waiting: 0, delayed: 0, active: 0, failed: 0, completed: 0, dead: 0, lost: 0, cancelled: 0 };
}

/** The error every store throws for a job id it holds no record of. @internal */
export function jobNotFoundError(queue: string, id: string): QuiError {
  return new QuiError('ERR_JOB_NOT_FOUND', `queue ${describe(queue)} has no job ${describe(id)}`);
}

/** The error every store throws when a job's state does not allow `action`; nothing changed. @internal */
export function jobStateError(id: string, state: JobState, action: string): QuiError {
  return new QuiError('ERR_JOB_STATE', `job ${describe(id)} is ${state}: cannot ${action} it`);
}
