import type { Clock } from '../clock';
import { QuiError, toError } from '../errors';
import type { JobLostReason, QuiEventBus } from '../events';
import type { Job } from '../jobs/job';
import type { Logger } from '../logging';
import type { Awaitable, JobStore } from '../stores/job-store';
import type { QueueTotals } from './queue-messages';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Waits between the tries of a store write for a job already taken (a retry, a return, a
 * dead-letter copy): 5 tries in all, about 3 s. What still fails is reported as `job.lost`.
 */
export const STORE_RETRY_DELAYS_MS: readonly number[] = Object.freeze([50, 200, 800, 2_000]);

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
  readonly totals: Mutable<QueueTotals> = {
    enqueued: 0,
    handedOut: 0,
    completed: 0,
    failed: 0,
    retried: 0,
    dead: 0,
    lost: 0,
  };
  /** Jobs handed out by `queue.dequeue`: they are the caller's now (not in the totals' shape). */
  dequeued = 0;
  /** Set once the store is open. */
  store: JobStore | undefined;
  private pending = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly deps: LedgerDeps) {}

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
    const events = this.deps.events;
    if (events.has('job.enqueued')) for (const job of jobs) events.emit('job.enqueued', { job });
  }

  /** A job handed to a worker (or taken by `dequeue`). */
  handedOut(): void {
    this.totals.handedOut++;
  }

  /** An attempt completed: the hot path, a counter and nothing else. */
  completed(): void {
    this.totals.completed++;
  }

  /** An attempt failed and will be retried: the retry copy goes back to the store. */
  retry(job: Job, worker: string | undefined): void {
    this.totals.failed++;
    this.totals.retried++;
    this.persist(job, 'retry', this.deps.wake, (error) => this.lose(job, { type: 'store', error }, worker));
  }

  /** A job that never ran (its worker stopped first): it goes back to the store. */
  returned(job: Job, worker: string | undefined): void {
    this.persist(job, 'return', this.deps.wake, (error) => this.lose(job, { type: 'store', error }, worker));
  }

  /**
   * A job failed for good. With a dead-letter queue named, its task is stored there as a new job;
   * a copy that cannot be stored makes the job count as lost rather than dead.
   */
  dead(job: Job, worker: string | undefined): void {
    this.totals.failed++;
    this.totals.dead++;
    const name = this.deps.deadLetterName;
    if (name === undefined) return;
    const undelivered = (error: Error): void => {
      this.totals.dead--;
      this.lose(job, { type: 'store', error }, worker);
    };
    const target = this.deps.deadLetter();
    if (!target) {
      undelivered(
        new QuiError('ERR_QUEUE_NOT_FOUND', `dead-letter queue ${JSON.stringify(name)} is not running`),
      );
      return;
    }
    target.deliver(job, undelivered);
  }

  /** A job lost for `reason` (a crashed or killed worker, a store write that kept failing). */
  lose(job: Job, reason: JobLostReason, worker: string | undefined): void {
    this.totals.lost++;
    this.deps.events.emit('job.lost', { job, reason, worker });
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

  /** Called on the dead-letter queue's ledger: stores `job`'s task as a new job of this queue. */
  deliver(from: Job, undelivered: (error: Error) => void): void {
    let copy: Job;
    try {
      copy = this.deps.build(from.task);
    } catch (thrown) {
      return undelivered(toError(thrown));
    }
    this.persist(
      copy,
      'dead-letter copy',
      () => {
        this.enqueued([copy]);
        this.deps.wake();
      },
      undelivered,
    );
  }

  /** Writes `job` with bounded retries; exactly one of `stored` / `failed` runs. */
  private persist(job: Job, what: string, stored: () => void, failed: (error: Error) => void): void {
    this.pending++;
    const done = (): void => {
      if (--this.pending === 0) for (const fn of this.idle.splice(0)) fn();
    };
    const attempt = (store: JobStore, tryNo: number): void => {
      const retryOrFail = (thrown: unknown): void => {
        const error = toError(thrown);
        const delay = STORE_RETRY_DELAYS_MS[tryNo];
        const jobId = job.id;
        if (delay === undefined || (error instanceof QuiError && error.code === 'ERR_QUEUE_FULL')) {
          this.deps.log.error({ err: error, jobId, tries: tryNo + 1 }, `storing a ${what} failed for good`);
          failed(storeError(error, `storing the ${what} of job ${jobId} failed after ${tryNo + 1} tries`));
          return done();
        }
        this.deps.log.warn({ err: error, jobId, try: tryNo + 1 }, `storing a ${what} failed; retrying`);
        this.deps.clock.setTimeout(() => attempt(store, tryNo + 1), delay);
      };
      let written: Awaitable<void>;
      try {
        written = store.add(job, this.deps.clock.wallNow());
      } catch (thrown) {
        return retryOrFail(thrown);
      }
      const ok = (): void => {
        stored();
        done();
      };
      if (isThenable(written)) Promise.resolve(written).then(ok, retryOrFail);
      else ok();
    };
    if (this.store) return attempt(this.store, 0);
    this.deps.open().then(
      (store) => attempt(store, 0),
      (thrown: unknown) => {
        failed(storeError(thrown, `opening the store of queue ${this.deps.queue} failed`));
        done();
      },
    );
  }
}

/** A store's rejection as `ERR_STORE` with the original as `cause`; Qui's own errors pass as they are. */
export function storeError(thrown: unknown, message: string): QuiError {
  if (thrown instanceof QuiError) return thrown;
  return new QuiError('ERR_STORE', `${message}: ${toError(thrown).message}`, { cause: thrown });
}

export function isThenable<T>(value: Awaitable<T>): value is PromiseLike<T> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
