import type { ActorRef } from '../actors/actor-ref';
import type { EnqueueReply, QueueMessage, QueueStats } from './queue-messages';
import { QuiError } from '../errors';
import type { ActorDirectory } from '../actors/define-actor';
import type { SystemServices } from '../actors/system-services';
import type { Job } from '../jobs/job';
import type { JobOptions } from '../jobs/job-options';
import { findQueueRuntime, type EnqueueSpan } from './queue-runtime';
import { isPlainObject } from '../validate';

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
  /** Removes and returns the next due job, or `undefined`. The job is now yours: at-most-once. */
  dequeue(): Promise<Job<TTask> | undefined>;
  stats(): Promise<QueueStats>;
  /** Jobs held, due and delayed. */
  size(): Promise<number>;
}

/** @internal */
export function queueClient<TTask, TPriority extends string = string>(
  core: SystemServices & ActorDirectory,
  name: string,
): QueueClient<TTask, TPriority> {
  const stoppedError = (): QuiError =>
    new QuiError(
      'ERR_STOPPED',
      `the system is stopping; queue ${JSON.stringify(name)} takes no more requests`,
    );
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
  return {
    name,
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
