import { InvalidOptionsError, QuiError, toError } from '../errors';
import type { JobRecord, JobState } from '../jobs/job-record';
import { JOB_END_STATES, type JobEndState } from '../jobs/job-retention';
import type { JobRecords, ProcessInfo } from '../stores/job-records';
import type { Clock, TimerHandle } from '../clock';
import { checkNumber, checkObject, describe } from '../validate';

/** What `getJobs` reads: one state, newest first. */
export interface GetJobsQuery {
  readonly state: JobState;
  /** Records per page, 1 to 1,000. @defaultValue 50 */
  readonly limit?: number;
  /** The `cursor` of the previous page; absent for the first page. */
  readonly cursor?: string;
}

/** One page of `getJobs`: `cursor` reads the next page, `undefined` after the last. */
export interface JobPage<TTask = unknown> {
  readonly records: readonly JobRecord<TTask>[];
  readonly cursor: string | undefined;
}

/** Jobs per state, as the queue's store counts them (the same in every process sharing it). */
export type JobCounts = Readonly<Record<JobState, number>>;

/** What `waitFor` takes. */
export interface WaitForOptions {
  /** How long to wait for the job to end; past it the call rejects with `ERR_WAIT_TIMEOUT`. @defaultValue Infinity */
  readonly timeoutMs?: number;
}

/**
 * How often every pending `waitFor` reads its record again, on a store other processes share
 * (`ControlHost.shared`). A wait is woken by the broadcast of its job's end, and delivery is at
 * most once (a subscriber reconnecting misses what was sent meanwhile): this bounds how long a
 * missed broadcast delays it. One timer for all the waits of a queue, none while nothing waits.
 * On a store only this process sees, every end is its own ledger's, which wakes the waits: no
 * timer at all.
 * @internal
 */
export const WAIT_RECHECK_MS = 5_000;

/** Records per page of `getJobs` when the query gives no `limit`. */
export const DEFAULT_PAGE_LIMIT = 50;

/** States whose job is still in the store. */
const STORED: ReadonlySet<string> = new Set<JobState>(['waiting', 'delayed', 'failed']);

const ENDED: ReadonlySet<string> = new Set<JobEndState>(JOB_END_STATES);

/** True for a record in an end state (`completed`, `dead`, `lost`, `cancelled`). @internal */
export function hasEnded(record: JobRecord): boolean {
  return ENDED.has(record.state);
}

/**
 * What the records calls need from where they run: a queue's runtime in a system (see
 * `QueueRuntime.control`), or a connection to its store alone (`connectQueue`). @internal
 */
export interface ControlHost {
  readonly name: string;
  readonly processId: string;
  readonly clock: Clock;
  /**
   * True when other processes may share the store's records (every store but memory; a
   * connection always): a job may end elsewhere, told only by a broadcast that can be lost, so
   * pending waits are read again every {@link WAIT_RECHECK_MS}.
   */
  readonly shared: boolean;
  /** The store's records; rejects with `ERR_RECORDS_OFF` where none are kept. */
  records(): Promise<JobRecords>;
  /** Puts a dead-letter copy's job back into its source queue. */
  retryDeadLetter(record: JobRecord, records: JobRecords): Promise<JobRecord>;
  /** A dead or lost job was stored again. */
  retried(): void;
  /** A job still stored (waiting, delayed, failed) was removed with its record. */
  removed(): void;
  /** The queue was resumed: parked workers here look again. */
  resumed(): void;
  /** A job not yet running was cancelled: tell whoever waits for it, here and elsewhere. */
  cancelledWaiting(record: JobRecord): void | Promise<void>;
  /** Calls `look` whenever job `id` may have ended; returns the function that stops it. */
  onEnded(id: string, look: () => void): () => void;
  /** The processes sharing the queue's store. */
  processes(records: JobRecords): Promise<readonly ProcessInfo[]>;
}

/**
 * The records calls of a queue's client (`getJob`, `cancel`, `waitFor`…), straight to the queue's
 * store: they need no queue actor, so they answer while the queue restarts. @internal
 */
export class JobControl {
  /** Every pending `waitFor`; on a shared store read again every {@link WAIT_RECHECK_MS}. */
  private readonly waits = new Set<PendingWait>();
  private recheck: TimerHandle | undefined;
  /** What pending and later waits reject with, once `close` was called. */
  private closedWith: QuiError | undefined;

  constructor(private readonly host: ControlHost) {}

  /**
   * Rejects every pending `waitFor` with `error` (an `ERR_STOPPED`: the system stops, the
   * connection closes) and clears the re-check timer, before the store closes: nothing reads it
   * afterwards. A `waitFor` called later rejects with it too. The other calls are refused by the
   * host (`records()`).
   */
  close(error: QuiError): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const wait of [...this.waits]) wait.fail(error);
    if (this.recheck !== undefined) this.host.clock.clearTimeout(this.recheck); // cleared with the last wait already
    this.recheck = undefined;
  }

  /** Adds a pending wait (to the slow re-check on a shared store); returns the function that removes it. */
  private watch(wait: PendingWait): () => void {
    this.waits.add(wait);
    if (this.host.shared) this.recheck ??= this.host.clock.setTimeout(this.sweep, WAIT_RECHECK_MS);
    return () => {
      this.waits.delete(wait);
      if (this.waits.size === 0 && this.recheck !== undefined) {
        this.host.clock.clearTimeout(this.recheck);
        this.recheck = undefined;
      }
    };
  }

  private readonly sweep = (): void => {
    this.recheck = undefined;
    for (const wait of [...this.waits]) wait.look();
    if (this.waits.size > 0) this.recheck ??= this.host.clock.setTimeout(this.sweep, WAIT_RECHECK_MS);
  };

  /** Job `id` left the store through this process (removed, a copy retried): its waits here look now. */
  private left(id: string): void {
    for (const wait of [...this.waits]) if (wait.id === id) wait.look();
  }

  private get name(): string {
    return this.host.name;
  }

  private records(): Promise<JobRecords> {
    return this.host.records();
  }

  private now(): number {
    return this.host.clock.wallNow();
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    checkId(id);
    return (await this.records()).get(id);
  }

  async getJobs(query: GetJobsQuery): Promise<JobPage> {
    const q = checkObject(query, '', ['state', 'limit', 'cursor'], optionsFail);
    const records = await this.records();
    return records.list({
      state: q.state as GetJobsQuery['state'],
      limit: q.limit === undefined ? DEFAULT_PAGE_LIMIT : (q.limit as number),
      ...(q.cursor === undefined ? {} : { cursor: q.cursor as string }),
    });
  }

  async counts(): Promise<JobCounts> {
    return (await this.records()).counts();
  }

  async retryJob(id: string): Promise<JobRecord> {
    checkId(id);
    const records = await this.records();
    const record = await records.get(id);
    if (record?.deadLetterOf) {
      const back = await this.host.retryDeadLetter(record, records);
      this.left(id); // the copy is removed: no ledger ends it
      return back;
    }
    const retried = await records.retry(id, this.now());
    this.host.retried();
    return retried;
  }

  async removeJob(id: string): Promise<boolean> {
    checkId(id);
    const records = await this.records();
    const record = await records.get(id);
    const removed = await records.remove(id);
    if (removed && record && STORED.has(record.state)) this.host.removed();
    if (removed) this.left(id); // no ledger ends it: unshared, no re-check would find it gone
    return removed;
  }

  async pause(): Promise<void> {
    await this.setPaused(true);
  }

  async resume(): Promise<void> {
    await this.setPaused(false);
    this.host.resumed();
  }

  private async setPaused(paused: boolean): Promise<void> {
    const records = await this.records();
    await records.setPaused(paused);
    await records.broadcast({ type: 'queue.paused', origin: this.host.processId, paused });
  }

  async isPaused(): Promise<boolean> {
    return (await this.records()).isPaused();
  }

  async processes(): Promise<readonly ProcessInfo[]> {
    return this.host.processes(await this.records());
  }

  async cancel(id: string, reason?: string): Promise<JobRecord> {
    checkId(id);
    if (reason !== undefined && typeof reason !== 'string')
      throw new InvalidOptionsError('reason', `must be a string, got ${describe(reason)}`);
    const records = await this.records();
    const outcome = await records.cancel(id, reason, this.now());
    if (outcome.state === 'cancelled') {
      await this.host.cancelledWaiting(outcome.record);
      return outcome.record;
    }
    // Running somewhere (maybe here): the process running it aborts the attempt and ends it.
    await records.broadcast({ type: 'job.cancel', origin: this.host.processId, jobId: id, reason });
    return outcome.record;
  }

  async waitFor(id: string, options?: WaitForOptions): Promise<JobRecord> {
    checkId(id);
    const o = checkObject(options ?? {}, '', ['timeoutMs'], optionsFail);
    const timeoutMs =
      o.timeoutMs === undefined ? Infinity : checkNumber(o.timeoutMs, 'timeoutMs', 0, optionsFail, true);
    const records = await this.records();
    // Closed while the store was being reached: the wait would read a closed store.
    if (this.closedWith) throw this.closedWith;
    return new Promise<JobRecord>((resolve, reject) => {
      let done = false;
      let reading = false;
      let again = false;
      const clock = this.host.clock;
      const finish = (error: Error | undefined, record?: JobRecord): void => {
        if (done) return;
        done = true;
        stop();
        unwatch();
        if (timer !== undefined) clock.clearTimeout(timer);
        if (error) reject(error);
        else resolve(record as JobRecord);
      };
      // Reads the record; an end-of-job notice arriving during a read reads it again after.
      const look = (): void => {
        if (done) return;
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        // A read that throws at once (SQLite on a closed file) rejects this wait, as a rejection does.
        new Promise<JobRecord | undefined>((read) => read(records.get(id))).then(
          (record) => {
            reading = false;
            if (!record) return finish(jobNotFound(this.name, id));
            if (hasEnded(record)) return finish(undefined, record);
            if (again) {
              again = false;
              look();
            }
          },
          (thrown: unknown) => {
            reading = false;
            finish(thrown instanceof Error ? thrown : new Error(String(thrown)));
          },
        );
      };
      // Woken by the end's broadcast (listening before the first read, so an end between the read
      // and the wake-up is not missed), and on a shared store read again now and then in case a
      // broadcast was lost.
      const stop = this.host.onEnded(id, look);
      const unwatch = this.watch({ id, look, fail: finish });
      const timer =
        timeoutMs === Infinity
          ? undefined
          : clock.setTimeout(
              () =>
                finish(
                  new QuiError(
                    'ERR_WAIT_TIMEOUT',
                    `job ${describe(id)} of queue ${describe(this.name)} did not end within ${timeoutMs} ms`,
                  ),
                ),
              timeoutMs,
            );
      // Once other processes' broadcasts reach us (a Redis subscriber subscribed), not before.
      Promise.resolve(records.listening?.()).then(look, (thrown: unknown) => finish(toError(thrown)));
    });
  }
}

/** A pending `waitFor`, as the re-check and `close` reach it. */
interface PendingWait {
  readonly id: string;
  /** Reads the record again (never throws: a failed read rejects the wait). */
  look(): void;
  /** Rejects the wait with `error` and forgets it. */
  fail(error: Error): void;
}

const optionsFail = (path: string, problem: string): Error => new InvalidOptionsError(path, problem);

function checkId(id: unknown): void {
  if (typeof id !== 'string' || id === '')
    throw new InvalidOptionsError('id', `must be a job id (a non-empty string), got ${describe(id)}`);
}

function jobNotFound(queue: string, id: string): QuiError {
  return new QuiError('ERR_JOB_NOT_FOUND', `queue ${describe(queue)} has no job ${describe(id)}`);
}

/**
 * The error of a queue client's call made after `stop()` was called, or that the queue had not
 * answered when it stopped (a pending `waitFor`). @internal
 */
export function queueStoppedError(queue: string): QuiError {
  return new QuiError(
    'ERR_STOPPED',
    `the system is stopping; queue ${JSON.stringify(queue)} takes no more requests`,
  );
}

/** The error of every records call on a queue defined with `retain: false`. @internal */
export function recordsOffError(queue: string): QuiError {
  return new QuiError(
    'ERR_RECORDS_OFF',
    `queue ${describe(queue)} keeps no job records (it is defined with retain: false)`,
  );
}
