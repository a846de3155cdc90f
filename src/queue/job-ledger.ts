import type { Clock } from '../clock';
import { QuiError, toError } from '../errors';
import type { JobLostReason, QuiEventBus } from '../events';
import { appendFailedAttempt } from '../jobs/attempt-history';
import type { DeadLetterSource, Job } from '../jobs/job';
import { toJobError } from '../jobs/job-error';
import { toRecordResult, type JobRecord } from '../jobs/job-record';
import type { Logger } from '../logging';
import type { JobRecords, RecordEnd } from '../stores/job-records';
import type { Awaitable, JobStore } from '../stores/job-store';
import { ZERO_TOTALS, type QueueTotals } from './queue-messages';
import { DEQUEUED_END, endRecord, endUndecodable, NO_EXTRA, type EndDeps } from './record-ends';
import { isThenable, retriedWrite, storeError, type WriteDeps } from './retried-write';
import { RunningAttempts } from './running-attempts';
import {
  jobOfRecord,
  lostReasonText,
  shareEvent,
  shareLostReason,
  type SharedEvent,
  type SharedEventType,
} from './shared-events';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export { STORE_RETRY_DELAYS_MS } from './retried-write';

/** How long closing the system waits for a queue's pending store writes before closing its store. */
export const CLOSE_WAIT_MS = 10_000;

/** What a ledger needs from the running system. @internal */
export interface LedgerDeps {
  readonly queue: string;
  readonly events: QuiEventBus;
  readonly clock: Clock;
  readonly log: Logger;
  /** The queue's store, opened on first use (a dead-letter copy may arrive before the queue's actor started). */
  readonly open: () => Promise<JobStore>;
  /** Jobs became available: serve parked polls. */
  readonly wake: () => void;
  /** The ledger of the dead-letter queue, if one is named and running. */
  readonly deadLetter: () => JobLedger | undefined;
  /** The dead-letter queue's name, when one is named. */
  readonly deadLetterName: string | undefined;
  /** Builds a new job of this queue for `task`, with its defaults (a dead-letter copy). */
  readonly build: (task: unknown) => Job;
  /** This process's id (the `origin` of what it broadcasts). */
  readonly processId?: string;
  /** True when other processes share the store: lifecycle events are broadcast to them. */
  readonly shared?: boolean;
  /** Job `id`'s record reached an end state (`waitFor` looks again). */
  readonly ended?: (id: string) => void;
}

/**
 * The one place every store write for a queue's jobs goes through, outliving the queue's actor
 * incarnations. Each job taken from the store ends here as exactly one of: completed, stored again
 * (a retry, or a return of a job that never ran), dead (and copied to the dead-letter queue when
 * one is named) or lost (`job.lost`, with a reason). Writes for jobs already taken are retried
 * (see {@link STORE_RETRY_DELAYS_MS}); the system closes the store only once they have settled.
 * @internal
 */
export class JobLedger {
  readonly totals: Mutable<QueueTotals> = { ...ZERO_TOTALS };
  /** Jobs handed out by `queue.dequeue` (also counted in `handedOut`): they are the caller's now. */
  dequeued = 0;
  /** Set once the store is open. */
  store: JobStore | undefined;
  /** Told of every batch of jobs stored (`createMetrics` counts them per task): no event per job. */
  enqueueWatchers: readonly ((jobs: readonly Job[]) => void)[] = [];
  /** The store's records, set once it is open, when the queue keeps them: every end is written there. */
  records: JobRecords | undefined;
  /** With records: attempts running in this process (what `job.cancel` aborts). */
  readonly running = new RunningAttempts();
  private pending = 0;
  private idle: Array<() => void> = [];
  /** What ending records needs (record-ends.ts): built once here, never per job. */
  private readonly ends: EndDeps;

  constructor(private readonly deps: LedgerDeps) {
    const { clock, log, processId, shared, ended } = deps;
    this.ends = { clock, log, processId, shared, ended, persist: this.persist };
  }

  /** Store writes in flight (retries waiting included). */
  get pendingWrites(): number {
    return this.pending;
  }

  /**
   * Stores new jobs (`limit`: the queue's `maxSize`) and counts them. Store errors surface as
   * `ERR_STORE` (a `QuiError` from the store, such as `ERR_QUEUE_FULL`, as it is); not retried:
   * the caller is told.
   */
  enqueue(store: JobStore, jobs: readonly Job[], limit: number): Awaitable<void> {
    let written: Awaitable<void>;
    try {
      const now = this.deps.clock.wallNow();
      const max = limit === Infinity ? undefined : limit;
      written = jobs.length === 1 ? store.add(jobs[0] as Job, now, max) : store.addMany(jobs, now, max);
    } catch (thrown) {
      throw storeError(thrown, `storing ${jobs.length} job(s) in queue ${this.deps.queue} failed`);
    }
    if (!isThenable(written)) return this.enqueued(jobs);
    return Promise.resolve(written).then(
      () => this.enqueued(jobs),
      (thrown) => {
        throw storeError(thrown, `storing ${jobs.length} job(s) in queue ${this.deps.queue} failed`);
      },
    );
  }

  private enqueued(jobs: readonly Job[]): void {
    this.totals.enqueued += jobs.length;
    for (const watch of this.enqueueWatchers) watch(jobs);
    const events = this.deps.events;
    if (events.has('job.enqueued')) for (const job of jobs) events.emit('job.enqueued', { job });
  }

  /** A job handed to a worker. */
  handedOut(): void {
    this.totals.handedOut++;
  }

  /**
   * A job a caller took with `dequeue()`: it is the caller's now (at-most-once), so with records
   * it ends here, `completed` with reason `dequeued` (no result, no worker), rather than stay
   * `active` under this process's lease until it is reaped as lost. Resolves once that write
   * settled (a write that keeps failing is logged; the caller still gets the job).
   */
  takenByCaller(job: Job): Awaitable<void> {
    this.totals.handedOut++;
    this.dequeued++;
    const records = this.records;
    if (records === undefined) return;
    return new Promise<void>((resolve) =>
      endRecord(this.ends, records, job, DEQUEUED_END, 'job.dequeued', NO_EXTRA, resolve),
    );
  }

  /**
   * An attempt completed: the hot path. Without records, a counter and nothing else; with them,
   * the record ends `completed` with the result (or, when the result cannot be kept, the error
   * saying why: the job still completed). `nowMs`: the wall-clock ms the attempt ended, when the
   * worker already read it (metrics or tracing watch the attempt); otherwise the clock is read here.
   */
  completed(job: Job, value: unknown, worker: string, nowMs?: number): void {
    this.totals.completed++;
    if (this.records === undefined) return;
    let result: string | undefined;
    let error;
    try {
      result = toRecordResult(value);
    } catch (thrown) {
      error = toJobError(thrown);
    }
    const extra = this.deps.shared === true ? { value: result } : NO_EXTRA;
    const end: RecordEnd = { state: 'completed', result, error, worker };
    endRecord(this.ends, this.records, job, end, 'job.completed', extra, undefined, nowMs);
  }

  /**
   * An attempt of `failed` ended at `endedAtMs` with `error`: the retry (`attempts` one more, due
   * `delayMs` later; the job's one copy) is told as `job.retrying` and goes back to the store (its
   * record `failed` at `endedAtMs`). With records, it carries the failed attempt (started at
   * `startedAtMs`) at the end of its `history`, so every store keeps it in the body it writes.
   */
  retry(
    failed: Job,
    delayMs: number,
    worker: string | undefined,
    error: Error,
    endedAtMs: number,
    startedAtMs?: number,
  ): void {
    this.totals.failed++;
    this.totals.retried++;
    const records = this.records;
    const job: Mutable<Job> = { ...failed, attempts: failed.attempts + 1, runAtMs: endedAtMs + delayMs };
    const jobError = records && toJobError(error);
    // `job.attempts` counts the attempt that just failed: it is that attempt's number.
    const from = startedAtMs ?? endedAtMs;
    if (jobError) job.history = appendFailedAttempt(failed.history, job.attempts, jobError, from, endedAtMs);
    Object.freeze(job);
    if (this.deps.events.has('job.retrying')) this.deps.events.emit('job.retrying', { job, error, delayMs });
    const lost = (e: Error): void => this.lose(job, { type: 'store', error: e }, worker);
    // `jobError` is set exactly when records are kept: testing both only narrows their types.
    if (!records || !jobError) return this.persist(job, 'retry', this.deps.wake, lost);
    this.persist(
      job,
      'retry',
      () => {
        this.deps.wake();
        this.share('job.failed', { job, worker, error: jobError });
      },
      lost,
      () => records.retryLater(job, jobError, worker, endedAtMs),
    );
  }

  /** A job that never ran (its worker stopped first): it goes back to the store. */
  returned(job: Job, worker: string | undefined): void {
    this.persist(job, 'return', this.deps.wake, (error) => this.lose(job, { type: 'store', error }, worker));
  }

  /**
   * A job failed for good. With a dead-letter queue named, its task is stored there as a new job
   * (`deadLetterOf` naming this job and its error); a copy that cannot be stored makes the job
   * count as lost rather than dead. The record ends `dead` (or `lost`) once that is known, at
   * `endedAtMs` (the attempt's end) when given.
   */
  dead(job: Job, worker: string | undefined, error?: Error, endedAtMs?: number): void {
    this.totals.failed++;
    this.totals.dead++;
    const records = this.records;
    const jobError = records === undefined ? undefined : toJobError(error);
    const recordDead = (): void => {
      if (records === undefined || jobError === undefined) return; // set together: testing both narrows types
      this.share('job.failed', { job, worker, error: jobError });
      const end: RecordEnd = { state: 'dead', error: jobError, worker };
      endRecord(this.ends, records, job, end, 'job.dead', { error: jobError }, undefined, endedAtMs);
    };
    const name = this.deps.deadLetterName;
    if (name === undefined) return recordDead();
    const undelivered = (e: Error): void => {
      this.totals.dead--;
      this.lose(job, { type: 'store', error: e }, worker);
    };
    const target = this.deps.deadLetter();
    if (!target) {
      undelivered(
        new QuiError('ERR_QUEUE_NOT_FOUND', `dead-letter queue ${JSON.stringify(name)} is not running`),
      );
      return;
    }
    target.deliver(job, error === undefined ? undefined : toJobError(error), recordDead, undelivered);
  }

  /**
   * A job lost for `reason` (a crashed or killed worker, a store write that kept failing).
   * `nowMs`: the end time when the caller read the clock already (a worker's attempt end).
   */
  lose(job: Job, reason: JobLostReason, worker: string | undefined, nowMs?: number): void {
    this.totals.lost++;
    this.deps.events.emit('job.lost', { job, reason, worker });
    if (this.records === undefined) return;
    const error = (reason as { error?: unknown }).error;
    const jobError = error === undefined ? undefined : toJobError(error);
    const end: RecordEnd = { state: 'lost', reason: lostReasonText(reason), error: jobError, worker };
    endRecord(
      this.ends,
      this.records,
      job,
      end,
      'job.lost',
      { reason: shareLostReason(reason) },
      undefined,
      nowMs,
    );
  }

  /** A running attempt was aborted by `cancel`: the job ends `cancelled`, never retried. */
  cancelled(job: Job, reason: string | undefined, worker: string | undefined, nowMs?: number): void {
    this.totals.cancelled++;
    if (this.deps.events.has('job.cancelled'))
      this.deps.events.emit('job.cancelled', { job, reason, worker });
    if (this.records === undefined) return;
    const end: RecordEnd = { state: 'cancelled', reason, worker };
    endRecord(this.ends, this.records, job, end, 'job.cancelled', { reason }, undefined, nowMs);
  }

  /** `cancel` ended a job that was not running (its record is `cancelled` already). */
  cancelledWaiting(record: JobRecord): void {
    this.totals.cancelled++;
    const job = jobOfRecord(record, false);
    if (this.deps.events.has('job.cancelled'))
      this.deps.events.emit('job.cancelled', { job, reason: record.reason, worker: undefined });
    this.deps.ended?.(job.id);
    this.share('job.cancelled', { job, reason: record.reason });
  }

  /** Jobs of a process that stopped beating, reaped here: lost, or (`onLost: 'retry'`) stored again. */
  reaped(records: readonly JobRecord[]): void {
    let requeued = false;
    for (const record of records) {
      if (record.state !== 'lost') {
        requeued = true;
        continue;
      }
      this.totals.lost++;
      const job = jobOfRecord(record, true);
      const reason: JobLostReason = { type: 'process-gone', processId: record.processId };
      this.deps.events.emit('job.lost', { job, reason, worker: record.worker });
      this.deps.ended?.(job.id);
      this.share('job.lost', { job, worker: record.worker, reason: shareLostReason(reason) });
    }
    if (requeued) this.deps.wake();
  }

  /** `ctx.progress(value)`: kept on the record and sent as `job.progress`. Throws when it cannot be kept. */
  progress(job: Job, value: unknown, worker: string): void {
    const records = this.records;
    const events = this.deps.events;
    if (records !== undefined) {
      const text = toRecordResult(value, 'progress');
      const warn = (thrown: unknown): void =>
        this.deps.log.warn({ err: toError(thrown), jobId: job.id }, 'storing progress failed');
      try {
        const done = records.progress(job.id, text, this.deps.clock.wallNow());
        if (isThenable(done)) Promise.resolve(done).then(undefined, warn);
      } catch (thrown) {
        warn(thrown);
      }
      this.share('job.progress', { job, worker, value: text });
    }
    if (events.has('job.progress')) events.emit('job.progress', { job, progress: value, worker });
  }

  /** Broadcasts a lifecycle event to the other processes sharing the store (at most once). */
  private share(type: SharedEventType, payload: SharedEvent): void {
    if (this.records !== undefined && this.deps.shared === true)
      shareEvent(this.records, this.deps.processId ?? '', this.deps.log, type, payload);
  }

  /** The store removed an entry it could not decode: that job is lost. */
  undecodable(entry: { readonly id: string | undefined; readonly error: Error }): void {
    this.totals.lost++;
    this.deps.events.emit('job.lost', {
      job: undefined,
      jobId: entry.id,
      reason: { type: 'decode', error: entry.error },
      worker: undefined,
    });
    // The take marked its record active under this process: end it lost, or it would stay active
    // for as long as this process holds its lease (a store that ends it itself makes this a no-op).
    const records = this.records;
    if (records === undefined || entry.id === undefined) return;
    endUndecodable(this.ends, records, entry.id, entry.error);
  }

  /** Resolves once no write is pending, or after `maxMs` (on the injected clock). */
  settled(maxMs = CLOSE_WAIT_MS): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.deps.clock.setTimeout(() => {
        this.deps.log.error({ pending: this.pending }, 'store writes still pending at close; closing anyway');
        resolve();
      }, maxMs);
      this.idle.push(() => {
        this.deps.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Called on the dead-letter queue's ledger: stores `from`'s task as a new job of this queue,
   * with `deadLetterOf` naming `from` and its last error.
   */
  deliver(
    from: Job,
    error: ReturnType<typeof toJobError> | undefined,
    delivered: () => void,
    undelivered: (error: Error) => void,
  ): void {
    let copy: Job;
    try {
      const deadLetterOf: DeadLetterSource =
        from.history === undefined
          ? { queue: from.queue, jobId: from.id, error }
          : { queue: from.queue, jobId: from.id, error, history: from.history };
      copy = Object.freeze({ ...this.deps.build(from.task), deadLetterOf });
    } catch (thrown) {
      return undelivered(toError(thrown));
    }
    this.persist(
      copy,
      'dead-letter copy',
      () => {
        this.enqueued([copy]);
        this.deps.wake();
        delivered();
      },
      undelivered,
    );
  }

  /**
   * Writes `job` (or runs `run`, a record write) with bounded retries; exactly one of `stored` /
   * `failed` runs. Counted as pending until then. An arrow, so `ends` holds it with no wrapper.
   */
  private readonly persist: EndDeps['persist'] = (job, what, stored, failed, run) => {
    this.pending++;
    retriedWrite((this.writes ??= this.writeDeps()), job, what, stored, failed, run);
  };

  private writes: WriteDeps | undefined;

  private writeDeps = (): WriteDeps => ({
    clock: this.deps.clock,
    log: this.deps.log,
    queue: this.deps.queue,
    store: () => this.store,
    open: () => this.deps.open(),
    done: () => {
      if (--this.pending === 0) for (const fn of this.idle.splice(0)) fn();
    },
  });
}

export { isThenable, storeError } from './retried-write';
