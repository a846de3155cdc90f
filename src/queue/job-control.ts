import { InvalidOptionsError, QuiError } from '../errors';
import type { JobRecord, JobState } from '../jobs/job-record';
import { JOB_END_STATES, type JobEndState } from '../jobs/job-retention';
import type { JobRecords, ProcessInfo } from '../stores/job-records';
import { checkNumber, checkObject, describe } from '../validate';
import type { QueueRuntime } from './queue-runtime';

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
 * The records calls of a queue's client (`getJob`, `cancel`, `waitFor`…), straight to the queue's
 * store: they need no queue actor, so they answer while the queue restarts. @internal
 */
export class JobControl {
  constructor(private readonly rt: QueueRuntime) {}

  private get name(): string {
    return this.rt.config.name;
  }

  /** The store's records; `ERR_RECORDS_OFF` for a queue defined with `retain: false`. */
  private async records(): Promise<JobRecords> {
    if (this.rt.config.retain === false) throw recordsOffError(this.name);
    const store = await this.rt.openStore();
    if (!store.records)
      throw new QuiError(
        'ERR_RECORDS_OFF',
        `the ${this.rt.config.store.kind} store of queue ${describe(this.name)} keeps no job records`,
      );
    return store.records;
  }

  private now(): number {
    return this.rt.clock.wallNow();
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
    if (record?.deadLetterOf) return this.rt.retryDeadLetter(record, records);
    const retried = await records.retry(id, this.now());
    this.rt.ledger.totals.enqueued++; // stored again: a new life for the books
    this.rt.wake();
    return retried;
  }

  async removeJob(id: string): Promise<boolean> {
    checkId(id);
    const records = await this.records();
    const record = await records.get(id);
    const removed = await records.remove(id);
    if (removed && record && STORED.has(record.state)) this.rt.ledger.totals.removed++;
    return removed;
  }

  async pause(): Promise<void> {
    await this.setPaused(true);
  }

  async resume(): Promise<void> {
    await this.setPaused(false);
    this.rt.wake();
  }

  private async setPaused(paused: boolean): Promise<void> {
    const records = await this.records();
    await records.setPaused(paused);
    await records.broadcast({ type: 'queue.paused', origin: this.rt.processId, paused });
  }

  async isPaused(): Promise<boolean> {
    return (await this.records()).isPaused();
  }

  /** On a store no other process shares (memory) no heartbeat is written: this process alone. */
  async processes(): Promise<readonly ProcessInfo[]> {
    const records = await this.records();
    if (this.rt.shared) return records.processes(this.now());
    const self = this.rt.localProcess();
    return self ? [self] : [];
  }

  async cancel(id: string, reason?: string): Promise<JobRecord> {
    checkId(id);
    if (reason !== undefined && typeof reason !== 'string')
      throw new InvalidOptionsError('reason', `must be a string, got ${describe(reason)}`);
    const records = await this.records();
    const outcome = await records.cancel(id, reason, this.now());
    if (outcome.state === 'cancelled') {
      this.rt.cancelledWaiting(outcome.record);
      return outcome.record;
    }
    // Running somewhere (maybe here): the process running it aborts the attempt and ends it.
    await records.broadcast({ type: 'job.cancel', origin: this.rt.processId, jobId: id, reason });
    return outcome.record;
  }

  async waitFor(id: string, options?: WaitForOptions): Promise<JobRecord> {
    checkId(id);
    const o = checkObject(options ?? {}, '', ['timeoutMs'], optionsFail);
    const timeoutMs =
      o.timeoutMs === undefined ? Infinity : checkNumber(o.timeoutMs, 'timeoutMs', 0, optionsFail, true);
    const records = await this.records();
    return new Promise<JobRecord>((resolve, reject) => {
      let done = false;
      let reading = false;
      let again = false;
      const clock = this.rt.clock;
      const finish = (error: Error | undefined, record?: JobRecord): void => {
        if (done) return;
        done = true;
        stop();
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
        Promise.resolve(records.get(id)).then(
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
      const stop = this.rt.onEnded(id, look);
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
      look();
    });
  }
}

const optionsFail = (path: string, problem: string): Error => new InvalidOptionsError(path, problem);

function checkId(id: unknown): void {
  if (typeof id !== 'string' || id === '')
    throw new InvalidOptionsError('id', `must be a job id (a non-empty string), got ${describe(id)}`);
}

function jobNotFound(queue: string, id: string): QuiError {
  return new QuiError('ERR_JOB_NOT_FOUND', `queue ${describe(queue)} has no job ${describe(id)}`);
}

/** The error of every records call on a queue defined with `retain: false`. @internal */
export function recordsOffError(queue: string): QuiError {
  return new QuiError(
    'ERR_RECORDS_OFF',
    `queue ${describe(queue)} keeps no job records (it is defined with retain: false)`,
  );
}
