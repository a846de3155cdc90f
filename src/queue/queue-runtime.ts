import type { ActorRef } from '../actors/actor-ref';
import type { SystemServices } from '../actors/system-services';
import type { Clock } from '../clock';
import { buildJob, type TaskDefaults } from '../jobs/job-options';
import type { Logger } from '../logging';
import type { JobStore } from '../stores/job-store';
import { JobLedger } from './job-ledger';
import { WAKE } from './pool-messages';
import type { QueueTotals } from './queue-messages';
import type { ResolvedQueue } from './resolve-queue';
import type { AttemptHook } from '../tasks/run-attempt';
import type { Job } from '../jobs/job';

/** Opens the producer span of an enqueue (`createTracing` implements it). @internal */
export interface EnqueueTracer {
  /** Starts a `send <queue>` span in the caller's active context, for `count` jobs. */
  send(queue: string, count: number): EnqueueSpan;
}

/** An enqueue's producer span. @internal */
export interface EnqueueSpan {
  /** The span's context as a W3C carrier, stored on each job as `job.trace` (none when no propagator writes one). */
  readonly carrier: Readonly<Record<string, string>> | undefined;
  /** Ends the span with the stored jobs, or with the error the enqueue failed with. */
  end(jobs: readonly Job[] | undefined, error?: unknown): void;
}

/**
 * What a queue keeps across restarts of its actor, once per running system: its config, its
 * store (opened once, closed when the system stops, after the ledger's pending writes) and its
 * ledger, through which every store write for its jobs goes. @internal
 */
export class QueueRuntime {
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

  constructor(
    readonly config: ResolvedQueue,
    readonly services: SystemServices,
    clock: Clock,
    log: Logger,
  ) {
    this.queueHasDefaults = Object.keys(config.defaults).length > 0;
    const deadLetter = config.deadLetter;
    this.ledger = new JobLedger({
      queue: config.name,
      events: services.events,
      clock,
      log,
      open: () => this.openStore(),
      wake: () => this.wake(),
      deadLetterName: deadLetter,
      deadLetter: () =>
        deadLetter === undefined ? undefined : findQueueRuntime(services, deadLetter)?.ledger,
      build: (task) => buildJob(config.job, task, undefined, this.defaultsFor(task), clock.wallNow()),
    });
  }

  /** The counters `stats()` shows. */
  get totals(): QueueTotals {
    return this.ledger.totals;
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

  /** Adds an attempt hook; returns a function that removes it. */
  addAttemptHook(hook: AttemptHook): () => void {
    this.attemptHooks = [...this.attemptHooks, hook];
    return () => {
      this.attemptHooks = this.attemptHooks.filter((h) => h !== hook);
    };
  }

  /** The store, created on first use; a later incarnation of the queue gets the same one. */
  async openStore(): Promise<JobStore> {
    if (this.store) return this.store;
    this.opening ??= (async () => {
      const ledger = this.ledger;
      const store = await this.config.store.create({
        queue: this.config.name,
        priorities: this.config.job.priorities,
        onUndecodable: (entry) => ledger.undecodable(entry),
      });
      // Stores close newest first; each waits (bounded) for the writes its ledger still has in flight.
      this.services.onClose(async () => {
        await ledger.settled();
        await store.close();
      });
      store.onAvailable?.(() => this.wake());
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

/** The runtime of queue `config.name` in `services`, made on first use. @internal */
export function queueRuntime(
  services: SystemServices,
  config: ResolvedQueue,
  clock: Clock,
  log: Logger,
): QueueRuntime {
  const key = `queue:${config.name}`;
  let rt = services.resources.get(key) as QueueRuntime | undefined;
  if (!rt || rt.config !== config) {
    rt = new QueueRuntime(config, services, clock, log);
    services.resources.set(key, rt);
  }
  return rt;
}

/** The runtime of a running queue by name, if one is defined in this system. @internal */
export function findQueueRuntime(services: SystemServices, name: string): QueueRuntime | undefined {
  return services.resources.get(`queue:${name}`) as QueueRuntime | undefined;
}

/** Every queue runtime defined in this system (for metrics and tracing). @internal */
export function queueRuntimes(services: SystemServices): QueueRuntime[] {
  const out: QueueRuntime[] = [];
  for (const [key, value] of services.resources) {
    if (key.startsWith('queue:') && value instanceof QueueRuntime) out.push(value);
  }
  return out;
}
