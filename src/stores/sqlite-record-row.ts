import type { Job } from '../jobs/job';
import type { JobRecord, JobState } from '../jobs/job-record';
import { recordOf } from './stored-record';

/** A row of qui_records as read (safe integers off: every value but the seqs fits a number). @internal */
export interface RecordRow {
  readonly id: string;
  readonly state: JobState;
  readonly job: string;
  readonly attempts: number;
  readonly started_at: number | null;
  readonly finished_at: number | null;
  readonly error: string | null;
  readonly result: string | null;
  readonly progress: string | null;
  readonly process_id: string | null;
  readonly worker: string | null;
  readonly reason: string | null;
}

/** Where a record's job is held: its seq in qui_waiting or in qui_delayed, or neither. @internal */
export interface Slot {
  readonly waiting: bigint | null;
  readonly delayed: bigint | null;
}

/** A job a take removed but could not decode: reported through `onUndecodable` after the commit. @internal */
export interface Undecodable {
  readonly id: string | undefined;
  readonly error: Error;
}

/** The columns {@link toRecord} reads. @internal */
export const RECORD_COLUMNS =
  'id, state, job, attempts, started_at, finished_at, error, result, progress, process_id, worker, reason';

/**
 * The value of `entered` for a record entering state `@state` of queue `@q`: one past the last
 * one handed out (the trigger on qui_records then moves the counter). @internal
 */
export const NEXT_ENTERED = '(SELECT seq + 1 FROM qui_record_counts WHERE queue_id = @q AND state = @state)';

/** What a store needs of the SQLite store it lives in. @internal */
export interface SqliteRecordsHost {
  /** Stores `job` as `add` would, inside the caller's transaction; says where it went. */
  store(job: Job, nowMs: number): Slot;
  /** Starts the store's data_version watch (idempotent): other connections' broadcasts are read on it. */
  watch(): void;
}

/** A record row of queue `queue` as a frozen {@link JobRecord}, even with a corrupt body (see `recordOf`). @internal */
export function toRecord(row: RecordRow, queue: string): JobRecord {
  return recordOf({
    id: row.id,
    queue,
    body: row.job,
    state: row.state,
    attempts: row.attempts,
    startedAtMs: row.started_at ?? undefined,
    finishedAtMs: row.finished_at ?? undefined,
    error: row.error ?? undefined,
    result: row.result ?? undefined,
    progress: row.progress ?? undefined,
    processId: row.process_id ?? undefined,
    worker: row.worker ?? undefined,
    reason: row.reason ?? undefined,
  });
}

/** The job stored again as one more attempt, due now (a retried or requeued record). @internal */
export function nextAttempt(job: Job): Job {
  const { runAtMs: _runAtMs, ...rest } = job;
  return { ...rest, attempts: rest.attempts + 1 };
}
