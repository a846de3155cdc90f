import type { JobRecord, JobState } from '../jobs/job-record';
import type { ProcessInfo, RecordPage } from '../stores/job-records';

/**
 * What the dashboard reads and calls of one queue's job records, with the names of the records
 * API (`QueueClient`'s `getJob`, `getJobs`, `counts`, `retryJob`, `removeJob`, `pause`, `resume`,
 * `cancel`, `processes`). A queue without it is shown from its stats alone. Every read is bounded
 * (`limit` is at most the dashboard's `pageSize`).
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
  isPaused(): Promise<boolean>;
  cancel(id: string, reason?: string): Promise<unknown>;
  /** The processes sharing the queue's store, as their heartbeats say. */
  processes(): Promise<readonly ProcessInfo[]>;
}

/** The method names a client must have to be used as a `QueueControl` as it is. */
const METHODS = [
  'getJob',
  'getJobs',
  'counts',
  'retryJob',
  'removeJob',
  'pause',
  'resume',
  'isPaused',
  'cancel',
  'processes',
] as const;

/**
 * The one place that maps a queue client onto `QueueControl`: a client that has every method
 * (the records API) is used as it is; one that lacks any gives `undefined`, and the dashboard
 * shows the queue from its stats (no job lists, no actions). @internal
 */
export function controlOf(client: unknown): QueueControl | undefined {
  if (typeof client !== 'object' || client === null) return undefined;
  const c = client as Record<string, unknown>;
  for (const m of METHODS) if (typeof c[m] !== 'function') return undefined;
  return client as QueueControl;
}
