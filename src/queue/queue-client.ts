import type { ActorRef } from '../actors/actor-ref';
import type { EnqueueReply, QueueMessage, QueueStats } from './queue-messages';
import { QuiError } from '../errors';
import type { ActorDirectory } from '../actors/define-actor';
import type { SystemServices } from '../actors/system-services';
import type { Job } from '../jobs/job';
import type { JobOptions } from '../jobs/job-options';
import { findQueueRuntime } from './queue-runtime';
import type { EnqueueSpan } from './queue-watch';
import { isPlainObject } from '../validate';
import type { JobRecord } from '../jobs/job-record';
import type { ProcessInfo } from '../stores/job-records';
import {
  queueStoppedError,
  type JobControl,
  type GetJobsQuery,
  type JobCounts,
  type JobPage,
  type WaitForOptions,
} from './job-control';

export type { GetJobsQuery, JobCounts, JobPage, WaitForOptions } from './job-control';

/** One item of `enqueueMany`. */
export interface EnqueueItem<TTask = unknown, TPriority extends string = string> {
  readonly task: TTask;
  readonly options?: JobOptions<TPriority>;
}

/**
 * A typed client of one queue. Every call is a message to the queue actor; the queue works with
 * no workers at all (enqueue, then dequeue yourself). From `system.queue(spec)` it takes only the
 * queue's own task values and priority names; from `system.queue('name')`, anything (`unknown`).
 */
export interface QueueClient<TTask = unknown, TPriority extends string = string> {
  readonly name: string;
  /**
   * Stores a job; resolves with it once stored.
   * @throws {InvalidOptionsError} naming the field; {QuiError} `ERR_QUEUE_FULL`, `ERR_QUEUE_NOT_FOUND`, `ERR_STOPPED` (the system
   * is stopping or has stopped), `ERR_STORE` (the store failed; `cause` holds its error).
   */
  enqueue(task: TTask, options?: JobOptions<TPriority>): Promise<Job<TTask>>;
  /** Stores several jobs, all or none (one bad item rejects the call and stores nothing). */
  enqueueMany(items: readonly EnqueueItem<TTask, TPriority>[]): Promise<readonly Job<TTask>[]>;
  /**
   * Removes and returns the next due job, or `undefined`. The job is now yours: at-most-once. With
   * records its record ends `completed` with `reason: 'dequeued'` (no worker, no result) before
   * this resolves: it is never left `active` (see docs/guides/inspecting-jobs.md).
   */
  dequeue(): Promise<Job<TTask> | undefined>;
  stats(): Promise<QueueStats>;
  /** Jobs held, due and delayed. */
  size(): Promise<number>;

  // Records (see docs/guides/inspecting-jobs.md). A queue defined with `retain: false` keeps
  // none: every call below rejects with `ERR_RECORDS_OFF`.

  /** The record of job `id`, or `undefined` when the store holds none (never was, pruned, removed). */
  getJob(id: string): Promise<JobRecord<TTask> | undefined>;
  /**
   * A page of the records in one state, newest first (by when each entered it).
   * @throws {InvalidOptionsError} naming `state`, `limit` or `cursor`.
   */
  getJobs(query: GetJobsQuery): Promise<JobPage<TTask>>;
  /** Jobs per state; every state present. */
  counts(): Promise<JobCounts>;
  /**
   * A `dead` or `lost` job back to `waiting` as one more attempt; resolves with its record. A
   * dead-letter copy (`record.deadLetterOf`) goes back into its source queue instead, which this
   * system must define (its store is written, wherever its workers run), and the copy is removed.
   * @throws {QuiError} `ERR_JOB_NOT_FOUND`; `ERR_JOB_STATE` (not dead or lost: nothing changed);
   * `ERR_QUEUE_NOT_FOUND` for a dead-letter copy whose source queue this system does not define.
   */
  retryJob(id: string): Promise<JobRecord<TTask>>;
  /**
   * Removes a job's record, and the job itself while it is still stored (waiting, delayed,
   * failed); false when there was none.
   * @throws {QuiError} `ERR_JOB_STATE` for an active job (cancel it first).
   */
  removeJob(id: string): Promise<boolean>;
  /**
   * Pauses the queue in every process sharing its store: nothing is handed out (workers stay
   * parked), enqueues are still accepted. Resolves once the store holds the flag.
   */
  pause(): Promise<void>;
  /** Undoes `pause()`: parked workers in every process sharing the store look again. */
  resume(): Promise<void>;
  isPaused(): Promise<boolean>;
  /**
   * The processes sharing the queue's store whose lease is running, as their latest heartbeats
   * say (host, pid, workers busy and in all, when the lease ends): this one included while its
   * queue runs. On the memory store, this process only.
   */
  processes(): Promise<readonly ProcessInfo[]>;
  /**
   * Cancels job `id`: a waiting, delayed or failed job becomes `cancelled` at once; an active one
   * has its attempt's `AbortSignal` aborted in whichever process runs it and ends `cancelled`
   * (never retried). Resolves with the record as the cancel left it (`active` for a running job:
   * `waitFor` gives its end).
   * @throws {QuiError} `ERR_JOB_NOT_FOUND`; `ERR_JOB_STATE` for a job that already ended (nothing changed).
   */
  cancel(id: string, reason?: string): Promise<JobRecord<TTask>>;
  /**
   * Resolves with job `id`'s record once it reaches an end state (`completed`, `dead`, `lost`,
   * `cancelled`): at once if it already has. Listens to this system's events and to the store's
   * broadcasts from other processes, reading the record on each; on a store other processes share
   * it also reads it again every 5 s, in case a broadcast was lost.
   * @throws {QuiError} `ERR_JOB_NOT_FOUND`; `ERR_WAIT_TIMEOUT` past `timeoutMs`; `ERR_STOPPED`
   * when the system stops first.
   */
  waitFor(id: string, options?: WaitForOptions): Promise<JobRecord<TTask>>;
}

/** @internal */
export function queueClient<TTask, TPriority extends string = string>(
  core: SystemServices & ActorDirectory,
  name: string,
): QueueClient<TTask, TPriority> {
  const stoppedError = (): QuiError => queueStoppedError(name);
  const ask = <T>(build: (replyTo: ActorRef<T | Error>) => QueueMessage): Promise<T> => {
    if (core.stopping) return Promise.reject(stoppedError());
    const cell = findQueueRuntime(core, name) ? core.lookup<QueueMessage>(name) : undefined;
    if (!cell)
      return Promise.reject(
        new QuiError('ERR_QUEUE_NOT_FOUND', `no queue named ${JSON.stringify(name)} is running`),
      );
    return core.ask<T | Error, QueueMessage>(cell, build, Infinity).then(
      (reply) => {
        if (reply instanceof Error) throw reply;
        return reply;
      },
      (error: unknown) => {
        // The queue exited before answering because the system is stopping: say so.
        if (core.stopping && error instanceof QuiError && error.code === 'ERR_NO_SUCH_ACTOR')
          throw stoppedError();
        throw error;
      },
    );
  };
  const jobsOf = (reply: EnqueueReply): readonly Job<TTask>[] => {
    if (!reply.ok) throw reply.error;
    return reply.jobs as readonly Job<TTask>[];
  };
  // Tracing on (`createTracing`): the enqueue opens a `send <queue>` span in the caller's context
  // and each job carries its context, unless the caller set `options.trace` itself.
  const producerSpan = (count: number): EnqueueSpan | undefined =>
    findQueueRuntime(core, name)?.enqueueTracer?.send(name, count);
  const sendMany = (items: readonly EnqueueItem<TTask, TPriority>[]): Promise<readonly Job<TTask>[]> => {
    const span = Array.isArray(items) ? producerSpan(items.length) : undefined;
    const sent = span ? items.map((item) => ({ ...item, options: withTrace(item?.options, span) })) : items;
    return traced(
      span,
      ask<EnqueueReply>((replyTo) => ({ type: 'queue.enqueue-many', items: sent, replyTo })).then(jobsOf),
    );
  };
  // Records calls go straight to the queue's store (no actor), once the queue runs.
  const control = (): Promise<JobControl> => {
    if (core.stopping) return Promise.reject(stoppedError());
    const rt = findQueueRuntime(core, name);
    if (!rt)
      return Promise.reject(
        new QuiError('ERR_QUEUE_NOT_FOUND', `no queue named ${JSON.stringify(name)} is running`),
      );
    return Promise.resolve(rt.control());
  };
  type Rec = JobRecord<TTask>;
  return {
    name,
    getJob: (id) => control().then((c) => c.getJob(id) as Promise<Rec | undefined>),
    getJobs: (query) => control().then((c) => c.getJobs(query) as Promise<JobPage<TTask>>),
    counts: () => control().then((c) => c.counts()),
    retryJob: (id) => control().then((c) => c.retryJob(id) as Promise<Rec>),
    removeJob: (id) => control().then((c) => c.removeJob(id)),
    pause: () => control().then((c) => c.pause()),
    resume: () => control().then((c) => c.resume()),
    isPaused: () => control().then((c) => c.isPaused()),
    processes: () => control().then((c) => c.processes()),
    cancel: (id, reason) => control().then((c) => c.cancel(id, reason) as Promise<Rec>),
    waitFor: (id, options) => control().then((c) => c.waitFor(id, options) as Promise<Rec>),
    enqueue: (task, options) => {
      // A trace the caller set (a carrier, or false for none) is kept, and needs no span of ours.
      const span = hasTrace(options) ? undefined : producerSpan(1);
      const sent = span ? withTrace(options, span) : options;
      return traced(
        span,
        ask<EnqueueReply>((replyTo) => ({ type: 'queue.enqueue', task, options: sent, replyTo })).then(
          (r) => jobsOf(r)[0] as Job<TTask>,
        ),
      );
    },
    enqueueMany: sendMany,
    dequeue: () =>
      ask<Job | undefined>((replyTo) => ({ type: 'queue.dequeue', replyTo })) as Promise<
        Job<TTask> | undefined
      >,
    stats: () => ask<QueueStats>((replyTo) => ({ type: 'queue.stats', replyTo })),
    size: () => ask<number>((replyTo) => ({ type: 'queue.size', replyTo })),
  };
}

/** The options with the span's carrier as `trace`, unless the caller set one (or `false`) or they are invalid. */
function withTrace(options: unknown, span: EnqueueSpan): unknown {
  if (span.carrier === undefined) return options;
  if (options === undefined) return { trace: span.carrier };
  if (!isPlainObject(options) || options.trace !== undefined) return options; // validation reports it
  return { ...options, trace: span.carrier };
}

function hasTrace(options: unknown): boolean {
  return isPlainObject(options) && options.trace !== undefined;
}

/** Ends the producer span when the enqueue settles. */
function traced<T extends Job | readonly Job[]>(span: EnqueueSpan | undefined, sent: Promise<T>): Promise<T> {
  if (!span) return sent;
  return sent.then(
    (jobs) => {
      span.end(Array.isArray(jobs) ? (jobs as readonly Job[]) : [jobs as Job]);
      return jobs;
    },
    (error: unknown) => {
      span.end(undefined, error);
      throw error;
    },
  );
}
