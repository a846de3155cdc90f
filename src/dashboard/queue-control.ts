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
  /** `undefined` when the records cannot tell. */
  isPaused(): Promise<boolean | undefined>;
  cancel(id: string, reason?: string): Promise<unknown>;
  /** The processes sharing the queue's store, as their heartbeats say. */
  processes(): Promise<readonly ProcessInfo[]>;
}

/** The methods a client must have to be used as a `QueueControl`. */
const REQUIRED = [
  'getJob',
  'getJobs',
  'counts',
  'retryJob',
  'removeJob',
  'pause',
  'resume',
  'cancel',
] as const;

type Method = (...args: never[]) => Promise<unknown>;

/**
 * The one place that maps a queue client onto `QueueControl`, so a renamed method of the records
 * API is fixed here only: a client with every required method is used (its `isPaused` and
 * `processes` when it has them, else "unknown" and none); one that lacks any gives `undefined`,
 * and the dashboard shows the queue from its stats (no job lists, no actions). @internal
 */
export function controlOf(client: unknown): QueueControl | undefined {
  if (typeof client !== 'object' || client === null) return undefined;
  const c = client as Record<string, unknown>;
  for (const m of REQUIRED) if (typeof c[m] !== 'function') return undefined;
  const bind = (name: string): Method | undefined =>
    typeof c[name] === 'function' ? (c[name] as Method).bind(client) : undefined;
  const control = Object.fromEntries(REQUIRED.map((m) => [m, bind(m)])) as unknown as Omit<
    QueueControl,
    'isPaused' | 'processes'
  >;
  return {
    ...control,
    isPaused:
      (bind('isPaused') as QueueControl['isPaused'] | undefined) ?? (() => Promise.resolve(undefined)),
    processes: (bind('processes') as QueueControl['processes'] | undefined) ?? (() => Promise.resolve([])),
  };
}
