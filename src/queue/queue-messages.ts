import type { ActorRef } from '../actors/actor-ref';
import type { Job } from '../jobs/job';
import type { WorkerMessage } from './worker-messages';

/**
 * What a queue answers to `queue.enqueue` / `queue.enqueue-many`: a message like any other, so an
 * actor's message union can hold it and its `handle` switch on `type`.
 */
export type EnqueueReply =
  | { readonly type: 'queue.enqueued'; readonly ok: true; readonly jobs: readonly Job[] }
  | { readonly type: 'queue.enqueue-failed'; readonly ok: false; readonly error: Error };

/** A queue's counters and contents. */
export interface QueueStats {
  readonly name: string;
  /** Due jobs waiting, per priority. */
  readonly waiting: Readonly<Record<string, number>>;
  /** Jobs not yet due (scheduled, or waiting for a retry). */
  readonly delayed: number;
  /** Workers waiting for a job. */
  readonly parkedPolls: number;
  /** Counters since the system started (they survive a restart of the queue actor). */
  readonly totals: QueueTotals;
}

export interface QueueTotals {
  readonly enqueued: number;
  readonly handedOut: number;
  readonly completed: number;
  /** Failed attempts (each retry's failure counts). */
  readonly failed: number;
  readonly retried: number;
  readonly dead: number;
  /** Jobs lost with a worker that crashed or was killed while running them. */
  readonly lost: number;
}

/** What a worker tells its queue about the job it just finished, riding on its next poll. */
export type JobReport =
  | { readonly type: 'completed' }
  | { readonly type: 'retry'; readonly job: Job }
  | { readonly type: 'dead'; readonly job: Job; readonly error: Error };

/** Every message a queue actor handles. Other actors may send these by the queue's name. */
export type QueueMessage =
  | {
      readonly type: 'queue.enqueue';
      readonly task: unknown;
      readonly options?: unknown;
      readonly replyTo?: ActorRef<EnqueueReply>;
    }
  | {
      readonly type: 'queue.enqueue-many';
      readonly items: unknown;
      readonly replyTo?: ActorRef<EnqueueReply>;
    }
  | { readonly type: 'queue.dequeue'; readonly replyTo: ActorRef<Job | undefined> }
  | { readonly type: 'queue.poll'; readonly worker: ActorRef<WorkerMessage>; readonly report?: JobReport }
  | { readonly type: 'queue.report'; readonly report: JobReport }
  /** A job handed to a worker that stopped before it began: it goes back, it never ran. */
  | { readonly type: 'queue.return'; readonly job: Job }
  | { readonly type: 'queue.stats'; readonly replyTo: ActorRef<QueueStats> }
  | { readonly type: 'queue.size'; readonly replyTo: ActorRef<number> }
  /** Jobs may have become due or arrived from elsewhere: serve parked polls. */
  | { readonly type: 'queue.wake' };
