/**
 * A typed address of one actor incarnation. `in TMessage` makes the type contravariant, so a ref
 * that takes `A` cannot be used where a ref taking `B` is expected, and `send` accepts only `TMessage`.
 * A ref never reaches a later incarnation of the same actor: once that one has exited, sends to
 * it are reported as dead letters.
 */
export interface ActorRef<in TMessage> {
  /** The logical path of the actor in its tree, e.g. `root/cpu/workers/worker#3`. */
  readonly path: string;
  /** True while this incarnation has not exited. */
  readonly alive: boolean;
  /** Fire-and-forget; a send to an exited incarnation becomes a dead letter. */
  send(message: TMessage): void;
}

/** The reply address of a request, as carried in a message's `replyTo` field. */
export type ReplyTo<TReply> = ActorRef<TReply>;
