/**
 * Remembers the last known event of recent jobs, fed by `system.events`. Bounded: past `maxJobs`
 * the oldest-updated entries are forgotten (a Map keeps insertion order; an update re-inserts).
 */
import type { Job, QuiEventBus } from 'qui-actors';

export type JobStatus = 'enqueued' | 'started' | 'completed' | 'failed' | 'dead' | 'lost';

/** What `GET /jobs/:id` reports. */
export interface JobView {
  readonly id: string;
  readonly queue: string;
  readonly task: string | undefined;
  readonly priority: string;
  readonly status: JobStatus;
  /** The attempt the status is about (1 for the first). */
  readonly attempt: number;
  /** For `failed` (an attempt; it will be retried), `dead` and `lost`. */
  readonly error?: string;
  /** For `completed`: what the task returned. */
  readonly value?: unknown;
}

export interface JobTracker {
  get(id: string): JobView | undefined;
  readonly size: number;
  /** Stops listening. */
  close(): void;
}

function taskName(job: Job): string | undefined {
  const name = (job.task as { task?: unknown } | null)?.task;
  return typeof name === 'string' ? name : undefined;
}

/** Starts tracking the jobs of every queue of the system behind `events`. */
export function trackJobs(events: QuiEventBus, maxJobs = 10_000): JobTracker {
  const jobs = new Map<string, JobView>();
  const set = (
    job: Job,
    status: JobStatus,
    extra: Partial<JobView> = {},
    attempt = job.attempts + 1,
  ): void => {
    jobs.delete(job.id);
    jobs.set(job.id, {
      id: job.id,
      queue: job.queue,
      task: taskName(job),
      priority: job.priority,
      status,
      attempt,
      ...extra,
    });
    if (jobs.size > maxJobs) jobs.delete(jobs.keys().next().value as string);
  };
  const off = [
    events.on('job.enqueued', (e) => set(e.job, 'enqueued')),
    events.on('job.started', (e) => set(e.job, 'started', {}, e.attempt)),
    events.on('job.completed', (e) => set(e.job, 'completed', { value: e.value })),
    events.on('job.failed', (e) => set(e.job, 'failed', { error: e.error.message })),
    events.on('job.dead', (e) => set(e.job, 'dead', { error: e.error.message }, e.attempts)),
    events.on('job.lost', (e) => {
      if (e.job) set(e.job, 'lost', { error: `lost with its worker (${e.reason.type})` });
    }),
  ];
  return {
    get: (id) => jobs.get(id),
    get size() {
      return jobs.size;
    },
    close: () => off.forEach((unsubscribe) => unsubscribe()),
  };
}
