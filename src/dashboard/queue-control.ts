import type { JobRecord, JobState } from '../jobs/job-record';
import type { ProcessInfo, RecordPage } from '../stores/job-records';

/**
 * What the dashboard reads and calls of one queue's job records: the records part of
 * `QueueClient` (`getJob`, `getJobs`, `counts`, `retryJob`, `removeJob`, `pause`, `resume`,
 * `isPaused`, `cancel`, `processes`): a `QueueClient` and a `QueueConnection` fit it as they are.
 * A queue without records is shown from its stats alone (whether it keeps any is the read
 * model's to find out: the calls reject with `ERR_RECORDS_OFF`).
 * Every read is bounded (`limit` is at most the dashboard's `pageSize`).
 */
export interface QueueControl {
  getJob(id: string): Promise<JobRecord | undefined>;
  getJobs(query: {
    readonly state: JobState;
    readonly limit: number;
    readonly cursor?: string;
  }): Promise<RecordPage>;
  counts(): Promise<Readonly<Record<JobState, number>>>;
  /** A dead or lost job back to waiting. */
  retryJob(id: string): Promise<unknown>;
  removeJob(id: string): Promise<unknown>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** `undefined` when the records cannot tell. */
  isPaused(): Promise<boolean | undefined>;
  cancel(id: string, reason?: string): Promise<unknown>;
  /** The processes sharing the queue's store, as their heartbeats say. */
  processes(): Promise<readonly ProcessInfo[]>;
}
