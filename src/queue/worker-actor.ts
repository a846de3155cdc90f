import { QuiError } from '../errors';
import type { ResolvedQueue } from './resolve-queue';
import { queueRuntime, type QueueRuntime } from './queue-runtime';
import type { Job } from '../jobs/job';
import { retryDelayMs, shouldRetry } from '../jobs/backoff';
import {
  startAttempt,
  startSpans,
  type AttemptDeps,
  type AttemptOutcome,
  type RunningAttempt,
} from '../tasks/run-attempt';
import type { ActorRef } from '../actors/actor-ref';
import type { ActorBehavior, ActorContext } from '../actors/define-actor';
import type { JobReport, QueueMessage } from './queue-messages';
import type { WorkerMessage } from './worker-messages';

const COMPLETED: JobReport = Object.freeze({ type: 'completed' });

/** @internal The worker actor's behaviour: poll, run one job, report on the next poll. */
export function workerBehavior(config: ResolvedQueue): ActorBehavior<Worker, WorkerMessage> {
  return {
    init: (ctx) => {
      const queue = ctx.system.lookup<QueueMessage>(config.name);
      if (!queue)
        throw new QuiError('ERR_QUEUE_NOT_FOUND', `queue ${JSON.stringify(config.name)} is not running`);
      const worker = new Worker(queueRuntime(ctx.services, config), queue, ctx);
      worker.poll(undefined);
      return worker;
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
  private readonly processor;
  private quietDeps: AttemptDeps | undefined;

  constructor(
    private readonly rt: QueueRuntime,
    private readonly queue: ActorRef<QueueMessage>,
    private readonly ctx: ActorContext<WorkerMessage>,
  ) {
    this.processor = (rt.config.workers as NonNullable<ResolvedQueue['workers']>).processor;
  }

  poll(report: JobReport | undefined): void {
    this.queue.send({ type: 'queue.poll', worker: this.ctx.self, report });
  }

  handle(msg: WorkerMessage): void {
    switch (msg.type) {
      case 'worker.assign':
        return this.start(msg.job);
      case 'worker.settled':
        if (this.running?.job !== msg.job) return; // an attempt already accounted for
        this.running = undefined;
        return this.poll(this.settle(msg.job, msg.outcome));
      case 'worker.status':
        return msg.replyTo.send(
          this.running
            ? { state: 'running', jobId: this.running.job.id, attempt: this.running.job.attempts + 1 }
            : { state: 'idle' },
        );
    }
  }

  private start(job: Job): void {
    const events = this.rt.services.events;
    if (events.has('job.started'))
      events.emit('job.started', { job, attempt: job.attempts + 1, worker: this.ctx.path });
    const hooks = this.rt.attemptHooks;
    const span = hooks.length === 0 ? undefined : startSpans(hooks, job, job.attempts + 1, this.ctx.path);
    const attempt = startAttempt(this.processor, job, this.depsFor(job), span);
    // A processor that answered synchronously is settled now: report on the next poll at once,
    // sparing the hot path a message to self and an event-loop turn.
    if (attempt.result) return this.poll(this.settle(job, attempt.result));
    this.running = { job, attempt };
    void attempt.outcome.then((outcome) => {
      const self = this.ctx.self;
      if (self.alive) self.send({ type: 'worker.settled', job, outcome });
    });
  }

  /**
   * What the attempt runner needs: a per-job child logger (`jobId`, task name bound) — unless
   * logging is off, where one shared object spares the hot path two allocations per job.
   */
  private depsFor(job: Job): AttemptDeps {
    const log = this.ctx.log;
    if (!log.isLevelEnabled('fatal')) return (this.quietDeps ??= { log, clock: this.ctx.clock });
    return { log: log.child({ jobId: job.id, task: taskName(job) }), clock: this.ctx.clock };
  }

  /** Turns an attempt's outcome into events and the report for the queue; a bad result crashes. */
  private settle(job: Job, outcome: AttemptOutcome): JobReport {
    const events = this.rt.services.events;
    const worker = this.ctx.path;
    if (outcome.status === 'completed') {
      if (events.has('job.completed')) events.emit('job.completed', { job, value: outcome.value, worker });
      return COMPLETED;
    }
    if (outcome.status === 'bad-result') {
      // Let it crash, as the original: the job is lost (at-most-once) and the supervisor restarts us.
      this.rt.totals.lost++;
      events.emit('job.lost', { job, reason: { type: 'error', error: outcome.error }, worker });
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
      return { type: 'dead', job, error: finalError };
    }
    const retry: Job = Object.freeze({
      ...job,
      attempts: job.attempts + 1,
      runAtMs: this.ctx.clock.wallNow() + delayMs,
    });
    if (events.has('job.retrying')) events.emit('job.retrying', { job: retry, error, delayMs });
    return { type: 'retry', job: retry };
  }

  /** Graceful shutdown: no more polls; the running job may finish (the shutdown timer kills us otherwise). */
  async finishRunning(): Promise<void> {
    const running = this.running;
    if (!running) return;
    const outcome = await running.attempt.outcome;
    if (this.running !== running) return;
    this.running = undefined;
    const report = this.settle(running.job, outcome);
    if (this.queue.alive) this.queue.send({ type: 'queue.report', report });
  }

  /** Killed: the running attempt is aborted and its job lost. */
  abandon(): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.attempt.abort(new QuiError('ERR_STOPPED', `worker ${this.ctx.path} was killed`));
    this.rt.totals.lost++;
    this.rt.services.events.emit('job.lost', {
      job: running.job,
      reason: { type: 'killed' },
      worker: this.ctx.path,
    });
  }

  /** A job assigned after we began to stop never ran: it goes back to the queue. */
  dropped(msg: WorkerMessage): void {
    if (msg.type !== 'worker.assign') return;
    if (this.queue.alive) this.queue.send({ type: 'queue.return', job: msg.job });
    else {
      this.rt.totals.lost++;
      this.rt.services.events.emit('job.lost', {
        job: msg.job,
        reason: { type: 'shutdown' },
        worker: this.ctx.path,
      });
    }
  }
}

/** The task name of a `{ task: name, params }` job, for log bindings; never the payload. */
function taskName(job: Job): string | undefined {
  const task = (job.task as { task?: unknown } | null)?.task;
  return typeof task === 'string' ? task : undefined;
}
