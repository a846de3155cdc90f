import type { ActorRef } from '../actors/actor-ref';
import { QuiError } from '../errors';
import { describe, isPlainObject } from '../validate';
import type { QueueMessage } from './queue-messages';

/** A message that failed the check: the error, and where to answer it (when it named a usable ref). */
export interface RejectedMessage {
  readonly error: QuiError;
  readonly replyTo: ActorRef<unknown> | undefined;
  /** The answer's shape: enqueue replies are `{ type: 'queue.enqueue-failed', ok: false, error }`. */
  readonly enqueue: boolean;
}

const NEEDS_REPLY = new Set(['queue.dequeue', 'queue.stats', 'queue.size']);
const ENQUEUE = new Set(['queue.enqueue', 'queue.enqueue-many']);

/**
 * Checks a message sent to a queue from outside, before it has any effect. Fields of the job
 * (`task`, `options`, `items`) are checked when the jobs are built, and answered the same way.
 * @returns the message, typed, or why it was refused. @internal
 */
export function checkQueueMessage(raw: unknown): QueueMessage | RejectedMessage {
  if (!isPlainObject(raw) || typeof raw.type !== 'string') {
    return refuse(
      undefined,
      false,
      `a queue message must be an object with a string type, got ${describe(raw)}`,
    );
  }
  const type = raw.type;
  const enqueue = ENQUEUE.has(type);
  const replyTo = isRef(raw.replyTo) ? raw.replyTo : undefined;
  if (!enqueue && !NEEDS_REPLY.has(type)) {
    return refuse(
      replyTo,
      false,
      `${describe(type)} is not a message a queue takes (queue.enqueue, queue.enqueue-many, queue.dequeue, queue.stats, queue.size)`,
    );
  }
  if (raw.replyTo !== undefined && !replyTo) {
    return refuse(undefined, enqueue, `${type}.replyTo must be an actor ref, got ${describe(raw.replyTo)}`);
  }
  if (!enqueue && !replyTo) return refuse(undefined, false, `${type}.replyTo is required`);
  return raw as unknown as QueueMessage;
}

/** True for what {@link checkQueueMessage} refused. @internal */
export function isRejected(checked: QueueMessage | RejectedMessage): checked is RejectedMessage {
  return (checked as RejectedMessage).error instanceof QuiError;
}

function refuse(replyTo: ActorRef<unknown> | undefined, enqueue: boolean, problem: string): RejectedMessage {
  return { error: new QuiError('ERR_INVALID_MESSAGE', problem), replyTo, enqueue };
}

function isRef(value: unknown): value is ActorRef<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { send?: unknown }).send === 'function'
  );
}
