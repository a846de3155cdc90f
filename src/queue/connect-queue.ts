import { randomUUID } from 'node:crypto';
import { systemClock } from '../clock';
import { InvalidOptionsError, QuiError } from '../errors';
import type { Job } from '../jobs/job';
import { buildJob, type JobOptions, type JobQueueConfig, type TaskDefaults } from '../jobs/job-options';
import type { JobRecord } from '../jobs/job-record';
import { resolveRetention, type ResolvedRetention, type RetentionOptions } from '../jobs/job-retention';
import type { QuiEventBus } from '../events';
import type { JobRecords, ProcessInfo, StoreBroadcast } from '../stores/job-records';
import type { JobStore, JobStoreFactory } from '../stores/job-store';
import type { QueueMode } from '../stores/queue-mode';
import { checkObject, checkString, describe, type Fail } from '../validate';
import { queueOfSpec, type QueueSpec } from './define-queue';
import {
  JobControl,
  type GetJobsQuery,
  type JobCounts,
  type JobPage,
  type WaitForOptions,
} from './job-control';
import { eventBroadcast, fromShared, jobOfRecord, waitingRecord } from './shared-events';
import { retryDeadLetterCopy, type SourceQueue } from './dead-letter-retry';
import { ZERO_TOTALS, type QueueStats } from './queue-messages';

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
  /**
   * As `QueueClient.stats`, as the store holds the queue: waiting per priority and delayed. A
   * connection runs nothing and keeps no books: `parkedPolls` and every `totals` field are 0
   * (the shared totals are `counts()`).
   */
  stats(): Promise<QueueStats>;
  /** As `QueueClient.processes`: the processes whose lease on the queue's store is running. */
  processes(): Promise<readonly ProcessInfo[]>;
  /**
   * Emits on `bus` the lifecycle events other processes broadcast on the store (`job.completed`,
   * `job.failed`, …, with `origin`), until the returned function is called. @internal
   */
  relayEvents(bus: QuiEventBus): () => void;
  /** As `QueueClient.getJob`. */
  getJob(id: string): Promise<JobRecord<TTask> | undefined>;
  /** As `QueueClient.getJobs`. */
  getJobs(query: GetJobsQuery): Promise<JobPage<TTask>>;
  /** As `QueueClient.counts`. */
  counts(): Promise<JobCounts>;
  /**
   * A `dead` or `lost` job back to `waiting`. A dead-letter copy goes back into its source queue
   * instead (through a connection to it, opened for the call), and the copy is removed: its
   * source must be among `connectQueue`'s `sources`.
   * @throws {QuiError} `ERR_JOB_NOT_FOUND`; `ERR_JOB_STATE`; `ERR_QUEUE_NOT_FOUND` for a copy whose
   * source queue this connection was not given (nothing changed).
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
  /** As `QueueClient.waitFor`, woken by the store's broadcasts; `ERR_STOPPED` if the connection closes first. */
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

/** What `connectQueue` takes besides the queue. */
export interface ConnectOptions {
  /**
   * For a dead-letter queue: its source queues (their specs, or name, store and priorities), so
   * that `retryJob` of a dead-letter copy puts its job back into its source queue, as a system
   * that defines both does. Without its source here, such a retry is `ERR_QUEUE_NOT_FOUND`.
   * @defaultValue []
   */
  readonly sources?: readonly (QueueSpec | ConnectQueueOptions)[];
}

function sourcesOf(options: ConnectOptions | undefined): Map<string, QueueSpec | ConnectQueueOptions> {
  const o = checkObject(options ?? {}, '', ['sources'], fail);
  const list = (o.sources ?? []) as unknown;
  if (!Array.isArray(list))
    throw fail('sources', `must be an array of queue specs or options, got ${describe(list)}`);
  const out = new Map<string, QueueSpec | ConnectQueueOptions>();
  list.forEach((from: QueueSpec | ConnectQueueOptions, i) => {
    let name: string;
    try {
      name = targetOf(from).job.name;
    } catch (error) {
      if (error instanceof InvalidOptionsError)
        throw fail(`sources[${i}]${error.path ? `.${error.path}` : ''}`, error.problem);
      throw error;
    }
    out.set(name, from);
  });
  return out;
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
  options?: ConnectOptions,
): Promise<QueueConnection<TTask>> {
  const target = targetOf(from);
  const sources = sourcesOf(options);
  const name = target.job.name;
  const processId = `connection-${randomUUID()}`;
  const store: JobStore = await target.store.create({
    queue: name,
    priorities: target.job.priorities,
    records: { processId, retention: target.retain },
  });
  let problem: string | undefined;
  if (!store.records)
    problem = `the ${target.store.kind} store of queue ${describe(name)} keeps no job records`;
  else {
    // The processes running the queue set its mode on their first start: a connection only reads it.
    let mode: QueueMode | undefined;
    try {
      mode = await store.queueMode?.(undefined); // SQLite's may throw at once, not reject
    } catch (error) {
      await store.close();
      throw error;
    }
    if (mode?.retain === false)
      problem = `queue ${describe(name)} runs with retain: false (its store says so): it keeps no job records to read`;
  }
  if (problem !== undefined) {
    await store.close();
    throw new QuiError('ERR_RECORDS_OFF', problem);
  }
  return new Connection<TTask>(name, processId, target, store, store.records as JobRecords, sources);
}

class Connection<TTask> implements QueueConnection<TTask> {
  private closed = false;
  /** The records calls, as a queue's own client makes them (see `JobControl`). */
  private readonly control: JobControl;

  constructor(
    readonly name: string,
    processId: string,
    private readonly target: Target,
    private readonly store: JobStore,
    private readonly recs: JobRecords,
    sources: ReadonlyMap<string, QueueSpec | ConnectQueueOptions>,
  ) {
    const records = (): JobRecords => {
      if (this.closed) throw closedError(name);
      return recs;
    };
    const none = (): void => undefined;
    this.control = new JobControl({
      name,
      processId,
      clock: systemClock,
      shared: true, // a connection is another process: its jobs end elsewhere
      records: () => Promise.resolve().then(records),
      retryDeadLetter: (record, r) =>
        retryDeadLetterCopy(record, r, {
          // A source queue run with retain: false is refused here (connectQueue: ERR_RECORDS_OFF).
          open: (queue) => {
            const source = sources.get(queue);
            return source && connectQueue(source).then(asSource);
          },
          toReach: (queue) =>
            `connect with connectQueue(${describe(name)} queue, { sources: [queue ${describe(queue)}'s spec or options] })`,
          removed: none,
        }),
      // No workers, no books here: the processes running the queue keep those.
      retried: none,
      removed: none,
      resumed: none,
      // As the queue's own cancel does: every process hears `job.cancelled` (and its waitFor ends).
      cancelledWaiting: (record) =>
        broadcastQuietly(
          recs,
          eventBroadcast(processId, 'job.cancelled', {
            job: jobOfRecord(record, false),
            reason: record.reason,
          }),
        ),
      // A job's end reaches a connection only as another process's broadcast.
      onEnded: (id, look) =>
        recs.onBroadcast((message) => {
          if (
            message.type !== 'job.event' ||
            message.event === 'job.progress' ||
            message.event === 'job.failed'
          )
            return;
          const job = (message.payload as { job?: { id?: unknown } } | null)?.job;
          if (job?.id === id) look();
        }),
      processes: async (r) => r.processes(systemClock.wallNow()),
    });
  }

  async enqueue(task: TTask, options?: JobOptions): Promise<Job<TTask>> {
    this.checkOpen();
    const now = systemClock.wallNow();
    const job = buildJob(this.target.job, task, options, this.target.defaultsFor(task), now);
    await this.store.add(job, now, this.target.maxSize);
    return job as Job<TTask>;
  }

  async size(): Promise<number> {
    this.checkOpen();
    return this.store.size();
  }

  async stats(): Promise<QueueStats> {
    this.checkOpen();
    const counts = await this.store.counts(systemClock.wallNow());
    return { name: this.name, ...counts, parkedPolls: 0, totals: ZERO_TOTALS };
  }

  processes(): Promise<readonly ProcessInfo[]> {
    return this.control.processes();
  }

  relayEvents(bus: QuiEventBus): () => void {
    return this.recs.onBroadcast((message) => {
      if (message.type !== 'job.event') return;
      const local = fromShared(message.event, message.payload, message.origin);
      if (local) bus.emit(local.type, local.event);
    });
  }

  getJob(id: string): Promise<JobRecord<TTask> | undefined> {
    return this.control.getJob(id) as Promise<JobRecord<TTask> | undefined>;
  }

  getJobs(query: GetJobsQuery): Promise<JobPage<TTask>> {
    return this.control.getJobs(query) as Promise<JobPage<TTask>>;
  }

  counts(): Promise<JobCounts> {
    return this.control.counts();
  }

  retryJob(id: string): Promise<JobRecord<TTask>> {
    return this.control.retryJob(id) as Promise<JobRecord<TTask>>;
  }

  removeJob(id: string): Promise<boolean> {
    return this.control.removeJob(id);
  }

  pause(): Promise<void> {
    return this.control.pause();
  }

  resume(): Promise<void> {
    return this.control.resume();
  }

  isPaused(): Promise<boolean> {
    return this.control.isPaused();
  }

  cancel(id: string, reason?: string): Promise<JobRecord<TTask>> {
    return this.control.cancel(id, reason) as Promise<JobRecord<TTask>>;
  }

  waitFor(id: string, options?: WaitForOptions): Promise<JobRecord<TTask>> {
    return this.control.waitFor(id, options) as Promise<JobRecord<TTask>>;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.control.close(closedError(this.name)); // pending waits end now: none reads the closed store
    await this.store.close();
  }

  private checkOpen(): void {
    if (this.closed) throw closedError(this.name);
  }
}

/** The error of every call on a connection after its `close()`, and of its pending `waitFor`s. */
function closedError(queue: string): QuiError {
  return new QuiError('ERR_STOPPED', `the connection to queue ${describe(queue)} is closed`);
}

/** A lost broadcast only delays other processes' `waitFor` until they read the record again. */
async function broadcastQuietly(records: JobRecords, message: StoreBroadcast): Promise<void> {
  try {
    await records.broadcast(message);
  } catch {
    // at most once, as every broadcast: the record itself is written
  }
}

/** A connection to a dead-letter copy's source queue, as `retryDeadLetterCopy` writes into it. */
function asSource(connection: QueueConnection): SourceQueue {
  return {
    get: (id) => connection.getJob(id),
    retry: (id) => connection.retryJob(id),
    enqueue: async (task) => {
      const job = await connection.enqueue(task);
      return (await connection.getJob(job.id)) ?? waitingRecord(job);
    },
    done: () => connection.close(),
  };
}
