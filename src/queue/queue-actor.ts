import Denque from 'denque';
import type { TimerHandle } from '../clock';
import { QuiError, toError } from '../errors';
import type { ResolvedQueue } from './resolve-queue';
import { buildJob, buildJobs, type TaskDefaults } from '../jobs/job-options';
import { queueRuntime, type QueueRuntime } from './queue-runtime';
import type { Job } from '../jobs/job';
import type { Awaitable, JobStore } from '../stores/job-store';
import type { ActorRef } from '../actors/actor-ref';
import type { ActorBehavior, ActorContext } from '../actors/define-actor';
import type { EnqueueReply, JobReport, QueueMessage, QueueStats } from './queue-messages';
import type { WorkerMessage } from './worker-messages';

type Worker = ActorRef<WorkerMessage>;

/** How long a batched queue waits before taking again after its store failed. */
const RETRY_AFTER_MS = 1_000;

/** @internal The queue actor's behaviour: one per queue spec, a fresh state per incarnation. */
export function queueBehavior(config: ResolvedQueue): ActorBehavior<QueueActor, QueueMessage> {
  return {
    init: async (ctx) => {
      const rt = queueRuntime(ctx.services, config);
      const store = await rt.openStore();
      rt.self = ctx.self;
      // A store that answers with promises (Redis) is served in batches when it can take many.
      const probe = store.nextDueAtMs();
      if (isThenable(probe)) await probe;
      return new QueueActor(rt, store, ctx, isThenable(probe) && typeof store.takeMany === 'function');
    },
    handle: (q, msg) => {
      const r = q.handle(msg);
      return r === undefined ? q : Promise.resolve(r).then(() => q);
    },
    terminate: (q) => q.stop(),
    onKill: (q) => q?.clearTimer(),
  };
}

/**
 * One incarnation of a queue: serves polls from the store, parks them when nothing is due, and
 * answers parked polls the moment jobs arrive. Mutable on purpose: this is the hot path. @internal
 */
export class QueueActor {
  private readonly parked = new Denque<Worker>();
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private readonly config: ResolvedQueue;
  private readonly queueHasDefaults: boolean;
  /** Batched mode: a drain loop in flight, and whether polls or jobs arrived since it last looked. */
  private draining = false;
  private again = false;
  private stopping = false;
  private drainLoop: Promise<void> | undefined;

  constructor(
    private readonly rt: QueueRuntime,
    private readonly store: JobStore,
    private readonly ctx: ActorContext<QueueMessage>,
    /** Serve polls with `takeMany` (one round trip for all parked polls) instead of one `take` each. */
    private readonly batched = false,
  ) {
    this.config = rt.config;
    this.queueHasDefaults = Object.keys(rt.config.defaults).length > 0;
  }

  handle(msg: QueueMessage): Awaitable<void> {
    switch (msg.type) {
      case 'queue.poll': {
        if (msg.report) {
          const applied = this.applyReport(msg.report);
          if (applied !== undefined) return after(applied, () => this.serve(msg.worker));
        }
        return this.serve(msg.worker);
      }
      case 'queue.report':
        return this.applyReport(msg.report);
      case 'queue.enqueue':
        return this.enqueue(
          () => [
            buildJob(
              this.config.job,
              msg.task,
              msg.options,
              this.defaultsFor(msg.task),
              this.ctx.clock.wallNow(),
            ),
          ],
          msg.replyTo,
        );
      case 'queue.enqueue-many':
        return this.enqueue(
          () => buildJobs(this.config.job, msg.items, this.defaultsFor, this.ctx.clock.wallNow()),
          msg.replyTo,
        );
      case 'queue.dequeue':
        return after(this.store.take(this.ctx.clock.wallNow()), (job) => {
          if (job) this.rt.totals.handedOut++;
          msg.replyTo.send(job);
        });
      case 'queue.return':
        return after(this.store.add(msg.job, this.ctx.clock.wallNow()), () => this.drain());
      case 'queue.stats':
        return after(this.store.counts(this.ctx.clock.wallNow()), (counts) =>
          msg.replyTo.send({
            name: this.config.name,
            waiting: counts.waiting,
            delayed: counts.delayed,
            parkedPolls: this.parked.length,
            totals: { ...this.rt.totals },
          } satisfies QueueStats),
        );
      case 'queue.size':
        return after(this.store.size(), (n) => msg.replyTo.send(n));
      case 'queue.wake':
        return this.drain();
    }
  }

  /** Shutdown: no more rounds; a round in flight hands out or puts back what it took, then we stop. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.clearTimer();
    await this.drainLoop;
  }

  /** Drops dead workers' polls; true while a live one is parked. */
  private live(): boolean {
    let alive = 0;
    for (let i = 0; i < this.parked.length; i++) if ((this.parked.get(i) as Worker).alive) alive++;
    if (alive < this.parked.length) {
      const keep = this.parked.toArray().filter((w) => w.alive);
      this.parked.clear();
      for (const w of keep) this.parked.push(w);
    }
    return alive > 0;
  }

  clearTimer(): void {
    if (this.timer !== undefined) this.ctx.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** Task defaults under queue defaults, looked up per job (enqueueMany calls it per item). */
  private readonly defaultsFor = (task: unknown): TaskDefaults | undefined => {
    const own = this.config.registry?.defaultsFor(task);
    if (!own) return this.config.defaults;
    return this.queueHasDefaults ? { ...this.config.defaults, ...own } : own;
  };

  /** One poll: hand out the next due job, or park the worker until there is one. */
  private serve(worker: Worker): Awaitable<void> {
    if (!worker.alive) return;
    if (this.batched) {
      this.parked.push(worker);
      return this.drain();
    }
    const taken = this.store.take(this.ctx.clock.wallNow());
    // The memory store answers synchronously: no closure, no promise on the hot path.
    if (isThenable(taken)) return Promise.resolve(taken).then((job) => this.serveWith(worker, job));
    return this.serveWith(worker, taken);
  }

  private serveWith(worker: Worker, job: Job | undefined): Awaitable<void> {
    if (job) return this.handOut(worker, job);
    this.parked.push(worker);
    return this.armTimer();
  }

  private handOut(worker: Worker, job: Job): Awaitable<void> {
    if (!worker.alive) return this.store.add(job, this.ctx.clock.wallNow()); // it never ran: back it goes
    this.rt.totals.handedOut++;
    worker.send({ type: 'worker.assign', job });
    return undefined;
  }

  /** Serves parked polls while jobs are due, oldest poll first. */
  private drain(): Awaitable<void> {
    if (this.batched) {
      if (this.draining) this.again = true;
      else if (!this.stopping) this.drainLoop = this.drainInBatches();
      return;
    }
    while (this.parked.length > 0) {
      const worker = this.parked.peekFront() as Worker;
      if (!worker.alive) {
        this.parked.shift();
        continue;
      }
      const taken = this.store.take(this.ctx.clock.wallNow());
      if (isThenable(taken)) {
        return Promise.resolve(taken).then((job) => {
          if (!job) return this.armTimer();
          this.parked.shift();
          return after(this.handOut(worker, job), () => this.drain());
        });
      }
      if (!taken) break;
      this.parked.shift();
      this.handOut(worker, taken);
    }
    return this.armTimer();
  }

  /**
   * Batched mode: one loop, outside the mailbox so that polls keep arriving while a round trip is
   * in flight; each round takes as many due jobs as there are parked polls, in one call. Jobs are
   * removed from the store before they are handed out, as with `take` (at-most-once holds).
   */
  private async drainInBatches(): Promise<void> {
    this.draining = true;
    try {
      do {
        this.again = false;
        while (this.live() && !this.stopping) {
          const wanted = this.parked.length;
          const jobs = await (this.store.takeMany as NonNullable<JobStore['takeMany']>)(
            wanted,
            this.ctx.clock.wallNow(),
          );
          for (const job of jobs) {
            let worker = this.parked.shift();
            while (worker && !worker.alive) worker = this.parked.shift();
            if (worker && !this.stopping) this.handOut(worker, job);
            else await this.store.add(job, this.ctx.clock.wallNow()); // never ran: back it goes
          }
          if (jobs.length < wanted) break; // nothing more is due now
        }
        await this.armTimer();
      } while (this.again && !this.stopping);
    } catch (thrown) {
      // The store failed (a dropped connection): try again later; a reconnect also wakes us.
      this.ctx.log.warn({ err: toError(thrown) }, 'taking jobs failed; retrying');
      this.clearTimer();
      if (!this.stopping) this.timer = this.ctx.clock.setTimeout(() => this.wake(), RETRY_AFTER_MS);
    } finally {
      this.draining = false;
    }
  }

  private wake(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.ctx.self.alive) this.ctx.self.send({ type: 'queue.wake' });
  }

  /** With polls parked, wakes the queue when the earliest delayed job falls due. */
  private armTimer(): Awaitable<void> {
    if (this.parked.length === 0) return;
    return after(this.store.nextDueAtMs(), (due) => {
      if (due === undefined || due >= this.timerAt) return;
      this.clearTimer();
      this.timerAt = due;
      this.timer = this.ctx.clock.setTimeout(() => this.wake(), Math.max(0, due - this.ctx.clock.wallNow()));
    });
  }

  private applyReport(report: JobReport): Awaitable<void> {
    const totals = this.rt.totals;
    switch (report.type) {
      case 'completed':
        totals.completed++;
        return;
      case 'retry':
        totals.failed++;
        totals.retried++;
        // A retry may be due at once: parked polls (the oldest first) get it, else the timer is armed.
        return after(this.store.add(report.job, this.ctx.clock.wallNow()), () => this.drain());
      case 'dead':
        totals.failed++;
        totals.dead++;
        if (this.config.deadLetter !== undefined) {
          this.ctx.system.send<QueueMessage>(this.config.deadLetter, {
            type: 'queue.enqueue',
            task: report.job.task,
          });
        }
        return;
    }
  }

  private async enqueue(build: () => Job[], replyTo: ActorRef<EnqueueReply> | undefined): Promise<void> {
    let jobs: Job[];
    try {
      jobs = build();
      if (this.config.maxSize !== Infinity) {
        const size = await this.store.size();
        if (size + jobs.length > this.config.maxSize) {
          throw new QuiError(
            'ERR_QUEUE_FULL',
            `queue ${this.config.name} holds ${size} of ${this.config.maxSize} jobs; ${jobs.length} more do not fit`,
          );
        }
      }
      const now = this.ctx.clock.wallNow();
      if (jobs.length === 1) await this.store.add(jobs[0] as Job, now);
      else await this.store.addMany(jobs, now);
    } catch (thrown) {
      const error = toError(thrown);
      if (replyTo) replyTo.send({ type: 'queue.enqueue-failed', ok: false, error });
      else this.ctx.log.warn({ err: error }, 'enqueue by message rejected');
      return;
    }
    this.rt.totals.enqueued += jobs.length;
    const events = this.rt.services.events;
    if (events.has('job.enqueued')) for (const job of jobs) events.emit('job.enqueued', { job });
    replyTo?.send({ type: 'queue.enqueued', ok: true, jobs });
    await this.drain();
  }
}

/** Runs `then` on a value, or after it settles when it is a promise: the memory store stays synchronous. */
function after<T>(value: Awaitable<T>, then: (v: T) => Awaitable<void>): Awaitable<void> {
  if (isThenable(value)) return Promise.resolve(value).then(then);
  return then(value);
}

function isThenable<T>(value: Awaitable<T>): value is PromiseLike<T> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
