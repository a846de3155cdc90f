import type { Clock } from '../clock';
import { InvalidSpecError } from '../errors';
import type { Logger } from '../logging';
import {
  DEFAULT_ACTOR_SHUTDOWN_MS,
  resolveChildCommon,
  type RestartType,
  type Shutdown,
} from './child-options';
import { checkFunction, checkObject, deepFreeze } from '../validate';
import type { ActorRef } from './actor-ref';
import type { ExitReason } from './exit-reason';
import type { SystemServices } from './system-services';

/** What reaching other actors by name looks like from inside an actor or from outside. */
export interface ActorDirectory {
  /** The current incarnation registered under `name`, if any. */
  lookup<TMessage = unknown>(name: string): ActorRef<TMessage> | undefined;
  /** Sends to whoever holds `name` now; when nobody does, a `dead-letter` event is emitted. */
  send<TMessage = unknown>(name: string, message: TMessage): void;
  /**
   * Sends the message built by `build(replyTo)` and resolves with the first reply.
   * @throws {QuiError} `ERR_NO_SUCH_ACTOR` when nobody holds `name` or it exits before replying,
   * `ERR_ASK_TIMEOUT` after `timeoutMs`.
   */
  ask<TReply, TMessage = unknown>(
    name: string | ActorRef<TMessage>,
    build: (replyTo: ActorRef<TReply>) => TMessage,
    timeoutMs: number,
  ): Promise<TReply>;
}

/** What an actor's `init`, `handle` and `terminate` receive. One object per incarnation. */
export interface ActorContext<TMessage> {
  /** This incarnation's own reference. */
  readonly self: ActorRef<TMessage>;
  /** The child id from the spec. */
  readonly id: string;
  /** The logical path, e.g. `root/cpu/workers/worker#3`. */
  readonly path: string;
  /** A pino child logger bound to `{ actor: path }`. */
  readonly log: Logger;
  /** The system's injected clock. */
  readonly clock: Clock;
  /** Aborted when this incarnation exits for any reason (kill included). */
  readonly signal: AbortSignal;
  /** Other actors, by name. */
  readonly system: ActorDirectory;
  /** @internal The running system's services, for Qui's own behaviours. */
  readonly services: SystemServices;
  /** Sends to a ref. */
  send<T>(to: ActorRef<T>, message: T): void;
  /** Answers a request's `replyTo`. */
  reply<T>(to: ActorRef<T>, value: T): void;
  /** Ends this actor with reason `normal` once the current message is handled. */
  stop(): void;
  /** Ends this actor with the given reason once the current message is handled. */
  exit(reason: ExitReason): void;
}

/** What `defineActor` takes. */
export interface ActorOptions<TState, TMessage> {
  /** Unique among its siblings. */
  readonly id: string;
  /** Registers the actor under this name system-wide while it runs. */
  readonly name?: string;
  /** @defaultValue 'permanent' */
  readonly restart?: RestartType;
  /** @defaultValue 5000 */
  readonly shutdown?: Shutdown;
  /** Builds the first state; the actor counts as started once it resolves. */
  init(ctx: ActorContext<TMessage>): TState | Promise<TState>;
  /** Handles one message and returns the next state. A throw or rejection ends the actor with `error`. */
  handle(state: TState, message: TMessage, ctx: ActorContext<TMessage>): TState | Promise<TState>;
  /** Runs when the actor is asked to shut down (not when killed or crashed). */
  terminate?(state: TState, reason: ExitReason, ctx: ActorContext<TMessage>): void | Promise<void>;
}

/** The logic of an actor, as the runtime runs it. @internal */
export interface ActorBehavior<TState = unknown, TMessage = unknown> {
  init(ctx: ActorContext<TMessage>): TState | Promise<TState>;
  handle(state: TState, message: TMessage, ctx: ActorContext<TMessage>): TState | Promise<TState>;
  terminate?(state: TState, reason: ExitReason, ctx: ActorContext<TMessage>): void | Promise<void>;
  /**
   * Runs when the incarnation ends without `terminate`: killed, or crashed (a throw or rejection in
   * `init`, `handle` or `terminate`). Releases what cannot be left running (children, timers).
   * `state` is undefined when `init` had not finished.
   */
  onKill?(state: TState | undefined, reason: ExitReason): void;
  /** Gets each message that arrived too late to be handled (while stopping, or left in the mailbox). */
  onDropped?(state: TState | undefined, message: TMessage): void;
}

/** A child spec for an actor, as built by `defineActor`. */
export interface ActorSpec<TMessage = unknown> {
  readonly kind: 'actor';
  readonly id: string;
  readonly name: string | undefined;
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
  /** @internal */
  readonly behavior: ActorBehavior<unknown, unknown>;
  /** Phantom: the messages this actor takes. */
  readonly __message?: (m: TMessage) => void;
}

const KEYS = ['id', 'name', 'restart', 'shutdown', 'init', 'handle', 'terminate'] as const;
const fail = (path: string, problem: string): Error => new InvalidSpecError(path, problem);

/**
 * Defines an actor: a child spec to put in a supervisor's `children`.
 * @throws {InvalidSpecError} naming the field, for unknown keys or bad values.
 * @example
 * const counter = defineActor({
 *   id: 'counter', name: 'counter',
 *   init: () => 0,
 *   handle: (n, msg: { type: 'add'; by: number }) => n + msg.by,
 * });
 */
export function defineActor<TState, TMessage>(options: ActorOptions<TState, TMessage>): ActorSpec<TMessage> {
  return resolveActorSpec(options, '');
}

/** @internal Also used by queue and worker specs, with behaviours of their own. */
export function resolveActorSpec(options: unknown, path: string): ActorSpec {
  const spec = checkObject(options, path, KEYS, fail);
  const common = resolveChildCommon(spec, path, DEFAULT_ACTOR_SHUTDOWN_MS);
  const behavior: ActorBehavior = {
    init: checkFunction(spec.init, path ? `${path}.init` : 'init', fail),
    handle: checkFunction(spec.handle, path ? `${path}.handle` : 'handle', fail),
  };
  if (spec.terminate !== undefined) {
    behavior.terminate = checkFunction(spec.terminate, path ? `${path}.terminate` : 'terminate', fail);
  }
  return deepFreeze({ kind: 'actor', ...common, behavior: Object.freeze(behavior) });
}

/** @internal Builds an actor spec from a behaviour written inside Qui (queues, workers). */
export function internalActorSpec<TState, TMessage>(
  common: { id: string; name?: string | undefined; restart?: RestartType; shutdown?: Shutdown },
  behavior: ActorBehavior<TState, TMessage>,
): ActorSpec {
  return Object.freeze({
    kind: 'actor',
    id: common.id,
    name: common.name,
    restart: common.restart ?? 'permanent',
    shutdown: common.shutdown ?? DEFAULT_ACTOR_SHUTDOWN_MS,
    behavior: behavior,
  });
}
