import type { ActorRef } from '../actors/actor-ref';
import type { Job } from '../jobs/job';

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
  /** Jobs stored: enqueues, dead-letter copies received, and jobs put back by `retryJob`. */
  readonly enqueued: number;
  readonly handedOut: number;
  readonly completed: number;
  /** Failed attempts (each retry's failure counts). */
  readonly failed: number;
  readonly retried: number;
  readonly dead: number;
  /**
   * Jobs lost: with a worker that crashed or was killed while running them, a store write that kept
   * failing (a retry, a return, a dead-letter copy), or a store entry that could not be decoded.
   */
  readonly lost: number;
  /** Jobs cancelled by `QueueClient.cancel` (before they ran, or while running) through this process. */
  readonly cancelled: number;
  /** Jobs removed by `QueueClient.removeJob` while still stored (waiting, delayed, failed). */
  readonly removed: number;
}

/** Totals of a queue that has done nothing yet (a ledger's start, a connection that runs nothing). @internal */
export const ZERO_TOTALS: QueueTotals = Object.freeze({
  enqueued: 0,
  handedOut: 0,
  completed: 0,
  failed: 0,
  retried: 0,
  dead: 0,
  lost: 0,
  cancelled: 0,
  removed: 0,
});

/**
 * Every message a queue actor takes from users, by the queue's name or ref. Each is checked when it
 * arrives: a malformed one has no effect and is answered with a `QuiError` `ERR_INVALID_MESSAGE`
 * where it has a usable `replyTo` (logged at warn otherwise). The pool's own messages (poll,
 * wake) are internal and cannot be sent this way.
 */
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
  /** Answered with the job (now the caller's), `undefined` when none is due, or an `Error`. */
  | { readonly type: 'queue.dequeue'; readonly replyTo: ActorRef<Job | undefined | Error> }
  /** Answered with the stats, or an `Error` (the store failed). */
  | { readonly type: 'queue.stats'; readonly replyTo: ActorRef<QueueStats | Error> }
  /** Answered with the number of jobs held, or an `Error` (the store failed). */
  | { readonly type: 'queue.size'; readonly replyTo: ActorRef<number | Error> };
