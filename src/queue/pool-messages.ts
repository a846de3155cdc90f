import type { ActorRef } from '../actors/actor-ref';
import type { WorkerMessage } from './worker-messages';

/** Marks the pool's own messages: a message sent by name (`system.send`) cannot carry it. */
const POOL: unique symbol = Symbol('qui.pool');

/**
 * The queue's internal protocol with its own pool and runtime, never exported: a worker asks for
 * one job (`queue.poll`), and the runtime says jobs may have become available (`queue.wake`).
 * Outcomes go to the queue's ledger directly, not by message. @internal
 */
export type PoolMessage =
  | { readonly type: 'queue.poll'; readonly worker: ActorRef<WorkerMessage>; readonly [POOL]: true }
  | { readonly type: 'queue.wake'; readonly [POOL]: true };

/** A worker's poll: made once per worker incarnation and sent again for each job. @internal */
export function pollMessage(worker: ActorRef<WorkerMessage>): PoolMessage {
  return Object.freeze({ type: 'queue.poll', worker, [POOL]: true } as const);
}

/** @internal */
export const WAKE: PoolMessage = Object.freeze({ type: 'queue.wake', [POOL]: true } as const);

/** True for a message made by {@link pollMessage} or {@link WAKE}. @internal */
export function isPoolMessage(message: unknown): message is PoolMessage {
  return typeof message === 'object' && message !== null && (message as { [POOL]?: unknown })[POOL] === true;
}
