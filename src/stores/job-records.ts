import type { Job } from '../jobs/job';
import type { JobEndState, JobError, JobRecord, JobState } from '../jobs/job-record';
import type { Awaitable } from './job-store';

/**
 * How long a queue's store keeps ended records, per end state: by age and by count, whichever
 * prunes first. Pruning removes the oldest first and costs O(pruned).
 */
export interface ResolvedRetention {
  readonly completed: { readonly maxAgeMs: number; readonly maxCount: number };
  readonly dead: { readonly maxAgeMs: number; readonly maxCount: number };
  readonly lost: { readonly maxAgeMs: number; readonly maxCount: number };
  readonly cancelled: { readonly maxAgeMs: number; readonly maxCount: number };
}

/** What a store is told when it keeps records (`StoreConfig.records`). */
export interface RecordsConfig {
  /** This process's id: written on the records of the jobs it takes (leases, `processId`). */
  readonly processId: string;
  readonly retention: ResolvedRetention;
}

/** How an attempt, or a job, ended: what `finish` writes. */
export type RecordEnd =
  | { readonly state: 'completed'; readonly result: unknown; readonly worker: string | undefined }
  | { readonly state: 'dead'; readonly error: JobError; readonly worker: string | undefined }
  | {
      readonly state: 'lost';
      readonly reason: string;
      readonly error: JobError | undefined;
      readonly worker: string | undefined;
    }
  | { readonly state: 'cancelled'; readonly reason: string | undefined; readonly worker: string | undefined };

/** One page of `list`, newest first; `cursor` reads the next page, `undefined` at the end. */
export interface RecordPage {
  readonly records: readonly JobRecord[];
  readonly cursor: string | undefined;
}

/** What `cancel` did: a job not yet running is cancelled here; a running one must be aborted where it runs. */
export type CancelOutcome =
  | { readonly state: 'cancelled'; readonly record: JobRecord }
  | { readonly state: 'active'; readonly processId: string | undefined; readonly record: JobRecord };

/** A process sharing the store, as its heartbeat says. */
export interface ProcessInfo {
  readonly processId: string;
  /** Host name and pid, for people. */
  readonly host: string;
  readonly pid: number;
  readonly startedAtMs: number;
  readonly lastBeatAtMs: number;
  /** Its lease ends here unless it beats again. */
  readonly expiresAtMs: number;
  /** Workers of this queue in that process, busy and in all. */
  readonly workers: { readonly busy: number; readonly total: number };
}

/** What processes sharing a store tell each other (Redis: pub/sub). */
export type StoreBroadcast =
  | { readonly type: 'job.event'; readonly origin: string; readonly event: string; readonly payload: unknown }
  | { readonly type: 'job.cancel'; readonly jobId: string; readonly reason: string | undefined }
  | { readonly type: 'queue.paused'; readonly paused: boolean };

/**
 * The records part of a store (`JobStore.records`), present when the queue keeps records. Every
 * write that moves a job between states is atomic with the job's own move (a take marks the
 * record `active` in the same step that removes the job), so no crash leaves a record claiming a
 * state its job is not in. Totals per state live in the store.
 */
export interface JobRecords {
  get(id: string): Awaitable<JobRecord | undefined>;
  /** Records in `state`, newest first, at most `limit`, after `cursor`. */
  list(query: {
    readonly state: JobState;
    readonly limit: number;
    readonly cursor?: string;
  }): Awaitable<RecordPage>;
  /** Totals per state (every state present, 0 when none). */
  counts(): Awaitable<Readonly<Record<JobState, number>>>;
  /** The attempt of taken job `id` ended for good. Ends the record (pruned later by retention). */
  finish(id: string, end: RecordEnd, nowMs: number): Awaitable<void>;
  /** An attempt failed with retries left: stores `retry` (as `add` would) and marks the record `failed`. */
  retryLater(retry: Job, error: JobError, worker: string | undefined, nowMs: number): Awaitable<void>;
  /** Stores a processor's progress on an active job. */
  progress(id: string, value: unknown, nowMs: number): Awaitable<void>;
  /**
   * A dead or lost job back to waiting as a new attempt (attempts kept, error kept until it succeeds).
   * @throws {QuiError} `ERR_JOB_NOT_FOUND`, or `ERR_JOB_STATE` naming its state.
   */
  retry(id: string, nowMs: number): Awaitable<JobRecord>;
  /** Removes the record, and the job with it when it is still waiting or delayed. False when unknown. */
  remove(id: string): Awaitable<boolean>;
  /** @throws {QuiError} `ERR_JOB_NOT_FOUND`, or `ERR_JOB_STATE` for a job that already ended. */
  cancel(id: string, reason: string | undefined, nowMs: number): Awaitable<CancelOutcome>;
  /** A paused queue's takes return nothing (across every process on the store); enqueues are kept. */
  setPaused(paused: boolean): Awaitable<void>;
  isPaused(): Awaitable<boolean>;
  /** This process holds its lease until `nowMs + ttlMs`. */
  heartbeat(
    process: Omit<ProcessInfo, 'expiresAtMs' | 'lastBeatAtMs'>,
    nowMs: number,
    ttlMs: number,
  ): Awaitable<void>;
  /** This process leaves cleanly: its lease ends now (its active jobs are its own to settle). */
  leave(processId: string): Awaitable<void>;
  processes(nowMs: number): Awaitable<readonly ProcessInfo[]>;
  /**
   * Active jobs of processes whose lease ended by `nowMs`: each becomes `lost` (reason
   * `process-gone`) or, with `requeue`, is stored again as waiting. Returns the records changed.
   */
  reap(nowMs: number, requeue: boolean): Awaitable<readonly JobRecord[]>;
  /** Prunes ended records past retention, at most `max`; returns how many went. */
  prune(nowMs: number, max: number): Awaitable<number>;
  /** Tells every process sharing the store (and this one). Memory: this process only. */
  broadcast(message: StoreBroadcast): Awaitable<void>;
  onBroadcast(listener: (message: StoreBroadcast) => void): void;
}

/** End states that retention prunes. */
export type PrunedState = JobEndState;
