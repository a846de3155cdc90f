import { randomUUID } from 'node:crypto';
import { InvalidOptionsError, QuiError, toError } from '../errors';
import type { Job } from '../jobs/job';
import { buildJob, type JobOptions, type JobQueueConfig, type TaskDefaults } from '../jobs/job-options';
import type { JobRecord } from '../jobs/job-record';
import { resolveRetention, type ResolvedRetention, type RetentionOptions } from '../jobs/job-retention';
import type { JobRecords, StoreBroadcast } from '../stores/job-records';
import type { JobStore, JobStoreFactory } from '../stores/job-store';
import { checkNumber, checkObject, checkString, describe, type Fail } from '../validate';
import { queueOfSpec, type QueueSpec } from './define-queue';
import {
  DEFAULT_PAGE_LIMIT,
  hasEnded,
  type GetJobsQuery,
  type JobCounts,
  type JobPage,
  type WaitForOptions,
} from './job-control';
import { jobOfRecord } from './shared-events';

/** What `connectQueue` takes when it is not given a queue's spec. */
export interface ConnectQueueOptions {
  /** The queue's name, as its `defineQueue` names it. */
  readonly name: string;
  /** The queue's store, as its `defineQueue` gives it (the same file, URL and prefix). */
  readonly store: JobStoreFactory;
  /** The queue's priorities, highest first, as its `defineQueue` gives them. @defaultValue ['high', 'low'] */
  readonly priorities?: readonly string[];
  /**
   * The queue's retention: the store prunes with it when this connection ends a record (cancels a
   * waiting job). @defaultValue DEFAULT_RETENTION
   */
  readonly retain?: RetentionOptions;
}

/**
 * A queue reached through its store alone: no actors, no workers, no lease. For producers and
 * tools in other processes (the `qui` inspection commands use one): it enqueues, reads and steers
 * the queue's jobs while the processes running them share the store (SQLite, Redis). It never
 * takes a job. Close it when done: it holds the store's connections.
 */
export interface QueueConnection<TTask = unknown> {
  readonly name: string;
  /** Stores a job, built as the queue would build it. @throws {InvalidOptionsError} naming the field; {QuiError} `ERR_QUEUE_FULL`. */
  enqueue(task: TTask, options?: JobOptions): Promise<Job<TTask>>;
  /** Jobs held, due and delayed. */
  size(): Promise<number>;
  /** As `QueueClient.getJob`. */
  getJob(id: string): Promise<JobRecord<TTask> | undefined>;
  /** As `QueueClient.getJobs`. */
  getJobs(query: GetJobsQuery): Promise<JobPage<TTask>>;
  /** As `QueueClient.counts`. */
  counts(): Promise<JobCounts>;
  /**
   * A `dead` or `lost` job back to `waiting`. A dead-letter copy cannot be retried through a
   * connection (its source queue's store is not at hand): `ERR_JOB_STATE`, nothing changed.
   * @throws {QuiError} `ERR_JOB_NOT_FOUND`; `ERR_JOB_STATE`.
   */
  retryJob(id: string): Promise<JobRecord<TTask>>;
  /** As `QueueClient.removeJob`. */
  removeJob(id: string): Promise<boolean>;
  /** As `QueueClient.pause`: every process sharing the store stops handing out jobs. */
  pause(): Promise<void>;
  /** As `QueueClient.resume`. */
  resume(): Promise<void>;
  isPaused(): Promise<boolean>;
  /** As `QueueClient.cancel`: a running job is aborted by the process running it (told over the store). */
  cancel(id: string, reason?: string): Promise<JobRecord<TTask>>;
  /** As `QueueClient.waitFor`, woken by the store's broadcasts (so on Redis; SQLite and memory as they broadcast). */
  waitFor(id: string, options?: WaitForOptions): Promise<JobRecord<TTask>>;
  /** Closes the store's connections; later calls reject with `ERR_STOPPED`. */
  close(): Promise<void>;
}

const fail: Fail = (path, problem) => new InvalidOptionsError(path, problem);

/** What a connection needs of a queue. */
interface Target {
  readonly job: JobQueueConfig;
  readonly store: JobStoreFactory;
  readonly retain: ResolvedRetention;
  readonly defaultsFor: (task: unknown) => TaskDefaults | undefined;
  readonly maxSize: number;
}

function targetOf(from: QueueSpec | ConnectQueueOptions): Target {
  const resolved = queueOfSpec(from);
  if (resolved) {
    if (resolved.retain === false)
      throw new QuiError(
        'ERR_RECORDS_OFF',
        `queue ${describe(resolved.name)} keeps no job records (it is defined with retain: false)`,
      );
    const registry = resolved.registry;
    return {
      job: resolved.job,
      store: resolved.store,
      retain: resolved.retain,
      defaultsFor: (task) => {
        const own = registry?.defaultsFor(task);
        return own ? { ...resolved.defaults, ...own } : resolved.defaults;
      },
      maxSize: resolved.maxSize,
    };
  }
  const o = checkObject(from, '', ['name', 'store', 'priorities', 'retain'], fail);
  const name = checkString(o.name, 'name', fail);
  const store = o.store as JobStoreFactory;
  if (typeof store !== 'object' || store === null || typeof store.create !== 'function')
    throw fail('store', 'must be a store factory such as sqliteStore() or redisStore()');
  const priorities = (o.priorities ?? ['high', 'low']) as readonly string[];
  if (!Array.isArray(priorities) || priorities.length === 0)
    throw fail('priorities', `must be a non-empty array of names, got ${describe(priorities)}`);
  priorities.forEach((p: unknown, i) => checkString(p, `priorities[${i}]`, fail));
  const retain = resolveRetention(o.retain, 'retain', fail);
  if (retain === false) throw fail('retain', 'must keep records: a connection reads them');
  return {
    job: {
      name,
      priorities,
      defaultPriority: priorities[priorities.length - 1] as string,
      serializes: store.serializes,
    },
    store,
    retain,
    defaultsFor: () => undefined,
    maxSize: Infinity,
  };
}

/**
 * Connects to a queue through its store: from its spec (`defineQueue`'s value, the same a config
 * module exports) or from its name, store and priorities. Opens the store; the connection takes
 * no jobs, holds no lease and reaps nothing.
 * @throws {InvalidOptionsError} naming the field; {QuiError} `ERR_RECORDS_OFF` for a queue (or
 * store) that keeps no records; the store's own errors (`ERR_STORE`) when it cannot be opened.
 * @example
 * const emails = await connectQueue({ name: 'emails', store: redisStore({ prefix: 'app:' }) });
 * console.log(await emails.counts());
 * await emails.close();
 */
export async function connectQueue<TTask = unknown>(
  from: QueueSpec<TTask> | ConnectQueueOptions,
): Promise<QueueConnection<TTask>> {
  const target = targetOf(from);
  const name = target.job.name;
  const processId = `connection-${randomUUID()}`;
  const store: JobStore = await target.store.create({
    queue: name,
    priorities: target.job.priorities,
    records: { processId, retention: target.retain },
  });
  if (!store.records) {
    await store.close();
    throw new QuiError(
      'ERR_RECORDS_OFF',
      `the ${target.store.kind} store of queue ${describe(name)} keeps no job records`,
    );
  }
  return new Connection<TTask>(name, processId, target, store, store.records);
}

class Connection<TTask> implements QueueConnection<TTask> {
  private closed = false;

  constructor(
    readonly name: string,
    private readonly processId: string,
    private readonly target: Target,
    private readonly store: JobStore,
    private readonly recs: JobRecords,
  ) {}

  private records(): JobRecords {
    if (this.closed)
      throw new QuiError('ERR_STOPPED', `the connection to queue ${describe(this.name)} is closed`);
    return this.recs;
  }

  async enqueue(task: TTask, options?: JobOptions): Promise<Job<TTask>> {
    this.records();
    const now = Date.now();
    const job = buildJob(this.target.job, task, options, this.target.defaultsFor(task), now);
    await this.store.add(job, now, this.target.maxSize);
    return job as Job<TTask>;
  }

  async size(): Promise<number> {
    this.records();
    return this.store.size();
  }

  async getJob(id: string): Promise<JobRecord<TTask> | undefined> {
    checkId(id);
    return (await this.records().get(id)) as JobRecord<TTask> | undefined;
  }

  async getJobs(query: GetJobsQuery): Promise<JobPage<TTask>> {
    const q = checkObject(query, '', ['state', 'limit', 'cursor'], fail);
    return (await this.records().list({
      state: q.state as GetJobsQuery['state'],
      limit: q.limit === undefined ? DEFAULT_PAGE_LIMIT : (q.limit as number),
      ...(q.cursor === undefined ? {} : { cursor: q.cursor as string }),
    })) as JobPage<TTask>;
  }

  async counts(): Promise<JobCounts> {
    return this.records().counts();
  }

  async retryJob(id: string): Promise<JobRecord<TTask>> {
    checkId(id);
    const records = this.records();
    const record = await records.get(id);
    if (record?.deadLetterOf)
      throw new QuiError(
        'ERR_JOB_STATE',
        `job ${describe(id)} is a dead-letter copy of job ${describe(record.deadLetterOf.jobId)} of queue ${describe(record.deadLetterOf.queue)}: retry it with system.queue(${describe(this.name)}).retryJob in a system that defines both queues`,
      );
    return (await records.retry(id, Date.now())) as JobRecord<TTask>;
  }

  async removeJob(id: string): Promise<boolean> {
    checkId(id);
    return this.records().remove(id);
  }

  pause(): Promise<void> {
    return this.setPaused(true);
  }

  resume(): Promise<void> {
    return this.setPaused(false);
  }

  private async setPaused(paused: boolean): Promise<void> {
    const records = this.records();
    await records.setPaused(paused);
    // Resuming wakes the parked workers of every process sharing the store.
    await records.broadcast({ type: 'queue.paused', origin: this.processId, paused });
  }

  async isPaused(): Promise<boolean> {
    return this.records().isPaused();
  }

  async cancel(id: string, reason?: string): Promise<JobRecord<TTask>> {
    checkId(id);
    if (reason !== undefined && typeof reason !== 'string')
      throw new InvalidOptionsError('reason', `must be a string, got ${describe(reason)}`);
    const records = this.records();
    const outcome = await records.cancel(id, reason, Date.now());
    if (outcome.state === 'cancelled') {
      // As the queue's own cancel does: every process hears `job.cancelled` (and its waitFor ends).
      const job = jobOfRecord(outcome.record, false);
      await broadcastQuietly(records, {
        type: 'job.event',
        origin: this.processId,
        event: 'job.cancelled',
        payload: { job, reason: outcome.record.reason },
      });
    } else {
      await records.broadcast({ type: 'job.cancel', origin: this.processId, jobId: id, reason });
    }
    return outcome.record as JobRecord<TTask>;
  }

  async waitFor(id: string, options?: WaitForOptions): Promise<JobRecord<TTask>> {
    checkId(id);
    const o = checkObject(options ?? {}, '', ['timeoutMs'], fail);
    const timeoutMs =
      o.timeoutMs === undefined ? Infinity : checkNumber(o.timeoutMs, 'timeoutMs', 0, fail, true);
    const records = this.records();
    return new Promise<JobRecord<TTask>>((resolve, reject) => {
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (error: Error | undefined, record?: JobRecord): void => {
        if (done) return;
        done = true;
        unlisten();
        if (timer !== undefined) clearTimeout(timer);
        if (error) reject(error);
        else resolve(record as JobRecord<TTask>);
      };
      const look = (): void => {
        Promise.resolve(records.get(id)).then(
          (record) => {
            if (!record)
              finish(
                new QuiError('ERR_JOB_NOT_FOUND', `queue ${describe(this.name)} has no job ${describe(id)}`),
              );
            else if (hasEnded(record)) finish(undefined, record);
          },
          (thrown: unknown) => finish(toError(thrown)),
        );
      };
      const unlisten = records.onBroadcast((message) => {
        if (
          message.type !== 'job.event' ||
          message.event === 'job.progress' ||
          message.event === 'job.failed'
        )
          return;
        const job = (message.payload as { job?: { id?: unknown } } | null)?.job;
        if (job?.id === id) look();
      });
      if (timeoutMs !== Infinity)
        timer = setTimeout(
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.store.close();
  }
}

/** A lost broadcast only delays other processes' `waitFor` until they read the record again. */
async function broadcastQuietly(records: JobRecords, message: StoreBroadcast): Promise<void> {
  try {
    await records.broadcast(message);
  } catch {
    // at most once, as every broadcast: the record itself is written
  }
}

function checkId(id: unknown): void {
  if (typeof id !== 'string' || id === '')
    throw new InvalidOptionsError('id', `must be a job id (a non-empty string), got ${describe(id)}`);
}
