import type { ActorRef } from '../actors/actor-ref';
import type { SystemServices } from '../actors/system-services';
import type { QueueMessage, QueueTotals } from './queue-messages';
import type { JobStore } from '../stores/job-store';
import type { ResolvedQueue } from './resolve-queue';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const WAKE: QueueMessage = Object.freeze({ type: 'queue.wake' });

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
  /** The queue actor's current incarnation: where store wake-ups go. */
  self: ActorRef<QueueMessage> | undefined;
  private store: JobStore | undefined;
  private opening: Promise<JobStore> | undefined;

  constructor(
    readonly config: ResolvedQueue,
    readonly services: SystemServices,
  ) {}

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
