import type { JobRecord, JobState } from '../jobs/job-record';
import type { QueueClient } from '../queue/queue-client';
import type { ProcessInfo, RecordPage } from '../stores/job-records';

/**
 * What the dashboard reads and calls of one queue's job records: the records part of
 * `QueueClient` (`getJob`, `getJobs`, `counts`, `retryJob`, `removeJob`, `pause`, `resume`,
 * `isPaused`, `cancel`, `processes`). A queue without records is shown from its stats alone.
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

/** The records calls a `QueueClient` and a `QueueConnection` (connectQueue) share. @internal */
export type RecordsApi = Pick<
  QueueClient,
  | 'getJob'
  | 'getJobs'
  | 'counts'
  | 'retryJob'
  | 'removeJob'
  | 'pause'
  | 'resume'
  | 'isPaused'
  | 'cancel'
  | 'processes'
>;

/**
 * The one place that maps a queue's client (or connection) onto `QueueControl`, so a renamed method of the
 * records API is fixed here only. Whether the queue keeps records at all is the read model's
 * to find out (the client's calls reject with `ERR_RECORDS_OFF` when it does not). @internal
 */
export function controlOf(client: RecordsApi): QueueControl {
  return {
    getJob: (id) => client.getJob(id),
    getJobs: (query) => client.getJobs(query),
    counts: () => client.counts(),
    retryJob: (id) => client.retryJob(id),
    removeJob: (id) => client.removeJob(id),
    pause: () => client.pause(),
    resume: () => client.resume(),
    isPaused: () => client.isPaused(),
    cancel: (id, reason) => client.cancel(id, reason),
    processes: () => client.processes(),
  };
}
