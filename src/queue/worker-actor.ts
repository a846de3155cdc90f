import { QuiError } from '../errors';
import type { ResolvedQueue } from './resolve-queue';
import { queueRuntime, type QueueRuntime } from './queue-runtime';
import type { Job } from '../jobs/job';
import { retryDelayMs, shouldRetry } from '../jobs/backoff';
import {
  startAttempt,
  type AttemptDeps,
  type AttemptOutcome,
  type RunningAttempt,
} from '../tasks/run-attempt';
import { WorkerWatches } from '../tasks/attempt-watches';
import type { ActorRef } from '../actors/actor-ref';
import type { ActorBehavior, ActorContext } from '../actors/define-actor';
import type { JobLedger } from './job-ledger';
import { pollMessage, type PollMessage, type PoolMessage } from './pool-messages';
import type { WorkerMessage } from './worker-messages';
import type { IsolatedRunner } from './isolation/isolated-runner';
import { openIsolatedRunner } from './isolation/open-runner';

/** @internal The worker actor's behaviour: poll, run one job, hand its outcome to the ledger, poll again. */
export function workerBehavior(config: ResolvedQueue): ActorBehavior<Worker, WorkerMessage> {
  return {
    init: (ctx) => {
      const queue = ctx.system.lookup<PoolMessage>(config.name);
      if (!queue)
        throw new QuiError('ERR_QUEUE_NOT_FOUND', `queue ${JSON.stringify(config.name)} is not running`);
      const begin = (runner: IsolatedRunner | undefined): Worker => {
        const worker = new Worker(queueRuntime(ctx.services, config, ctx.clock, ctx.log), queue, ctx, runner);
        worker.poll();
        return worker;
      };
      // [isolation] An isolated worker first starts its thread or process (it lives as long as this
      // incarnation and is terminated when it exits); an in-process one starts at once, as before.
      const isolation = config.workers?.isolation;
      return isolation ? openIsolatedRunner(ctx, isolation).then(begin) : begin(undefined);
    },
    handle: (w, msg) => {
      w.handle(msg);
      return w;
    },
    terminate: (w) => w.finishRunning(),
    onKill: (w) => w?.abandon(),
    onDropped: (w, msg) => w?.dropped(msg),
  };
}

/**
 * One worker incarnation. It never awaits a job inside its handler: the attempt runs on its own
 * and its outcome comes back as a `worker.settled` message, so status and shutdown are answered
 * while a job runs. @internal
 */
export class Worker {
  private running: { readonly job: Job; readonly attempt: RunningAttempt } | undefined;
  /** With records: when the latest attempt started (wall clock), for its history entry should it fail. */
  private startedAtMs = 0;
  private readonly processor;
  private quietDeps: AttemptDeps | undefined;
  private readonly ledger: JobLedger;
  /** One poll message per incarnation, sent again for each job: polling allocates nothing. */
  private readonly pollMsg: PollMessage;
  /** Where `ctx.progress` goes: one function per incarnation. */
  private readonly onProgress: (job: Job, value: unknown) => void;
  /** The attempt hooks' watches of this incarnation (metrics, tracing), closed when it ends. */
  private readonly watches: WorkerWatches;

  constructor(
    private readonly rt: QueueRuntime,
    private readonly queue: ActorRef<PoolMessage>,
    private readonly ctx: ActorContext<WorkerMessage>,
    /** [isolation] Runs the attempts in a thread or process; `undefined` for in-process workers. */
    private readonly runner: IsolatedRunner | undefined = undefined,
  ) {
    this.processor = (rt.config.workers as NonNullable<ResolvedQueue['workers']>).processor;
    this.ledger = rt.ledger;
    this.pollMsg = pollMessage(ctx.self);
    this.onProgress = (job, value) => this.ledger.progress(job, value, this.ctx.path);
    this.watches = new WorkerWatches(ctx.path, rt.config.name);
  }

  /** Asks for a job; `atMs`: the clock read the last attempt's end made, if any (see {@link PollMessage}). */
  poll(atMs = Number.NaN): void {
    const msg = this.pollMsg;
    msg.atMs = atMs;
    this.queue.send(msg);
  }

  handle(msg: WorkerMessage): void {
    switch (msg.type) {
      case 'worker.assign':
        return this.start(msg.job, msg.takenAtMs);
      case 'worker.settled':
        if (this.running?.job !== msg.job) return; // an attempt already accounted for
        this.running = undefined;
        return this.poll(this.settle(msg.job, msg.outcome, msg.endedAtMs));
      case 'worker.status':
        return msg.replyTo.send(
          this.running
            ? { state: 'running', jobId: this.running.job.id, attempt: this.running.job.attempts + 1 }
            : { state: 'idle' },
        );
    }
  }

  private start(job: Job, takenAtMs: number): void {
    const events = this.rt.services.events;
    if (events.has('job.started'))
      events.emit('job.started', { job, attempt: job.attempts + 1, worker: this.ctx.path });
    // The history of a retried job says when each failed attempt started: when it was taken from
    // the store, the record's own startedAtMs (no clock read of its own).
    this.startedAtMs = takenAtMs;
    const deps = this.depsFor(job);
    const span = this.watches.start(this.rt.attemptHooks, job, job.attempts + 1, takenAtMs);
    // [isolation] An isolated attempt runs in its thread or process; the span sees its outcome.
    const attempt = this.runner
      ? this.runner.start(job, deps, span)
      : startAttempt(this.processor, job, deps, span);
    // A processor that answered synchronously is settled now: poll again at once, sparing the
    // hot path a message to self and an event-loop turn.
    if (attempt.result) return this.poll(this.settle(job, attempt.result, attempt.endedAtMs));
    this.running = { job, attempt };
    // With records, a running attempt can be cancelled from any process: the ledger finds it here.
    if (this.ledger.records) this.ledger.running.add(job.id, attempt);
    void attempt.outcome.then((outcome) => {
      const self = this.ctx.self;
      if (self.alive) self.send({ type: 'worker.settled', job, outcome, endedAtMs: attempt.endedAtMs });
    });
  }

  /**
   * What the attempt runner needs: a per-job child logger (`jobId`, task name bound) — unless
   * logging is off, where one shared object spares the hot path two allocations per job.
   */
  private depsFor(job: Job): AttemptDeps {
    const log = this.ctx.log;
    const onProgress = this.onProgress;
    if (!log.isLevelEnabled('fatal')) return (this.quietDeps ??= { log, clock: this.ctx.clock, onProgress });
    return { log: log.child({ jobId: job.id, task: taskName(job) }), clock: this.ctx.clock, onProgress };
  }

  /**
   * Turns an attempt's outcome into events and hands it to the ledger; a bad result crashes.
   * `endedAtMs`: the clock read the attempt made as it ended (with a span). With records the
   * worker reads it here when the attempt did not: the record's end time. Returns that read (NaN
   * when none was made), which the next poll carries: the queue may take the next job at that time
   * instead of reading the clock itself, so an attempt that ends with a read costs one read, not two.
   */
  private settle(job: Job, outcome: AttemptOutcome, endedAtMs?: number): number {
    const events = this.rt.services.events;
    const worker = this.ctx.path;
    if (this.ledger.records) {
      endedAtMs ??= this.ctx.clock.wallNow();
      const cancel = this.ledger.running.settled(job.id);
      if (cancel && outcome.status === 'aborted') {
        this.ledger.cancelled(job, cancel.reason, worker, endedAtMs);
        return endedAtMs;
      }
    }
    if (outcome.status === 'completed') {
      if (events.has('job.completed')) events.emit('job.completed', { job, value: outcome.value, worker });
      this.ledger.completed(job, outcome.value, worker, endedAtMs);
      return endedAtMs ?? Number.NaN;
    }
    if (outcome.status === 'bad-result') {
      // Let it crash, as the original: the job is lost (at-most-once) and the supervisor restarts us.
      // With records, the record ends at the time read above (no second read).
      this.ledger.lose(job, { type: 'error', error: outcome.error }, worker, endedAtMs);
      throw outcome.error;
    }
    const error = outcome.error;
    const task = taskName(job);
    this.ctx.log.warn({ err: error, jobId: job.id, task, attempt: job.attempts + 1 }, 'job attempt failed');
    if (events.has('job.failed')) events.emit('job.failed', { job, error, worker });
    let delayMs: number | undefined;
    let finalError = error;
    if (shouldRetry(job, error)) {
      try {
        delayMs = retryDelayMs(job, error, Math.random);
      } catch (backoffError) {
        finalError = backoffError as Error;
      }
    }
    if (delayMs === undefined) {
      this.ctx.log.error(
        { err: finalError, jobId: job.id, task, attempts: job.attempts + 1 },
        'job failed for good',
      );
      events.emit('job.dead', { job, error: finalError, attempts: job.attempts + 1 });
      this.ledger.dead(job, worker, finalError, endedAtMs);
      return endedAtMs ?? Number.NaN;
    }
    // The attempt's own end when a span read it, else one read now: the retry's due time and record end.
    endedAtMs ??= this.ctx.clock.wallNow();
    this.ledger.retry(job, delayMs, worker, error, endedAtMs, this.startedAtMs);
    return endedAtMs;
  }

  /**
   * Graceful shutdown: no more polls; the running job may finish (the shutdown timer kills us
   * otherwise) and its outcome goes to the ledger, whether or not the queue actor still runs.
   */
  async finishRunning(): Promise<void> {
    const running = this.running;
    if (running) {
      const outcome = await running.attempt.outcome;
      if (this.running === running) {
        this.running = undefined;
        this.settle(running.job, outcome, running.attempt.endedAtMs);
      }
    }
    this.watches.close();
  }

  /** Killed: the running attempt is aborted and its job lost. */
  abandon(): void {
    const running = this.running;
    if (!running) return this.watches.close();
    this.running = undefined;
    if (this.ledger.records) this.ledger.running.settled(running.job.id);
    running.attempt.abort(new QuiError('ERR_STOPPED', `worker ${this.ctx.path} was killed`));
    this.ledger.lose(running.job, { type: 'killed' }, this.ctx.path);
    this.watches.close();
  }

  /** A job assigned after we began to stop never ran: the ledger puts it back in the store. */
  dropped(msg: WorkerMessage): void {
    if (msg.type === 'worker.assign') this.ledger.returned(msg.job, this.ctx.path);
  }
}

/** The task name of a `{ task: name, params }` job, for log bindings; never the payload. */
function taskName(job: Job): string | undefined {
  const task = (job.task as { task?: unknown } | null)?.task;
  return typeof task === 'string' ? task : undefined;
}
