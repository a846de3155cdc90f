import type { ActorRef } from '../actors/actor-ref';
import type { SystemServices } from '../actors/system-services';
import type { Clock } from '../clock';
import { QuiError, toError } from '../errors';
import { buildJob, type TaskDefaults } from '../jobs/job-options';
import type { JobRecord } from '../jobs/job-record';
import type { Logger } from '../logging';
import { type JobRecords, type ProcessInfo, type StoreBroadcast } from '../stores/job-records';
import type { JobStore } from '../stores/job-store';
import { isBuiltInMemoryStore } from '../stores/memory-store';
import { checkQueueMode } from '../stores/queue-mode';
import { describe } from '../validate';
import { retryDeadLetterCopy, type DeadLetterHost, type SourceQueue } from './dead-letter-retry';
import { JobControl, queueStoppedError, recordsOffError } from './job-control';
import { JobLedger } from './job-ledger';
import { RecordsUpkeep } from './records-upkeep';
import { fromShared, waitingRecord } from './shared-events';
import { WAKE } from './pool-messages';
import type { QueueTotals } from './queue-messages';
import type { ResolvedQueue } from './resolve-queue';
import type { AttemptHook } from '../tasks/attempt-watches';
import { adoptWatch, QUEUE_KEY, queueResources, type EnqueueTracer, type WatchedQueue } from './queue-watch';
import type { Job } from '../jobs/job';

/**
 * What a queue keeps across restarts of its actor, once per running system: its config, its
 * store (opened once, closed when the system stops, after the ledger's pending writes) and its
 * ledger, through which every store write for its jobs goes. @internal
 */
export class QueueRuntime implements WatchedQueue {
  readonly ledger: JobLedger;
  /** The queue actor's current incarnation: where wake-ups go. */
  self: ActorRef<unknown> | undefined;
  /** What watches each attempt of this queue (`createMetrics`, `createTracing`); replaced, never mutated. */
  attemptHooks: readonly AttemptHook[] = [];
  /** Set by `createTracing`: puts the enqueue's trace context on the jobs the client sends. */
  enqueueTracer: EnqueueTracer | undefined;
  private store: JobStore | undefined;
  private opening: Promise<JobStore> | undefined;
  private readonly queueHasDefaults: boolean;
  /** `waitFor` calls by job id: told when the job's record may have ended. */
  private readonly enders = new Map<string, Set<() => void>>();
  /** True when other processes may share the store (every kind but memory). */
  readonly shared: boolean;
  /** True when the store is one `memoryStore()` made (see {@link WatchedQueue.ownMemoryStore}). */
  readonly ownMemoryStore: boolean;
  /** The records upkeep, once the store is open with records. */
  private upkeep: RecordsUpkeep | undefined;
  private jobControl: JobControl | undefined;

  constructor(
    readonly config: ResolvedQueue,
    readonly services: SystemServices,
    readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.queueHasDefaults = Object.keys(config.defaults).length > 0;
    this.shared = config.store.kind !== 'memory';
    this.ownMemoryStore = isBuiltInMemoryStore(config.store);
    const deadLetter = config.deadLetter;
    this.ledger = new JobLedger({
      processId: services.processId,
      shared: this.shared,
      ended: (id) => this.ended(id),
      queue: config.name,
      events: services.events,
      clock,
      log,
      open: () => this.openStore(),
      wake: () => this.wake(),
      deadLetterName: deadLetter,
      deadLetter: () =>
        deadLetter === undefined ? undefined : findQueueRuntime(services, deadLetter)?.ledger,
      build: (task) => this.newJob(task),
    });
    // A queue started after createMetrics / createTracing (added later, or a new runtime after a
    // restart with a new config) is watched like the queues that ran then.
    adoptWatch(services, this);
  }

  get processId(): string {
    return this.services.processId;
  }

  /** Calls `fn` whenever job `id`'s record may have reached an end state; returns the unsubscribe. */
  onEnded(id: string, fn: () => void): () => void {
    let set = this.enders.get(id);
    if (!set) this.enders.set(id, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.enders.get(id) === set) this.enders.delete(id);
    };
  }

  private ended(id: string): void {
    if (this.enders.size === 0) return; // the hot path: nobody waits
    const set = this.enders.get(id);
    if (set) for (const fn of [...set]) fn();
  }

  /** `cancel` ended a job that was not running. */
  cancelledWaiting(record: JobRecord): void {
    this.ledger.cancelledWaiting(record);
  }

  /**
   * Where this system's dead-letter retries write (see `retryDeadLetterCopy`): the source queue's
   * runtime, when this system defines it. One that keeps no records gets the task as a new job.
   */
  private readonly deadLetterHost: DeadLetterHost = {
    open: (queue) => findQueueRuntime(this.services, queue)?.asSource(),
    toReach: (queue) => `this system must define queue ${describe(queue)} (with the store it uses)`,
    removed: () => this.ledger.totals.removed++,
  };

  /** This queue as the source queue of a dead-letter retry, its store open. */
  private async asSource(): Promise<SourceQueue> {
    const store = await this.openStore();
    const records = store.records;
    return {
      get: async (id) => records?.get(id),
      retry: async (id) => {
        const back = await (records as JobRecords).retry(id, this.clock.wallNow());
        this.ledger.totals.enqueued++;
        return back;
      },
      enqueue: async (task) => {
        const job = this.newJob(task);
        await this.ledger.enqueue(store, [job], this.config.maxSize);
        return (await records?.get(job.id)) ?? waitingRecord(job);
      },
      done: () => this.wake(),
    };
  }

  /** A new job of this queue for `task`, with its defaults (a dead-letter copy, a retried copy's task). */
  private newJob(task: unknown): Job {
    return buildJob(this.config.job, task, undefined, this.defaultsFor(task), this.clock.wallNow());
  }

  /** What another process (or this one) says on the store. */
  private heard(message: StoreBroadcast): void {
    switch (message.type) {
      case 'job.event': {
        if (message.origin === this.processId) return; // emitted here already
        if (message.event === 'job.dequeued') return this.ended(dequeuedId(message.payload));
        const local = fromShared(message.event, message.payload, message.origin);
        if (!local) return;
        this.services.events.emit(local.type, local.event);
        const id = local.event.job?.id;
        if (id !== undefined && local.type !== 'job.progress' && local.type !== 'job.failed') this.ended(id);
        return;
      }
      case 'job.cancel':
        return this.ledger.running.abort(message.jobId, message.reason);
      case 'queue.paused':
        if (!message.paused) this.wake();
        return;
    }
  }

  /** The counters `stats()` shows. */
  get totals(): QueueTotals {
    return this.ledger.totals;
  }

  /** This process as its heartbeat would show it, once the store is open with records. */
  localProcess(): ProcessInfo | undefined {
    return this.upkeep?.self();
  }

  /** The client's records calls (`getJob`, `waitFor`…) on this queue, made on first use. */
  control(): JobControl {
    return (this.jobControl ??= new JobControl({
      name: this.config.name,
      processId: this.processId,
      clock: this.clock,
      shared: this.shared,
      records: async () => {
        if (this.config.retain === false) throw recordsOffError(this.config.name);
        const store = await this.openStore();
        if (!store.records)
          throw new QuiError(
            'ERR_RECORDS_OFF',
            `the ${this.config.store.kind} store of queue ${describe(this.config.name)} keeps no job records`,
          );
        return store.records;
      },
      retryDeadLetter: (record, records) => retryDeadLetterCopy(record, records, this.deadLetterHost),
      retried: () => {
        this.ledger.totals.enqueued++; // stored again: a new life for the books
        this.wake();
      },
      removed: () => this.ledger.totals.removed++,
      resumed: () => this.wake(),
      cancelledWaiting: (record) => this.cancelledWaiting(record),
      onEnded: (id, look) => this.onEnded(id, look),
      // On a store no other process shares (memory) no heartbeat is written: this process alone.
      processes: async (records) => {
        if (this.shared) return records.processes(this.clock.wallNow());
        const self = this.localProcess();
        return self ? [self] : [];
      },
    }));
  }

  /** Jobs may be due: the live queue incarnation serves its parked polls. */
  wake(): void {
    const self = this.self;
    if (self?.alive) self.send(WAKE);
  }

  /** Task defaults under queue defaults, looked up per job (enqueueMany calls it per item). */
  readonly defaultsFor = (task: unknown): TaskDefaults | undefined => {
    const own = this.config.registry?.defaultsFor(task);
    if (!own) return this.config.defaults;
    return this.queueHasDefaults ? { ...this.config.defaults, ...own } : own;
  };

  /** The store, created on first use; a later incarnation of the queue gets the same one. */
  async openStore(): Promise<JobStore> {
    if (this.store) return this.store;
    this.opening ??= (async () => {
      const ledger = this.ledger;
      const retention = this.config.retain;
      const store = await this.config.store.create({
        queue: this.config.name,
        priorities: this.config.job.priorities,
        onUndecodable: (entry) => ledger.undecodable(entry),
        ...(retention === false ? {} : { records: { processId: this.processId, retention } }),
      });
      // Every process on a shared store must run the queue in one mode: the first start sets it.
      try {
        const mode = { retain: retention !== false };
        checkQueueMode(this.config.name, await store.queueMode?.(mode), mode);
      } catch (error) {
        await store.close();
        throw error;
      }
      const records = store.records;
      let upkeep: RecordsUpkeep | undefined;
      let unlisten: (() => void) | undefined;
      // Stores close newest first; each waits (bounded) for the writes its ledger still has in flight.
      this.services.onClose(async () => {
        unlisten?.();
        await ledger.settled();
        await upkeep?.stop();
        this.upkeep = undefined;
        // The waits the last writes did not end, end ERR_STOPPED now: nothing reads the store closed.
        this.jobControl?.close(queueStoppedError(this.config.name));
        await store.close();
      });
      store.onAvailable?.(() => this.wake());
      if (records) {
        ledger.records = records;
        unlisten = records.onBroadcast((message) => {
          try {
            this.heard(message);
          } catch (thrown) {
            this.log.warn({ err: toError(thrown) }, 'a store broadcast could not be handled');
          }
        });
        // Open only once other processes' broadcasts reach us: else the ends of jobs enqueued
        // right after the start (run and ended elsewhere before our SUBSCRIBE) are never heard.
        await records.listening?.();
        upkeep = new RecordsUpkeep({
          records,
          ledger,
          clock: this.clock,
          log: this.log,
          processId: this.processId,
          heartbeatMs: this.config.heartbeatMs,
          shared: this.shared,
          requeueLost: this.config.onLost === 'retry',
          workers: this.config.workers?.count ?? 0,
        });
        await upkeep.start();
        this.upkeep = upkeep;
      }
      ledger.store = store;
      this.store = store;
      return store;
    })();
    try {
      return await this.opening;
    } catch (error) {
      this.opening = undefined; // a later incarnation tries again
      throw error;
    }
  }
}

/** The job id of a `job.dequeued` broadcast (`''`, which no job has, for a malformed one). */
function dequeuedId(payload: unknown): string {
  const id = (payload as { job?: { id?: unknown } } | null)?.job?.id;
  return typeof id === 'string' ? id : '';
}

/** The runtime of queue `config.name` in `services`, made on first use. @internal */
export function queueRuntime(
  services: SystemServices,
  config: ResolvedQueue,
  clock: Clock,
  log: Logger,
): QueueRuntime {
  const key = `${QUEUE_KEY}${config.name}`;
  let rt = services.resources.get(key) as QueueRuntime | undefined;
  if (!rt || rt.config !== config) {
    rt = new QueueRuntime(config, services, clock, log);
    services.resources.set(key, rt);
  }
  return rt;
}

/** The runtime of a running queue by name, if one is defined in this system. @internal */
export function findQueueRuntime(services: SystemServices, name: string): QueueRuntime | undefined {
  return services.resources.get(`${QUEUE_KEY}${name}`) as QueueRuntime | undefined;
}

/** Every queue runtime defined in this system (for metrics and tracing). @internal */
export function queueRuntimes(services: Pick<SystemServices, 'resources'>): QueueRuntime[] {
  return queueResources(services).filter((value): value is QueueRuntime => value instanceof QueueRuntime);
}
