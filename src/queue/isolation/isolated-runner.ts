import type { Clock, TimerHandle } from '../../clock';
import { QuiError, toError } from '../../errors';
import type { Job } from '../../jobs/job';
import type { Logger } from '../../logging';
import type { AttemptDeps, AttemptOutcome, AttemptSpan, RunningAttempt } from '../../tasks/run-attempt';
import { spawnProcess, spawnThread, type Channel, type ChannelExit, type ChannelLimits } from './channel';
import { reviveError, sendError, type ChildMessage, type ChildOutcome } from './protocol';

/** `workers.isolation` and its companions, validated. @internal */
export interface ResolvedIsolation {
  readonly mode: 'thread' | 'process';
  /** Absolute path of the module exporting the tasks or the processor. */
  readonly module: string;
  readonly resourceLimits: ChannelLimits | undefined;
  /** How long a timed-out or aborted attempt may clean up before its thread is terminated. */
  readonly killGraceMs: number;
  /** Keep a second thread loaded and idle, to take over at once after a kill. */
  readonly standby: boolean;
}

/** What a runner needs from its worker actor. @internal */
export interface RunnerHooks {
  readonly log: Logger;
  readonly clock: Clock;
  /** The worker's path, for messages. */
  readonly path: string;
  /** The thread or process died while no attempt ran: the worker must crash (and be restarted). */
  onCrash(error: Error): void;
  /** Every termination started, so the system can wait for them when it stops. */
  track(exited: Promise<unknown>): void;
}

/** One thread or process and where it is in its life. */
class Slot {
  ready = false;
  /** Being retired (timed out, aborted): its exit is expected. */
  retiring = false;
  /** An error outside any attempt was thrown there: retired once its running attempt ends. */
  tainted = false;
  grace: TimerHandle | undefined;
  kill: (() => void) | undefined;
  readonly started: Promise<void>;
  resolveStarted!: () => void;
  rejectStarted!: (error: Error) => void;
  channel!: Channel;

  constructor() {
    this.started = new Promise((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    this.started.catch(() => undefined); // only the first slot's start failure is awaited
  }
}

/**
 * Runs a worker's attempts in its own thread or child process, one at a time, the thread living as
 * long as the worker. The deadline is kept here, in the parent: at `timeoutMs` the attempt's signal
 * is aborted in the thread, a replacement is spawned at once, and after `killGraceMs` (or as soon as
 * the processor answers) the old thread is terminated and the attempt ends `timed-out`. A thread
 * that dies on its own ends its attempt as a non-conforming result (`ERR_WORKER_CRASHED`), which
 * crashes the worker; the job is lost, at most once. @internal
 */
export class IsolatedRunner {
  private current: Slot;
  /** A loaded, idle thread that takes over after a kill (with `standby`). */
  private standby: Slot | undefined;
  private attempt: IsolatedAttempt | undefined;
  private seq = 0;
  private broken: QuiError | undefined;
  private closed = false;
  private readonly retiring = new Set<Slot>();

  constructor(
    private readonly options: ResolvedIsolation,
    private readonly hooks: RunnerHooks,
  ) {
    this.current = this.spawn();
    // The standby starts once the first thread is up, so it never slows the worker's own start.
    if (options.standby)
      void this.current.started.then(
        () => this.refill(),
        () => undefined,
      );
  }

  /** Resolves once the first thread has loaded the module; rejects with the load error. */
  get ready(): Promise<void> {
    return this.current.started;
  }

  /**
   * Starts attempt `job.attempts + 1` in the thread (once it is ready). `span` (metrics, tracing)
   * gets the outcome once known; its `run` is not used: the processor runs in the thread.
   */
  start(job: Job, deps: AttemptDeps, span?: AttemptSpan): RunningAttempt {
    const attempt = new IsolatedAttempt(++this.seq, job, deps, this, span);
    if (this.broken) {
      attempt.end({ status: 'bad-result', value: undefined, error: this.broken });
      return attempt;
    }
    this.attempt = attempt;
    // After an abort the replacement is made lazily: a kill (the usual abort) needs none.
    if (this.current.retiring) this.current = this.replacement();
    if (this.current.ready) this.dispatch(attempt);
    return attempt;
  }

  /** Terminates every thread or process; a pending attempt ends `aborted`. */
  close(): Promise<void> {
    this.closed = true;
    this.attempt?.end({ status: 'aborted', error: this.stopped() });
    const slots = [this.current, ...this.retiring];
    if (this.standby) slots.push(this.standby);
    this.standby = undefined;
    this.retiring.clear();
    const exits = slots.map((slot) => {
      if (slot.grace !== undefined) this.hooks.clock.clearTimeout(slot.grace);
      return slot.channel.terminate();
    });
    const all = Promise.all(exits).then(() => undefined);
    this.hooks.track(all);
    return all;
  }

  /** @internal For the attempt: it ended, the runner forgets it. */
  ended(attempt: IsolatedAttempt): void {
    if (attempt.timer !== undefined) this.hooks.clock.clearTimeout(attempt.timer);
    if (this.attempt === attempt) this.attempt = undefined;
  }

  /** @internal For the attempt: aborted from outside (a kill, a cancel): recycle its thread. */
  aborted(attempt: IsolatedAttempt, reason: Error): void {
    if (attempt.slot) this.recycle(attempt.slot, attempt.seq, reason, false, undefined);
  }

  /** The thread that takes over from a retired one: the standby if there is one (refilled at the next dispatch). */
  private replacement(): Slot {
    const next = this.standby ?? this.spawn();
    this.standby = undefined;
    return next;
  }

  private refill(): void {
    if (this.options.standby && !this.standby && !this.closed && !this.broken) this.standby = this.spawn();
  }

  private spawn(): Slot {
    const slot = new Slot();
    const spawn = this.options.mode === 'thread' ? spawnThread : spawnProcess;
    slot.channel = spawn(this.options.module, this.options.resourceLimits, {
      message: (m) => this.onMessage(slot, m),
      exit: (exit) => this.onExit(slot, exit),
    });
    slot.channel.send({ type: 'init', module: this.options.module, level: this.hooks.log.level });
    return slot;
  }

  private dispatch(attempt: IsolatedAttempt): void {
    const slot = this.current;
    const job = attempt.job;
    // A function backoff stays in the parent (where retries are decided); it cannot cross. The task
    // itself is JSON (checked at enqueue), so only a broken channel makes the send throw.
    const sent = typeof job.backoff === 'function' ? { ...job, backoff: undefined } : job;
    try {
      slot.channel.send({ type: 'run', seq: attempt.seq, job: sent });
    } catch (thrown) {
      const why = thrown instanceof Error ? thrown.message : String(thrown);
      const error = new QuiError(
        'ERR_NOT_SENDABLE',
        `job ${job.id}: its task could not be sent to the worker ${slot.channel.kind}: ${why}`,
      );
      attempt.end({ status: 'failed', error });
      return;
    }
    attempt.slot = slot;
    // A standby used up is replaced only now, once the job is on its way: loading a thread takes
    // CPU that the hand-off should not wait behind.
    if (!this.standby) this.refill();
    // The clock starts when the job reaches its thread: waiting for a fresh one to load is not the
    // processor's time (in process, too, it starts when the processor is called).
    if (job.timeoutMs !== Infinity)
      attempt.timer = this.hooks.clock.setTimeout(() => this.deadline(attempt), job.timeoutMs);
  }

  private deadline(attempt: IsolatedAttempt): void {
    attempt.timer = undefined;
    const error = new QuiError(
      'ERR_TASK_TIMEOUT',
      `job ${attempt.job.id}: attempt ${attempt.job.attempts + 1} timed out after ${attempt.job.timeoutMs} ms`,
    );
    const outcome: AttemptOutcome = { status: 'timed-out', error };
    this.recycle(attempt.slot as Slot, attempt.seq, error, true, () => attempt.end(outcome));
  }

  /**
   * Retires a thread: aborts the attempt's signal there, then terminates it after the grace or as
   * soon as it answers, and calls `gone`. With `eager` (a timeout) the fresh thread is spawned at
   * once, so its start-up overlaps the grace; otherwise on the next start.
   */
  private recycle(
    slot: Slot,
    seq: number,
    reason: Error,
    eager: boolean,
    gone: (() => void) | undefined,
  ): void {
    if (slot.retiring) return;
    slot.retiring = true;
    this.retiring.add(slot);
    try {
      slot.channel.send({ type: 'abort', seq, reason: sendError(reason) });
    } catch {
      // Dead already: its exit handler and the kill below both cope.
    }
    if (eager && this.current === slot && !this.closed) this.current = this.replacement();
    slot.kill = () => {
      slot.kill = undefined;
      if (slot.grace !== undefined) this.hooks.clock.clearTimeout(slot.grace);
      slot.grace = undefined;
      this.retiring.delete(slot);
      this.hooks.track(slot.channel.terminate());
      gone?.();
    };
    slot.grace = this.hooks.clock.setTimeout(() => slot.kill?.(), this.options.killGraceMs);
  }

  private onMessage(slot: Slot, message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        slot.resolveStarted();
        if (slot === this.current && this.attempt && !this.attempt.slot && !this.attempt.done)
          this.dispatch(this.attempt);
        return;
      case 'load-failed': {
        const error = reviveError(message.error);
        slot.rejectStarted(error);
        this.fail(
          error instanceof QuiError
            ? error
            : new QuiError('ERR_WORKER_CRASHED', error.message, { cause: error }),
        );
        return;
      }
      case 'log':
        return relay(
          this.attempt?.seq === message.seq ? this.attempt.deps.log : this.hooks.log,
          message.line,
        );
      case 'progress': {
        const attempt = this.attempt;
        if (!attempt || attempt.seq !== message.seq || attempt.done) return;
        try {
          attempt.deps.onProgress?.(attempt.job, message.value);
        } catch (thrown) {
          attempt.deps.log.warn({ err: toError(thrown) }, 'progress not kept');
        }
        return;
      }
      case 'stray-error':
        slot.tainted = true;
        this.hooks.log.error(
          { err: reviveError(message.error), runningJobId: this.attempt?.job.id },
          'uncaught error outside the running attempt: not blamed on it; replacing the thread or process after it',
        );
        return;
      case 'done': {
        if (slot.retiring) return slot.kill?.();
        const attempt = this.attempt;
        if (!attempt || attempt.seq !== message.seq) return;
        this.end(attempt, message.outcome);
        // Its state can no longer be trusted: the next attempt gets a fresh thread or process.
        if (slot.tainted) {
          this.recycle(slot, message.seq, this.stopped(), false, undefined);
          slot.kill?.();
        }
        return;
      }
    }
  }

  /** Ends `attempt` as the thread reported it. */
  private end(attempt: IsolatedAttempt, o: ChildOutcome): void {
    if (o.status === 'completed') return void attempt.end({ status: 'completed', value: o.value });
    if (o.status === 'bad-result') {
      const error = new QuiError(
        'ERR_BAD_RESULT',
        `job ${attempt.job.id}: the processor returned ${o.shape}; it must return ok(value) or err(error)`,
      );
      return void attempt.end({ status: 'bad-result', value: undefined, error });
    }
    attempt.end({ status: 'failed', error: reviveError(o.error) });
  }

  private onExit(slot: Slot, exit: ChannelExit): void {
    if (slot.retiring) return slot.kill?.();
    if (this.closed) return;
    const running = this.attempt?.slot === slot ? this.attempt : undefined;
    const error = new QuiError(
      'ERR_WORKER_CRASHED',
      `${this.hooks.path}: its worker ${slot.channel.kind} ${describeExit(exit)}${running ? ` while running job ${running.job.id}` : ''}`,
      { cause: exit.error },
    );
    slot.rejectStarted(error);
    this.fail(error, running);
  }

  /** The runner cannot go on: the running attempt (if any) or the worker itself crashes. */
  private fail(error: QuiError, running?: IsolatedAttempt): void {
    if (this.broken) return;
    this.broken = error;
    if (running) running.end({ status: 'bad-result', value: undefined, error });
    else this.hooks.onCrash(error);
  }

  private stopped(): QuiError {
    return new QuiError('ERR_STOPPED', `${this.hooks.path}: the worker stopped`);
  }
}

/** One attempt run by an {@link IsolatedRunner}. */
class IsolatedAttempt implements RunningAttempt {
  result: AttemptOutcome | undefined;
  endedAtMs: number | undefined;
  done = false;
  timer: TimerHandle | undefined;
  /** The thread it was sent to; unset while waiting for a fresh thread. */
  slot: Slot | undefined;
  private promise: Promise<AttemptOutcome> | undefined;
  private resolve: ((outcome: AttemptOutcome) => void) | undefined;

  constructor(
    readonly seq: number,
    readonly job: Job,
    readonly deps: AttemptDeps,
    private readonly runner: IsolatedRunner,
    private readonly span: AttemptSpan | undefined,
  ) {}

  get outcome(): Promise<AttemptOutcome> {
    this.promise ??= this.result
      ? Promise.resolve(this.result)
      : new Promise<AttemptOutcome>((resolve) => (this.resolve = resolve));
    return this.promise;
  }

  abort(reason: Error): void {
    if (this.end({ status: 'aborted', error: reason })) this.runner.aborted(this, reason);
  }

  /** Resolves the outcome unless one is known; returns whether this call decided it. */
  end(outcome: AttemptOutcome): boolean {
    if (this.done) return false;
    this.done = true;
    this.result = outcome;
    this.runner.ended(this);
    const span = this.span;
    if (span !== undefined) span.end(outcome, (this.endedAtMs = this.deps.clock.wallNow()));
    this.resolve?.(outcome);
    return true;
  }
}

/** Writes a pino line from the thread through the parent's logger (its bindings, its destination). */
function relay(log: Logger, line: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return;
  }
  const { level, msg, ...rest } = record;
  const label = (log.levels.labels[level as number] ?? 'info') as 'info';
  log[label](rest, typeof msg === 'string' ? msg : undefined);
}

function describeExit(exit: ChannelExit): string {
  if (exit.error) {
    const code = (exit.error as { code?: unknown }).code;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'ran out of memory (resourceLimits)';
    return `threw an uncaught ${exit.error.name}: ${exit.error.message}`;
  }
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}
