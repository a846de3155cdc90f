import { QuiError } from '../errors';
import type { JobId } from '../ids';
import type { AttemptHistory } from './attempt-history';
import type { Backoff, DeadLetterSource, Job } from './job';
import type { JobError } from './job-error';
import type { JobEndState } from './job-retention';

/**
 * Where a job is in its life, as its record in the store says (BullMQ's words, plus Qui's own
 * end states): `waiting` (due), `delayed` (not yet due), `active` (taken by a process),
 * `failed` (an attempt failed and its retry is stored, due or not), then one end state:
 * `completed`, `dead` (failed for good), `lost` (it left the store and will not run again:
 * at-most-once) or `cancelled`.
 */
export type JobState = 'waiting' | 'delayed' | 'active' | 'failed' | JobEndState;

/** Every state, in the order a job passes them; the last four are end states. */
export const JOB_STATES: readonly JobState[] = Object.freeze([
  'waiting',
  'delayed',
  'active',
  'failed',
  'completed',
  'dead',
  'lost',
  'cancelled',
]);

/** A job's backoff as a record shows it: JSON, so a function backoff (memory store only) shows as `{ type: 'function' }`. */
export type RecordBackoff = Exclude<Backoff, (...args: never[]) => unknown> | { readonly type: 'function' };

/** Largest result (or progress value) a record keeps, in characters of JSON. */
export const MAX_RESULT_CHARS = 64 * 1024;

/**
 * The record of one job, readable from any process that shares the queue's store. Timestamps
 * are wall-clock ms (the `nowMs` the store was given). A record is a snapshot: a plain frozen
 * object, never updated in place.
 */
export interface JobRecord<TTask = unknown> {
  readonly id: JobId;
  readonly queue: string;
  /** The payload as enqueued. */
  readonly task: TTask;
  /** The task name of a `defineTask` value (`{ task: name, … }`), when the payload is one. */
  readonly taskName: string | undefined;
  readonly priority: string;
  readonly options: {
    readonly maxRetries: number;
    readonly retryDelayMs: number;
    readonly backoff: RecordBackoff;
    /** `Infinity` for none. */
    readonly timeoutMs: number;
  };
  readonly state: JobState;
  /** Attempts started so far: 0 while it waits for its first, 1 once taken, and so on. */
  readonly attempts: number;
  readonly enqueuedAtMs: number;
  /** When it is (or was) due: set for delayed jobs and retries. */
  readonly runAtMs: number | undefined;
  /** When its latest attempt started. */
  readonly startedAtMs: number | undefined;
  /** When it reached its end state; `undefined` until then. */
  readonly finishedAtMs: number | undefined;
  /** The latest attempt's error, kept through later attempts (and on a completed job whose result could not be kept). */
  readonly error: JobError | undefined;
  /**
   * The earlier attempts that failed and were retried, oldest first, each with its error (name,
   * message cut to 500 characters, code; no stack) and its start and end: at most
   * `MAX_ATTEMPT_HISTORY` (10), `dropped` counting the older ones let go. The latest failed
   * attempt of a `failed` job is its last entry; that of a `dead` job is `error` (not listed).
   * `undefined` while no attempt failed (and on queues whose jobs were retried by a version
   * without it). A `lost` job requeued by a reap (`onLost: 'retry'`) or a job put back by
   * `retryJob` adds no entry for the attempt that was lost or died: its attempt number is skipped.
   */
  readonly history: AttemptHistory | undefined;
  /** The completed attempt's value, as JSON gave it back; `undefined` when it returned none. */
  readonly result: unknown;
  /** The latest value a processor reported with `ctx.progress`. */
  readonly progress: unknown;
  /** The process that took it last (see `QuiSystem.processId`). */
  readonly processId: string | undefined;
  /** The path of the worker that ran its latest attempt, written when the attempt ends. */
  readonly worker: string | undefined;
  /** Why it was lost or cancelled; `'dequeued'` on a `completed` job a caller took with `dequeue()`. */
  readonly reason: string | undefined;
  /** For a dead-letter copy: the queue and job it came from, and that job's last error. */
  readonly deadLetterOf: DeadLetterSource | undefined;
  /** Trace context of the enqueue, when tracing is on. */
  readonly trace: Readonly<Record<string, string>> | undefined;
  /**
   * Present only on a record the store could not fully decode (a corrupt body, or a corrupt
   * `error`, `result`, `progress` or `history`): `reason` says which part and why. Such a record is still
   * listed and read, never thrown on: its `id`, `queue`, `state`, `attempts`, timestamps but
   * `enqueuedAtMs`, `processId`, `worker` and `reason` are exact. The fields only the body holds
   * are what could still be read of it, else stand-ins: `task` and `taskName` `undefined`,
   * `priority` `''`, `options` of no retries and no timeout, `enqueuedAtMs` 0, no `runAtMs`,
   * `deadLetterOf` or `trace`. A part that cannot be read is `undefined`. Never set by the memory
   * store, which keeps no text.
   */
  readonly corrupt?: { readonly reason: string };
}

/**
 * The task name of a `defineTask` payload (`{ task: 'send-email', params }`), else `undefined`.
 * @example
 * taskNameOf({ task: 'send-email', params: {} }); // 'send-email'
 */
export function taskNameOf(task: unknown): string | undefined {
  if (typeof task !== 'object' || task === null) return undefined;
  const name = (task as { task?: unknown }).task;
  return typeof name === 'string' ? name : undefined;
}

/**
 * The `options` of a job's record: its retry and timeout settings, JSON only.
 * @internal
 */
export function recordOptions(job: Job): JobRecord['options'] {
  return {
    maxRetries: job.maxRetries,
    retryDelayMs: job.retryDelayMs,
    backoff: typeof job.backoff === 'function' ? { type: 'function' } : job.backoff,
    timeoutMs: job.timeoutMs,
  };
}

/**
 * Encodes a processor's result (or, with `field: 'progress'`, a progress value) as the JSON text
 * a record keeps: `undefined` for `undefined`. The ledger calls it before `JobRecords.finish`;
 * when it throws, the job still completes, without its result, and the record's `error` says why.
 * @throws {QuiError} `ERR_RESULT_TOO_LARGE` when the JSON is longer than {@link MAX_RESULT_CHARS}
 * (the message names the cap and the size); `ERR_RESULT_NOT_JSON` when JSON cannot write it (a BigInt, a cycle).
 * @example
 * toRecordResult({ sent: 3 }); // '{"sent":3}'
 */
export function toRecordResult(value: unknown, field: 'result' | 'progress' = 'result'): string | undefined {
  if (value === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (thrown) {
    throw new QuiError('ERR_RESULT_NOT_JSON', `the job's ${field} cannot be written as JSON`, {
      cause: thrown,
    });
  }
  // JSON.stringify gives undefined for a function or a symbol: nothing to keep.
  if (text === undefined) return undefined;
  if (text.length > MAX_RESULT_CHARS) {
    throw new QuiError(
      'ERR_RESULT_TOO_LARGE',
      `the job's ${field} is ${text.length} characters of JSON; a record keeps at most MAX_RESULT_CHARS (${MAX_RESULT_CHARS})`,
    );
  }
  return text;
}

/**
 * When the job was enqueued, or `undefined` on a corrupt record whose body did not say (its
 * stand-in `enqueuedAtMs` is 0, which would read as 1970). @internal
 */
export function enqueuedAtOf(r: JobRecord): number | undefined {
  return r.corrupt && r.enqueuedAtMs === 0 ? undefined : r.enqueuedAtMs;
}

/** What a store keeps of a record beside its job's own fields (see {@link jobRecord}). @internal */
export type RecordFields = Pick<
  JobRecord,
  | 'state'
  | 'attempts'
  | 'startedAtMs'
  | 'finishedAtMs'
  | 'error'
  | 'result'
  | 'progress'
  | 'processId'
  | 'worker'
  | 'reason'
>;

/**
 * The record of `job` with the store's `fields`, as a frozen snapshot: the one place a record is
 * built, so every store's records have one shape (and one key order). `corrupt` only when the store
 * could not read all of it. @internal
 */
export function jobRecord(job: Job, fields: RecordFields, corrupt?: JobRecord['corrupt']): JobRecord {
  const record: JobRecord = {
    id: job.id,
    queue: job.queue,
    task: job.task,
    taskName: taskNameOf(job.task),
    priority: job.priority,
    options: recordOptions(job),
    state: fields.state,
    attempts: fields.attempts,
    enqueuedAtMs: job.enqueuedAtMs,
    runAtMs: job.runAtMs,
    startedAtMs: fields.startedAtMs,
    finishedAtMs: fields.finishedAtMs,
    error: fields.error,
    history: job.history,
    result: fields.result,
    progress: fields.progress,
    processId: fields.processId,
    worker: fields.worker,
    reason: fields.reason,
    deadLetterOf: job.deadLetterOf,
    trace: job.trace,
  };
  return Object.freeze(corrupt === undefined ? record : { ...record, corrupt });
}
