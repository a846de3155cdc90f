import type { Clock } from '../clock';
import { QuiError, toError } from '../errors';
import type { Logger } from '../logging';
import type { ActorRef } from './actor-ref';
import type { ChildCommon } from './child-options';
import type { ActorBehavior, ActorContext, ActorDirectory } from './define-actor';
import { describeExit, KILLED, NORMAL, type ExitReason } from './exit-reason';
import type { Engine, EngineRef } from './nact-adapter';
import type { SystemServices } from './system-services';

/** What a cell needs from its system. @internal */
export interface CellHost extends SystemServices {
  readonly engine: Engine;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly directory: ActorDirectory;
  register(name: string, cell: ActorCell): void;
  unregister(name: string, cell: ActorCell): void;
  deadLetter(to: string, message: unknown): void;
  cellExited(cell: ActorCell, reason: ExitReason): void;
}

/** Where a cell reports its exit: its supervisor. @internal */
export interface ExitListener {
  childExited(cell: ActorCell, reason: ExitReason): void;
}

/** Sent through the mailbox after an exit: the nact actor stops once it gets there. */
const STOP_MARKER = Object.freeze({ type: '$stop' });

type Status = 'new' | 'starting' | 'running' | 'stopping' | 'exited';

interface PendingAsk {
  fail(error: Error): void;
}

/**
 * One incarnation of an actor: its state, its nact mailbox and its lifecycle. A restart makes a new
 * cell; a cell never comes back. It is its own `ActorRef` and its own `ActorContext`, so sending
 * and handling allocate nothing of Qui's per message.
 * @internal
 */
export class ActorCell implements ActorRef<unknown>, ActorContext<unknown> {
  private status: Status = 'new';
  private state: unknown;
  private mailbox: EngineRef | undefined;
  private handling = false;
  private inFlight: Promise<unknown> | undefined;
  private pendingExit: ExitReason | undefined;
  private controller: AbortController | undefined;
  private logger: Logger | undefined;
  private asks: Set<PendingAsk> | undefined;
  /** While `init` runs, messages wait on this. */
  private startGate: Promise<void> | undefined;
  private exitResolve!: (reason: ExitReason) => void;
  /** Resolves with the exit reason once this incarnation has exited: the monitor. */
  readonly exited: Promise<ExitReason>;
  exitReason: ExitReason | undefined;
  /** Free for the owner (a supervisor keeps its child record here). */
  owner: unknown;

  readonly self: ActorRef<unknown> = this;
  readonly system: ActorDirectory;
  readonly clock: Clock;

  constructor(
    private readonly host: CellHost,
    readonly spec: ChildCommon,
    readonly path: string,
    private readonly listener: ExitListener | undefined,
    private readonly behavior: ActorBehavior,
  ) {
    this.exited = new Promise((resolve) => (this.exitResolve = resolve));
    this.system = host.directory;
    this.clock = host.clock;
  }

  get services(): SystemServices {
    return this.host;
  }

  get id(): string {
    return this.spec.id;
  }
  get alive(): boolean {
    return this.status !== 'exited';
  }
  get running(): boolean {
    return this.status === 'running';
  }
  get log(): Logger {
    // Created on first use: a pino child per idle worker would weigh on large pools.
    return (this.logger ??= this.host.logger.child({ actor: this.path }));
  }
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      // Created lazily: first asked for after the exit, it must already be aborted.
      if (this.status === 'exited') this.controller.abort(this.stoppedError());
    }
    return this.controller.signal;
  }
  /** The actor's current state (tests and the runtime's own introspection). */
  get currentState(): unknown {
    return this.state;
  }

  /** Registers the name, opens the mailbox and runs `init`; rejects (and cleans up) if any fails. */
  async start(): Promise<void> {
    this.status = 'starting';
    const name = this.spec.name;
    if (name !== undefined) this.host.register(name, this);
    this.mailbox = this.host.engine.spawn(this.receive, this.behavior.onDropped && this.undelivered);
    let open!: () => void;
    this.startGate = new Promise((resolve) => (open = resolve));
    try {
      const state = this.behavior.init(this);
      this.state = isThenable(state) ? await state : state;
    } catch (thrown) {
      const reason: ExitReason = { type: 'error', error: toError(thrown) };
      this.teardown(reason);
      this.finish(reason, false);
      throw thrown;
    } finally {
      this.startGate = undefined;
      open();
    }
    // Killed while starting: the start failed, whatever init returned.
    if (this.status !== 'starting')
      throw new QuiError('ERR_STOPPED', `actor ${this.path} was killed while starting`);
    this.status = 'running';
    this.lifecycleLog('started', undefined);
    if (this.pendingExit) this.beginExit(this.pendingExit);
  }

  /**
   * Start and stop at info for supervisors, at debug for other actors (a pool of 10,000 workers
   * would flood info). Through the system logger with the path as data: no child logger is made.
   */
  private lifecycleLog(msg: 'started' | 'stopped', reason: ExitReason | undefined): void {
    const logger = this.host.logger;
    const level = (this.spec as { kind?: string }).kind === 'actor' ? 'debug' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    logger[level]({ actor: this.path, reason: reason && describeExit(reason) }, msg);
  }

  send(message: unknown): void {
    if (this.status === 'exited' || this.mailbox === undefined) {
      this.host.deadLetter(this.path, message);
      return;
    }
    this.host.engine.dispatch(this.mailbox, message);
  }

  reply<T>(to: ActorRef<T>, value: T): void {
    to.send(value);
  }
  stop(): void {
    this.exit(NORMAL);
  }
  exit(reason: ExitReason): void {
    if (this.status === 'exited' || this.status === 'stopping') return;
    if (this.handling || this.status === 'starting') this.pendingExit ??= reason;
    else this.beginExit(reason);
  }

  /** The nact handler: one message at a time; a returned promise holds the mailbox. */
  private readonly receive = (message: unknown): unknown => {
    if (message === STOP_MARKER) {
      this.host.engine.stop(this.mailbox as EngineRef);
      return undefined;
    }
    if (this.status !== 'running') {
      // Messages sent during init wait for it; after an exit (or while stopping) they are dropped.
      if (this.startGate) return this.startGate.then(() => this.receive(message));
      this.behavior.onDropped?.(this.state, message);
      return undefined;
    }
    this.handling = true;
    let next: unknown;
    try {
      next = this.behavior.handle(this.state, message, this);
    } catch (thrown) {
      this.handling = false;
      this.crash(thrown);
      return undefined;
    }
    if (isThenable(next)) {
      const flight = Promise.resolve(next).then(this.settled, this.crashed);
      this.inFlight = flight;
      return flight;
    }
    this.state = next;
    this.handling = false;
    if (this.pendingExit) this.beginExit(this.pendingExit);
    return undefined;
  };

  private readonly undelivered = (messages: unknown[]): void => {
    for (const message of messages) this.behavior.onDropped?.(this.state, message);
  };

  private readonly settled = (next: unknown): void => {
    this.inFlight = undefined;
    this.handling = false;
    if (this.status === 'exited') return; // killed meanwhile: the late result is dropped
    this.state = next;
    if (this.pendingExit) this.beginExit(this.pendingExit);
  };

  private readonly crashed = (thrown: unknown): void => {
    this.inFlight = undefined;
    this.handling = false;
    if (this.status !== 'exited') this.crash(thrown);
  };

  private crash(thrown: unknown): void {
    const error = toError(thrown);
    this.log.error({ err: error }, 'actor crashed');
    const reason: ExitReason = { type: 'error', error };
    this.teardown(reason);
    this.finish(reason, true);
  }

  /**
   * The teardown of an exit that skips `terminate` (a kill or a crash): OTP's links. A crashed
   * supervisor's children are killed here, before its own supervisor can restart it, so none
   * outlives it (a named one would keep its name and fail every restart with ERR_NAME_TAKEN).
   */
  private teardown(reason: ExitReason): void {
    if (!this.behavior.onKill) return;
    try {
      this.behavior.onKill(this.state, reason);
    } catch (thrown) {
      this.log.error({ err: toError(thrown) }, 'teardown failed');
    }
  }

  /** `stop()` / `exit()` from inside: runs `terminate` like a shutdown, then exits with `reason`. */
  private beginExit(reason: ExitReason): void {
    this.pendingExit = undefined;
    void this.shutdown(reason);
  }

  /**
   * Graceful stop, as a supervisor asks: waits for the message being handled, runs `terminate`,
   * then exits with `reason`. The supervisor's shutdown timer kills it if this takes too long.
   */
  async shutdown(reason: ExitReason): Promise<void> {
    if (this.status === 'exited' || this.status === 'stopping') return;
    if (this.status === 'new') return this.finish(reason, true);
    if (this.status === 'starting') {
      this.pendingExit = reason; // runs once init is done
      return;
    }
    this.status = 'stopping';
    try {
      if (this.inFlight) await this.inFlight;
      if (this.behavior.terminate && this.status === 'stopping') {
        await this.behavior.terminate(this.state, reason, this);
      }
    } catch (thrown) {
      // `terminate` threw part way (a supervisor may have children left): tear down as a crash.
      const crashed: ExitReason = { type: 'error', error: toError(thrown) };
      this.teardown(crashed);
      return this.finish(crashed, true);
    }
    this.finish(reason, true);
  }

  /** Ends the incarnation at once with `killed`: a pending handler or `terminate` is abandoned. */
  kill(): void {
    if (this.status === 'exited') return;
    this.teardown(KILLED);
    this.finish(KILLED, true);
  }

  private stoppedError(): QuiError {
    return new QuiError('ERR_STOPPED', `actor ${this.path} exited (${this.exitReason?.type ?? 'unknown'})`);
  }

  /** Pending `ask`s to this cell fail when it exits. */
  trackAsk(ask: PendingAsk): () => void {
    (this.asks ??= new Set()).add(ask);
    return () => this.asks?.delete(ask);
  }

  private finish(reason: ExitReason, notify: boolean): void {
    if (this.status === 'exited') return;
    this.status = 'exited';
    this.exitReason = reason;
    this.lifecycleLog('stopped', reason);
    if (this.mailbox) {
      // With a handler in flight (maybe one that never settles) nact's mailbox is blocked: stop it
      // now; nact hands what was queued to `undelivered`. Otherwise a message may sit in nact's
      // scheduled immediate, where a stop would lose it without a trace: let the mailbox drain
      // through `receive` (which passes late messages to `onDropped`) up to a stop marker.
      // A message waiting for `init` blocks the mailbox the same way (init may never settle).
      if (this.handling || this.startGate) this.host.engine.stop(this.mailbox);
      else this.host.engine.dispatch(this.mailbox, STOP_MARKER);
    }
    if (this.spec.name !== undefined) this.host.unregister(this.spec.name, this);
    this.controller?.abort(this.stoppedError());
    if (this.asks) {
      const error = new QuiError('ERR_NO_SUCH_ACTOR', `actor ${this.path} exited before replying`);
      for (const ask of this.asks) ask.fail(error);
      this.asks = undefined;
    }
    this.exitResolve(reason);
    if (notify) {
      this.host.cellExited(this, reason);
      this.listener?.childExited(this, reason);
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
