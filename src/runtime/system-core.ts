import { randomUUID } from 'node:crypto';
import { ActorCell, type CellHost, type ExitListener } from '../actors/actor-cell';
import type { ActorRef } from '../actors/actor-ref';
import type { ActorDirectory } from '../actors/define-actor';
import { describeExit, type ExitReason } from '../actors/exit-reason';
import { Engine } from '../actors/nact-adapter';
import type { Clock } from '../clock';
import { QuiError, toError } from '../errors';
import type { Logger } from '../logging';
import { shutdownChild } from '../supervision/child-lifecycle';
import { spawnChild } from '../supervision/spawn-child';
import type { ChildSpec } from '../supervision/spec';
import { QuiEventBus } from '../events';
import { checkDeadLetters } from './check-dead-letters';
import { ReplyRef } from './reply-ref';

/** Event-loop turns `stop()` lets pass at most for exited actors' mailboxes to drain. */
const MAILBOX_DRAIN_TURNS = 1_000;

/**
 * The running system's engine room: the nact engine, the name registry, dead letters, events and
 * the root of the tree. The public `QuiSystem` is a thin facade over it. @internal
 */
export class SystemCore implements CellHost, ActorDirectory, ExitListener {
  readonly engine: Engine;
  readonly events: QuiEventBus;
  /** Random per system: the id other processes on a shared store know this one by. */
  readonly processId: string = randomUUID();
  readonly directory: ActorDirectory = this;
  private readonly names = new Map<string, ActorCell>();
  /** Per-system resources that outlive actor incarnations (queue stores and counters). */
  readonly resources = new Map<string, unknown>();
  private readonly closers: Array<() => unknown> = [];
  root: ActorCell | undefined;
  stopped = false;
  private stopRun: Promise<void> | undefined;

  constructor(
    readonly clock: Clock,
    readonly logger: Logger,
    readonly name: string,
  ) {
    this.events = new QuiEventBus((error, type) =>
      logger.error({ err: toError(error), event: type }, 'event listener threw'),
    );
    this.engine = new Engine((error) => logger.error({ err: toError(error) }, 'engine reported a crash'));
  }

  /** Starts the root of the tree; rejects with the start failure. */
  async startRoot(spec: ChildSpec): Promise<void> {
    checkDeadLetters(spec, this.logger);
    const root = spawnChild(this, spec, spec.id, this);
    this.root = root;
    try {
      await root.start();
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** The root exited on its own (gave up on restart intensity, or crashed): the system is over. */
  childExited(cell: ActorCell, reason: ExitReason): void {
    if (cell !== this.root || this.stopRun) return;
    this.logger.fatal({ reason: describeExit(reason) }, 'root supervisor gave up; system stopped');
    this.events.emit('system.failed', { reason });
    void this.close();
  }

  /** Shuts the tree down in order and resolves when every actor has stopped. */
  stop(): Promise<void> {
    this.stopRun ??= (async () => {
      if (this.root?.alive) await shutdownChild(this.root, this.root.spec.shutdown, this.clock);
      // Exited actors' mailboxes still drain to their stop markers, handing late messages to
      // `onDropped` (a job assigned to a worker that stopped goes back to its store): let them.
      for (let turn = 0; turn < MAILBOX_DRAIN_TURNS && this.engine.liveCount() > 0; turn++)
        await new Promise<void>((resolve) => setImmediate(resolve));
      await this.close();
    })();
    return this.stopRun;
  }

  /** True once `stop()` was called or the system has stopped. */
  get stopping(): boolean {
    return this.stopRun !== undefined || this.stopped;
  }

  /** Runs `fn` when the system stops (stores close here). */
  onClose(fn: () => unknown): void {
    this.closers.push(fn);
  }

  /** Stops the engine and runs the closers (stores' connections), newest first; resolves when all have. */
  private async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.engine.close();
    for (const fn of this.closers.splice(0).reverse()) {
      try {
        await fn();
      } catch (error) {
        this.logger.error({ err: toError(error) }, 'close failed');
      }
    }
  }

  register(name: string, cell: ActorCell): void {
    const holder = this.names.get(name);
    if (holder?.alive)
      throw new QuiError('ERR_NAME_TAKEN', `name ${JSON.stringify(name)} is already held by ${holder.path}`);
    this.names.set(name, cell);
  }

  unregister(name: string, cell: ActorCell): void {
    if (this.names.get(name) === cell) this.names.delete(name);
  }

  deadLetter(to: string, message: unknown): void {
    this.logger.debug({ to, type: messageType(message) }, 'dead letter');
    if (this.events.has('dead-letter')) this.events.emit('dead-letter', { to, message });
  }

  cellExited(cell: ActorCell, reason: ExitReason): void {
    if (this.events.has('actor.exited'))
      this.events.emit('actor.exited', { path: cell.path, id: cell.id, reason });
  }

  /** @internal The live cell holding `name`. */
  cellNamed(name: string): ActorCell | undefined {
    const cell = this.names.get(name);
    return cell?.alive ? cell : undefined;
  }

  lookup<TMessage = unknown>(name: string): ActorRef<TMessage> | undefined {
    return this.cellNamed(name);
  }

  send<TMessage = unknown>(name: string, message: TMessage): void {
    const cell = this.cellNamed(name);
    if (cell) cell.send(message);
    else this.deadLetter(name, message);
  }

  ask<TReply, TMessage = unknown>(
    target: string | ActorRef<TMessage>,
    build: (replyTo: ActorRef<TReply>) => TMessage,
    timeoutMs: number,
  ): Promise<TReply> {
    if (this.stopped) return Promise.reject(new QuiError('ERR_STOPPED', 'the system has stopped'));
    const cell =
      typeof target === 'string'
        ? this.cellNamed(target)
        : target instanceof ActorCell && target.alive
          ? target
          : undefined;
    const label = typeof target === 'string' ? target : target.path;
    if (!cell)
      return Promise.reject(new QuiError('ERR_NO_SUCH_ACTOR', `no actor holds ${JSON.stringify(label)}`));
    const reply = new ReplyRef<TReply>(`ask:${label}`, this.clock, timeoutMs, (late) =>
      this.deadLetter(`ask:${label}`, late),
    );
    reply.watch(cell.trackAsk(reply));
    cell.send(build(reply));
    return reply.promise;
  }
}

function messageType(message: unknown): unknown {
  return typeof message === 'object' && message !== null
    ? (message as { type?: unknown }).type
    : typeof message;
}
