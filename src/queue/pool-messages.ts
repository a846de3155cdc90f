import type { ActorRef } from '../actors/actor-ref';
import type { WorkerMessage } from './worker-messages';

/** Marks the pool's own messages: a message sent by name (`system.send`) cannot carry it. */
const POOL: unique symbol = Symbol('qui.pool');

/**
 * The queue's internal protocol with its own pool and runtime, never exported: a worker asks for
 * one job (`queue.poll`), and the runtime says jobs may have become available (`queue.wake`).
 * Outcomes go to the queue's ledger directly, not by message. @internal
 */
export type PoolMessage = PollMessage | { readonly type: 'queue.wake'; readonly [POOL]: true };

/**
 * A worker's poll: made once per worker incarnation and sent again for each job, so polling
 * allocates nothing. Its one mutable field is `atMs`, which only its worker writes, just before
 * sending it (a worker has one poll out at a time). @internal
 */
export interface PollMessage {
  readonly type: 'queue.poll';
  readonly worker: ActorRef<WorkerMessage>;
  /**
   * The wall-clock ms the worker read as its last attempt ended (NaN when it read none): the
   * queue may take the next job at that time instead of reading the clock again (see
   * `QueueActor.serve`).
   */
  atMs: number;
  readonly [POOL]: true;
}

/** A new worker incarnation's poll (see {@link PollMessage}). @internal */
export function pollMessage(worker: ActorRef<WorkerMessage>): PollMessage {
  return { type: 'queue.poll', worker, atMs: Number.NaN, [POOL]: true };
}

/** @internal */
export const WAKE: PoolMessage = Object.freeze({ type: 'queue.wake', [POOL]: true } as const);

/** True for a message made by {@link pollMessage} or {@link WAKE}. @internal */
export function isPoolMessage(message: unknown): message is PoolMessage {
  return typeof message === 'object' && message !== null && (message as { [POOL]?: unknown })[POOL] === true;
}
