/**
 * STUB of the job-records API (issue 10), for the dashboard's tests until `QueueClient` has it.
 * It builds records in this process from `system.events` and implements `QueueControl` over
 * them: retry re-enqueues the payload (a new id), pause and resume only flip a flag (the queue
 * goes on handing out jobs), cancel only marks the record. When the records API lands, the tests
 * that use it switch to `createDashboard(system)` with the queues' own clients (grep STUB-RECORDS).
 */
import { hostname } from 'node:os';
import { QuiError } from '../../src/errors';
import type { Job } from '../../src/jobs/job';
import type { JobError } from '../../src/jobs/job-error';
import { JOB_STATES, type JobRecord, type JobState } from '../../src/jobs/job-record';
import type { QueueControl } from '../../src/dashboard/queue-control';
import type { QuiSystem } from '../../src/runtime/start-system';
import type { ProcessInfo, RecordPage } from '../../src/stores/job-records';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const STARTED_AT = Date.now();

function jobError(error: Error): JobError {
  return { name: error.name, message: error.message, stack: error.stack?.slice(0, 4_000) };
}

function recordOf(job: Job, state: JobState): Mutable<JobRecord> {
  const task = job.task as { task?: unknown } | null;
  return {
    id: job.id,
    queue: job.queue,
    task: job.task,
    taskName:
      typeof task === 'object' && task !== null && typeof task.task === 'string' ? task.task : undefined,
    priority: job.priority,
    options: {
      maxRetries: job.maxRetries,
      retryDelayMs: job.retryDelayMs,
      backoff: typeof job.backoff === 'function' ? { type: 'fixed' } : job.backoff,
      timeoutMs: job.timeoutMs,
    },
    state,
    attempts: job.attempts,
    enqueuedAtMs: job.enqueuedAtMs,
    runAtMs: job.runAtMs,
    startedAtMs: undefined,
    finishedAtMs: undefined,
    error: undefined,
    result: undefined,
    progress: undefined,
    processId: undefined,
    worker: undefined,
    reason: undefined,
    deadLetterOf: undefined,
    trace: undefined,
  };
}

/** STUB-RECORDS: one `QueueControl` per queue of `system`, fed by its events; `control(name)` for `records`. */
export function stubRecords(system: QuiSystem): {
  control(queue: string): QueueControl | undefined;
  dispose(): void;
} {
  const records = new Map<string, Mutable<JobRecord>>();
  const paused = new Set<string>();
  const wall = (): number => system.clock.wallNow();
  const upd = (id: string, f: (r: Mutable<JobRecord>) => void): void => {
    const r = records.get(id);
    if (r) f(r);
  };
  const offs = [
    system.events.on('job.enqueued', ({ job }) => {
      const delayed = job.runAtMs !== undefined && job.runAtMs > wall();
      records.set(job.id, recordOf(job, delayed ? 'delayed' : 'waiting'));
    }),
    system.events.on('job.started', ({ job, attempt, worker }) =>
      upd(job.id, (r) => {
        if (r.state === 'cancelled') return;
        Object.assign(r, {
          state: 'active',
          attempts: attempt,
          startedAtMs: wall(),
          worker,
          processId: 'stub-process',
        });
      }),
    ),
    system.events.on('job.completed', ({ job, value }) =>
      upd(job.id, (r) => Object.assign(r, { state: 'completed', result: value, finishedAtMs: wall() })),
    ),
    system.events.on('job.failed', ({ job, error }) => upd(job.id, (r) => (r.error = jobError(error)))),
    system.events.on('job.retrying', ({ job }) => upd(job.id, (r) => (r.state = 'failed'))),
    system.events.on('job.dead', ({ job, error, attempts }) =>
      upd(job.id, (r) =>
        Object.assign(r, { state: 'dead', error: jobError(error), attempts, finishedAtMs: wall() }),
      ),
    ),
    system.events.on('job.lost', (e) => {
      if (e.job)
        upd(e.job.id, (r) =>
          Object.assign(r, { state: 'lost', reason: e.reason.type, finishedAtMs: wall() }),
        );
    }),
  ];
  const of = (queue: string, id: string): Mutable<JobRecord> => {
    const r = records.get(id);
    if (!r || r.queue !== queue) throw new QuiError('ERR_JOB_NOT_FOUND', `no job ${id} in ${queue}`);
    return r;
  };
  const control = (queue: string): QueueControl => ({
    getJob: async (id) => {
      const r = records.get(id);
      return r?.queue === queue ? { ...r } : undefined;
    },
    getJobs: async ({ state, limit, cursor }): Promise<RecordPage> => {
      const all = [...records.values()].filter((r) => r.queue === queue && r.state === state).reverse();
      const from = cursor === undefined ? 0 : Number(cursor);
      const page = all.slice(from, from + limit);
      return { records: page, cursor: from + limit < all.length ? String(from + limit) : undefined };
    },
    counts: async () => {
      const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
      for (const r of records.values()) if (r.queue === queue) counts[r.state]++;
      return counts;
    },
    retryJob: async (id) => {
      const r = of(queue, id);
      if (r.state !== 'dead' && r.state !== 'lost')
        throw new QuiError('ERR_JOB_STATE', `job ${id} is ${r.state}, not dead or lost`);
      records.delete(id);
      return system.queue(queue).enqueue(r.task);
    },
    removeJob: async (id) => records.delete(id),
    pause: async () => void paused.add(queue),
    resume: async () => void paused.delete(queue),
    isPaused: async () => paused.has(queue),
    cancel: async (id, reason) => {
      const r = of(queue, id);
      if (!['waiting', 'delayed', 'active', 'failed'].includes(r.state))
        throw new QuiError('ERR_JOB_STATE', `job ${id} has ended (${r.state})`);
      Object.assign(r, { state: 'cancelled', reason, finishedAtMs: wall() });
    },
    processes: async (): Promise<ProcessInfo[]> => [
      {
        // This process's own pool, as the records API's heartbeat would report it.
        workers: await system
          .supervisor(`${queue}.workers`)
          .countChildren()
          .then(
            async (c) => ({
              busy: Math.max(0, c.active - (await system.queue(queue).stats()).parkedPolls),
              total: c.active,
            }),
            () => ({ busy: 0, total: 0 }),
          ),
        processId: 'stub-process',
        host: hostname(),
        pid: process.pid,
        startedAtMs: STARTED_AT,
        lastBeatAtMs: wall(),
        expiresAtMs: wall() + 10_000,
      },
    ],
  });
  return {
    control: (queue) => (system.queues().includes(queue) ? control(queue) : undefined),
    dispose: () => offs.forEach((off) => off()),
  };
}
