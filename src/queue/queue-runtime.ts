import type { ActorRef } from '../actors/actor-ref';
import type { SystemServices } from '../actors/system-services';
import type { QueueMessage, QueueTotals } from './queue-messages';
import type { JobStore } from '../stores/job-store';
import type { ResolvedQueue } from './resolve-queue';
import type { AttemptHook } from '../tasks/run-attempt';
import type { Job } from '../jobs/job';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const WAKE: QueueMessage = Object.freeze({ type: 'queue.wake' });

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
 * store (opened once, closed when the system stops) and its counters. @internal
 */
export class QueueRuntime {
  readonly totals: Mutable<QueueTotals> = {
    enqueued: 0,
    handedOut: 0,
    completed: 0,
    failed: 0,
    retried: 0,
    dead: 0,
    lost: 0,
  };
  /** What watches each attempt of this queue (`createMetrics`, `createTracing`); replaced, never mutated. */
  attemptHooks: readonly AttemptHook[] = [];
  /** Set by `createTracing`: puts the enqueue's trace context on the jobs the client sends. */
  enqueueTracer: EnqueueTracer | undefined;
  /** The queue actor's current incarnation: where store wake-ups go. */
  self: ActorRef<QueueMessage> | undefined;
  private store: JobStore | undefined;
  private opening: Promise<JobStore> | undefined;

  constructor(
    readonly config: ResolvedQueue,
    readonly services: SystemServices,
  ) {}

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
      const store = await this.config.store.create({
        queue: this.config.name,
        priorities: this.config.job.priorities,
      });
      this.services.onClose(() => store.close());
      store.onAvailable?.(() => {
        if (this.self?.alive) this.self.send(WAKE);
      });
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

/** The runtime of queue `config.name` in `core`, made on first use. @internal */
export function queueRuntime(services: SystemServices, config: ResolvedQueue): QueueRuntime {
  const key = `queue:${config.name}`;
  let rt = services.resources.get(key) as QueueRuntime | undefined;
  if (!rt || rt.config !== config) {
    rt = new QueueRuntime(config, services);
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
