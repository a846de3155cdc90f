import Denque from 'denque';
import type { TimerHandle } from '../clock';
import { QuiError, toError } from '../errors';
import type { ResolvedQueue } from './resolve-queue';
import { buildJob, buildJobs } from '../jobs/job-options';
import { queueRuntime, type QueueRuntime } from './queue-runtime';
import type { Job } from '../jobs/job';
import type { Awaitable, JobStore } from '../stores/job-store';
import type { ActorRef } from '../actors/actor-ref';
import type { ActorBehavior, ActorContext } from '../actors/define-actor';
import { isThenable, storeError, type JobLedger } from './job-ledger';
import { checkQueueMessage, isRejected } from './check-queue-message';
import { isPoolMessage, WAKE } from './pool-messages';
import type { EnqueueReply, QueueStats } from './queue-messages';
import type { WorkerMessage } from './worker-messages';

type Worker = ActorRef<WorkerMessage>;

/** How long a batched queue waits before taking again after its store failed. */
const RETRY_AFTER_MS = 1_000;

/** Resolves in the next turn of the event loop (after the callbacks already scheduled). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** @internal The queue actor's behaviour: one per queue spec, a fresh state per incarnation. */
export function queueBehavior(config: ResolvedQueue): ActorBehavior<QueueActor, unknown> {
  return {
    init: async (ctx) => {
      const rt = queueRuntime(ctx.services, config, ctx.clock, ctx.log);
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
    onDropped: (_q, msg) => refuseStopped(msg),
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
  private readonly ledger: JobLedger;
  /** Batched mode: a drain loop in flight, and whether polls or jobs arrived since it last looked. */
  private draining = false;
  private again = false;
  private stopping = false;
  private drainLoop: Promise<void> | undefined;
  private readonly workerCount: number;
  /**
   * Whether a poll's time may stand in for a clock read (see `serve`): on a store no other
   * process writes, with a clock that knows the latest time it returned.
   */
  private readonly reusesPollTimes: boolean;

  constructor(
    private readonly rt: QueueRuntime,
    private readonly store: JobStore,
    private readonly ctx: ActorContext<unknown>,
    /** Serve polls with `takeMany` (one round trip for all parked polls) instead of one `take` each. */
    private readonly batched = false,
  ) {
    this.config = rt.config;
    this.ledger = rt.ledger;
    this.workerCount = rt.config.workers?.count ?? 0;
    this.reusesPollTimes = !rt.shared && typeof ctx.clock.latestWallMs === 'function';
  }

  handle(raw: unknown): Awaitable<void> {
    if (isPoolMessage(raw))
      return raw.type === 'queue.poll' ? this.serve(raw.worker, raw.atMs) : this.drain();
    const msg = checkQueueMessage(raw);
    if (isRejected(msg)) {
      if (!msg.replyTo) this.ctx.log.warn({ err: msg.error }, 'malformed message ignored');
      else if (msg.enqueue) msg.replyTo.send({ type: 'queue.enqueue-failed', ok: false, error: msg.error });
      else msg.replyTo.send(msg.error);
      return;
    }
    switch (msg.type) {
      case 'queue.enqueue':
        return this.enqueue(
          () => [
            buildJob(
              this.config.job,
              msg.task,
              msg.options,
              this.rt.defaultsFor(msg.task),
              this.ctx.clock.wallNow(),
            ),
          ],
          msg.replyTo,
        );
      case 'queue.enqueue-many':
        return this.enqueue(
          () => buildJobs(this.config.job, msg.items, this.rt.defaultsFor, this.ctx.clock.wallNow()),
          msg.replyTo,
        );
      case 'queue.dequeue':
        return this.answer(msg.replyTo, () =>
          after(this.store.take(this.ctx.clock.wallNow()), (job) => {
            if (!job) return msg.replyTo.send(undefined);
            // With records, the reply waits for the record's end (getJob then says `completed`),
            // but the mailbox does not: polls, enqueues and stats go on meanwhile (the ledger
            // counts the write as pending, so a stop still waits for it).
            const written = this.ledger.takenByCaller(job);
            if (written === undefined) return msg.replyTo.send(job);
            void Promise.resolve(written).then(() => msg.replyTo.send(job));
          }),
        );
      case 'queue.stats':
        return this.answer(msg.replyTo, () =>
          after(this.store.counts(this.ctx.clock.wallNow()), (counts) =>
            msg.replyTo.send({
              name: this.config.name,
              waiting: counts.waiting,
              delayed: counts.delayed,
              parkedPolls: this.parked.length,
              totals: { ...this.ledger.totals },
            } satisfies QueueStats),
          ),
        );
      case 'queue.size':
        return this.answer(msg.replyTo, () => after(this.store.size(), (n) => msg.replyTo.send(n)));
    }
  }

  /** Runs a request against the store; a store failure is the answer (`ERR_STORE`), never a crash. */
  private answer(replyTo: ActorRef<Error>, run: () => Awaitable<void>): Awaitable<void> {
    const failed = (thrown: unknown): void =>
      replyTo.send(storeError(thrown, `the store of queue ${this.config.name} failed`));
    try {
      const done = run();
      if (isThenable(done)) return Promise.resolve(done).then(undefined, failed);
    } catch (thrown) {
      failed(thrown);
    }
    return undefined;
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

  /**
   * One poll: hand out the next due job, or park the worker until there is one. `atMs`: the clock
   * read the worker's last attempt ended with (NaN if it made none). On a store of this process
   * alone (memory), the take uses it as `now` instead of a read of its own while no read of this
   * clock since has returned a later time (`Clock.latestWallMs`): a worker that reads the clock as
   * an attempt ends (records, metrics, tracing) then costs one read per job, not two, and no job is
   * taken at a time before one this process already stamped on a job or record. What this gives
   * up: the time from that read to the take (the rest of the attempt's settling, the poll's wait
   * in the mailbox) counts as the next attempt's run time rather than as its job's wait, as the
   * assignment's wait in the worker's mailbox always has. A shared store always reads: other
   * processes stamp its jobs, and this clock has not seen their times. An empty take at the
   * reused time looks again at a fresh read, so a job that fell due meanwhile is not left waiting
   * for the timer.
   */
  private serve(worker: Worker, atMs: number): Awaitable<void> {
    if (!worker.alive) return;
    if (this.batched) {
      this.parked.push(worker);
      return this.drain();
    }
    const clock = this.ctx.clock;
    const reused =
      this.reusesPollTimes && !Number.isNaN(atMs) && atMs >= (clock.latestWallMs as () => number)();
    return this.serveAt(worker, reused ? atMs : clock.wallNow(), reused);
  }

  private serveAt(worker: Worker, now: number, reused: boolean): Awaitable<void> {
    let taken: Awaitable<Job | undefined>;
    try {
      taken = this.store.take(now);
    } catch (thrown) {
      this.parked.push(worker);
      return this.storeFailed(thrown);
    }
    // The memory store answers synchronously: no closure, no promise on the hot path. (A store
    // answering with a promise does not look again after an empty take: that is a round trip.)
    if (isThenable(taken)) {
      return Promise.resolve(taken).then(
        (job) => this.serveWith(worker, job, now, false),
        (thrown: unknown) => {
          this.parked.push(worker);
          this.storeFailed(thrown);
        },
      );
    }
    return this.serveWith(worker, taken, now, reused);
  }

  private serveWith(
    worker: Worker,
    job: Job | undefined,
    takenAtMs: number,
    reused: boolean,
  ): Awaitable<void> {
    if (job) return this.handOut(worker, job, takenAtMs);
    if (reused) {
      // Nothing was due at the worker's time: look again now, if the clock has moved on since.
      const now = this.ctx.clock.wallNow();
      if (now > takenAtMs) return this.serveAt(worker, now, false);
    }
    this.parked.push(worker);
    return this.armTimer();
  }

  /**
   * `takenAtMs`: the time the take ran at (its own clock read, or the worker's reused one; see
   * `serve`), the `now` the store stamped the record's `startedAtMs` with; attempt watches
   * (metrics) time the attempt from it, sparing a clock read per job.
   */
  private handOut(worker: Worker, job: Job, takenAtMs: number): void {
    if (!worker.alive || this.stopping) {
      this.ledger.returned(job, undefined); // it never ran: back it goes
      return;
    }
    this.ledger.handedOut();
    worker.send({ type: 'worker.assign', job, takenAtMs });
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
      let taken: Awaitable<Job | undefined>;
      const now = this.ctx.clock.wallNow();
      try {
        taken = this.store.take(now);
      } catch (thrown) {
        return this.storeFailed(thrown);
      }
      if (isThenable(taken)) {
        return Promise.resolve(taken).then(
          (job) => {
            if (!job) return this.armTimer();
            this.parked.shift();
            this.handOut(worker, job, now);
            return this.drain();
          },
          (thrown: unknown) => this.storeFailed(thrown),
        );
      }
      if (!taken) break;
      this.parked.shift();
      this.handOut(worker, taken, now);
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
          // Fewer polls parked than workers: the others are running jobs, and quick ones poll
          // again within two turns. Wait for them, so that one round takes for them all, instead
          // of alternating a round for the one poll parked first and a round for the rest.
          if (this.parked.length < this.workerCount) {
            await nextTurn();
            await nextTurn();
            if (!this.live() || this.stopping) break;
          }
          const wanted = this.parked.length;
          const takenAtMs = this.ctx.clock.wallNow();
          const jobs = await (this.store.takeMany as NonNullable<JobStore['takeMany']>)(wanted, takenAtMs);
          for (const job of jobs) {
            let worker = this.parked.shift();
            while (worker && !worker.alive) worker = this.parked.shift();
            if (worker) this.handOut(worker, job, takenAtMs);
            else this.ledger.returned(job, undefined); // never ran: back it goes
          }
          if (jobs.length < wanted) break; // nothing more is due now
        }
        await this.armTimer();
      } while (this.again && !this.stopping);
    } catch (thrown) {
      this.storeFailed(thrown);
    } finally {
      this.draining = false;
    }
  }

  /** The store failed (a dropped connection): parked polls wait; we look again later (a reconnect also wakes us). */
  private storeFailed(thrown: unknown): void {
    this.ctx.log.warn({ err: toError(thrown) }, 'taking jobs failed; retrying');
    this.clearTimer();
    if (this.stopping) return;
    this.timerAt = this.ctx.clock.wallNow() + RETRY_AFTER_MS;
    this.timer = this.ctx.clock.setTimeout(() => this.wake(), RETRY_AFTER_MS);
  }

  private wake(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.ctx.self.alive) this.ctx.self.send(WAKE);
  }

  /** With polls parked, wakes the queue when the earliest delayed job falls due. */
  private armTimer(): Awaitable<void> {
    if (this.parked.length === 0) return;
    let next: Awaitable<number | undefined>;
    try {
      next = this.store.nextDueAtMs();
    } catch (thrown) {
      return this.storeFailed(thrown);
    }
    const arm = (due: number | undefined): void => {
      if (due === undefined || due >= this.timerAt || this.stopping) return;
      this.clearTimer();
      this.timerAt = due;
      this.timer = this.ctx.clock.setTimeout(() => this.wake(), Math.max(0, due - this.ctx.clock.wallNow()));
    };
    if (isThenable(next))
      return Promise.resolve(next).then(arm, (thrown: unknown) => this.storeFailed(thrown));
    return arm(next);
  }

  private async enqueue(build: () => Job[], replyTo: ActorRef<EnqueueReply> | undefined): Promise<void> {
    let jobs: Job[];
    try {
      jobs = build();
      await this.ledger.enqueue(this.store, jobs, this.config.maxSize);
    } catch (thrown) {
      const error = toError(thrown);
      if (replyTo) replyTo.send({ type: 'queue.enqueue-failed', ok: false, error });
      else this.ctx.log.warn({ err: error }, 'enqueue by message rejected');
      return;
    }
    replyTo?.send({ type: 'queue.enqueued', ok: true, jobs });
    await this.drain();
  }
}

/** A request that reached a stopping queue: answered with `ERR_STOPPED` where it can be. */
function refuseStopped(raw: unknown): void {
  if (isPoolMessage(raw)) return;
  const msg = checkQueueMessage(raw);
  if (isRejected(msg) || !msg.replyTo) return;
  const error = new QuiError('ERR_STOPPED', 'the queue stopped before handling this request');
  if (msg.type === 'queue.enqueue' || msg.type === 'queue.enqueue-many')
    msg.replyTo.send({ type: 'queue.enqueue-failed', ok: false, error });
  else msg.replyTo.send(error);
}

/** Runs `then` on a value, or after it settles when it is a promise: the memory store stays synchronous. */
function after<T>(value: Awaitable<T>, then: (v: T) => Awaitable<void>): Awaitable<void> {
  if (isThenable(value)) return Promise.resolve(value).then(then);
  return then(value);
}
