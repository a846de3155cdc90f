import type { ActorRef } from '../actors/actor-ref';
import { systemClock, type Clock } from '../clock';
import { InvalidOptionsError } from '../errors';
import { silentLogger, type Logger } from '../logging';
import { checkSpecShape } from '../supervision/check-spec';
import { defineSupervisor, type ChildSpec } from '../supervision/spec';
import { checkObject, checkString } from '../validate';
import { queueClient, type QueueClient } from '../queue/queue-client';
import type { QueueSpec } from '../queue/define-queue';
import type { QuiEventBus } from '../events';
import { supervisorHandle, type SupervisorHandle } from './supervisor-handle';
import { supervisionTree, type SupervisionNode } from './supervision-tree';
import { SystemCore } from './system-core';
import { queueRuntimes } from '../queue/queue-runtime';

/** What `startSystem` takes. */
export interface SystemOptions {
  /** A pino logger. @defaultValue a silent logger */
  readonly logger?: Logger;
  /** The source of time; tests pass a `ManualClock`. @defaultValue systemClock */
  readonly clock?: Clock;
  /** A name for logs. @defaultValue 'qui' */
  readonly name?: string;
}

/** A running Qui system: its tree, its named actors, its events. */
export interface QuiSystem {
  readonly name: string;
  /**
   * This system's id, random per system (a UUID): records name it as the process that ran a job,
   * and events from other processes on a shared store carry theirs as `origin`.
   */
  readonly processId: string;
  readonly events: QuiEventBus;
  readonly logger: Logger;
  readonly clock: Clock;
  /** True once the system has stopped (by `stop()` or because the root gave up). */
  readonly stopped: boolean;
  lookup<TMessage = unknown>(name: string): ActorRef<TMessage> | undefined;
  send<TMessage = unknown>(name: string, message: TMessage): void;
  ask<TReply, TMessage = unknown>(
    target: string | ActorRef<TMessage>,
    build: (replyTo: ActorRef<TReply>) => TMessage,
    timeoutMs: number,
  ): Promise<TReply>;
  /**
   * A client of a queue: give the spec `defineQueue` returned for one typed with the queue's tasks
   * and priorities, or its name for an untyped one (`TTask` defaults to `unknown`).
   */
  queue<TTask, TPriority extends string>(queue: QueueSpec<TTask, TPriority>): QueueClient<TTask, TPriority>;
  queue<TTask = unknown>(name: string): QueueClient<TTask>;
  /** The management API of a supervisor, by name or id. */
  supervisor(idOrName: string): SupervisorHandle;
  /** The names of the queues defined in the running tree, in start order. */
  queues(): readonly string[];
  /**
   * The running supervision tree, read-only, from the root down (`undefined` once stopped); a
   * supervisor that does not answer within `timeoutMs` is left out with its subtree.
   */
  tree(options?: { readonly timeoutMs?: number }): Promise<SupervisionNode | undefined>;
  /** Shuts the tree down in reverse start order; resolves when every actor has stopped. */
  stop(): Promise<void>;
}

const fail = (path: string, problem: string): Error => new InvalidOptionsError(path, problem);

/** @internal Validates options and builds the core without starting it. */
export function createSystemCore(options: SystemOptions | undefined): SystemCore {
  const opts = checkObject(options ?? {}, '', ['logger', 'clock', 'name'], fail);
  const logger = (opts.logger as Logger | undefined) ?? silentLogger();
  if (typeof logger.child !== 'function' || typeof logger.info !== 'function') {
    throw fail('logger', 'must be a pino logger (with child(), info(), error()…)');
  }
  const clock = (opts.clock as Clock | undefined) ?? systemClock;
  if (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function') {
    throw fail('clock', 'must implement now(), wallNow(), setTimeout() and clearTimeout()');
  }
  const name = opts.name === undefined ? 'qui' : checkString(opts.name, 'name', fail);
  return new SystemCore(clock, logger.child({ system: name }), name);
}

/** Each facade's core, for Qui's own add-ons (metrics, tracing) that need more than the facade. */
const cores = new WeakMap<QuiSystem, SystemCore>();

/** @internal The core behind a system made by {@link startSystem}, or undefined for anything else. */
export function coreOf(system: QuiSystem): SystemCore | undefined {
  return cores.get(system);
}

/** @internal The public facade over a core. */
export function systemFacade(core: SystemCore): QuiSystem {
  const system: QuiSystem = {
    name: core.name,
    processId: core.processId,
    events: core.events,
    logger: core.logger,
    clock: core.clock,
    get stopped() {
      return core.stopped;
    },
    lookup: (name) => core.lookup(name),
    send: (name, message) => core.send(name, message),
    ask: (target, build, timeoutMs) => core.ask(target, build, timeoutMs),
    supervisor: (idOrName) => supervisorHandle(core, idOrName),
    queues: () => queueNames(core),
    tree: (options) => supervisionTree(core, options?.timeoutMs ?? 2_000),
    queue: (queue: string | QueueSpec) => queueClient(core, typeof queue === 'string' ? queue : queue.id),
    stop: () => core.stop(),
  };
  cores.set(system, core);
  return system;
}

function queueNames(core: SystemCore): string[] {
  return queueRuntimes(core).map((rt) => rt.config.name);
}

/**
 * Starts a supervision tree. A spec that is not a supervisor is put under a one-for-one root.
 * Resolves once every child has started, in order.
 * @throws {InvalidSpecError} when `spec` is not a whole spec made by the `define*` functions,
 * naming the field (`spec`, `spec.children[1].strategy`…).
 * @throws {InvalidOptionsError} when an option is invalid, naming it.
 * @throws {StartFailedError} when a child fails to start (the started ones are stopped first).
 * @example
 * const system = await startSystem(defineSupervisor({ id: 'root', children: [counter] }));
 * system.send('counter', { type: 'add', by: 2 });
 * await system.stop();
 */
export async function startSystem(spec: ChildSpec, options?: SystemOptions): Promise<QuiSystem> {
  // Checked before anything starts: a config module may export anything.
  const checked = checkSpecShape(spec, 'spec');
  const core = createSystemCore(options);
  const root = checked.kind === 'actor' ? defineSupervisor({ id: 'root', children: [checked] }) : checked;
  await core.startRoot(root);
  return systemFacade(core);
}
