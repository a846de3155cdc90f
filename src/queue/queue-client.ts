import type { ActorRef } from '../actors/actor-ref';
import type { EnqueueReply, QueueMessage, QueueStats } from './queue-messages';
import { QuiError } from '../errors';
import type { ActorDirectory } from '../actors/define-actor';
import type { SystemServices } from '../actors/system-services';
import type { Job } from '../jobs/job';
import type { JobOptions } from '../jobs/job-options';
import { findQueueRuntime } from './queue-runtime';

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
   * @throws {InvalidOptionsError} naming the field; {QuiError} `ERR_QUEUE_FULL`, `ERR_QUEUE_NOT_FOUND`, `ERR_STOPPED`.
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
  const ask = <T>(build: (replyTo: ActorRef<T>) => QueueMessage): Promise<T> => {
    if (core.stopped)
      return Promise.reject(
        new QuiError('ERR_STOPPED', `the system has stopped; queue ${JSON.stringify(name)} is gone`),
      );
    const cell = findQueueRuntime(core, name) ? core.lookup<QueueMessage>(name) : undefined;
    if (!cell)
      return Promise.reject(
        new QuiError('ERR_QUEUE_NOT_FOUND', `no queue named ${JSON.stringify(name)} is running`),
      );
    return core.ask<T, QueueMessage>(cell, build, Infinity);
  };
  const jobsOf = (reply: EnqueueReply): readonly Job<TTask>[] => {
    if (!reply.ok) throw reply.error;
    return reply.jobs as readonly Job<TTask>[];
  };
  return {
    name,
    enqueue: (task, options) =>
      ask<EnqueueReply>((replyTo) => ({ type: 'queue.enqueue', task, options, replyTo })).then(
        (r) => jobsOf(r)[0] as Job<TTask>,
      ),
    enqueueMany: (items) =>
      ask<EnqueueReply>((replyTo) => ({ type: 'queue.enqueue-many', items, replyTo })).then(jobsOf),
    dequeue: () =>
      ask<Job | undefined>((replyTo) => ({ type: 'queue.dequeue', replyTo })) as Promise<
        Job<TTask> | undefined
      >,
    stats: () => ask<QueueStats>((replyTo) => ({ type: 'queue.stats', replyTo })),
    size: () => ask<number>((replyTo) => ({ type: 'queue.size', replyTo })),
  };
}
