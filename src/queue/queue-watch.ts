import type { SystemServices } from '../actors/system-services';
import type { Job } from '../jobs/job';
import type { AttemptHook } from '../tasks/attempt-watches';

// What watches every queue of a system (`createMetrics`, `createTracing`): kept in the system's
// resources so that a queue started later, or a new runtime after a restart with a new config,
// is watched like the queues running when the watch began.

/**
 * The key prefix of a queue's runtime in the system's resources (`queue:<name>`): reserved for
 * queue runtimes, which only `queueRuntime` stores. @internal
 */
export const QUEUE_KEY = 'queue:';
const WATCH_KEY = 'queue-watch';

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

/** Told of each batch of jobs a queue stored. @internal */
export type EnqueueWatcher = (jobs: readonly Job[]) => void;

/**
 * Told, as a watch of enqueues begins on queue `queue` (running then, or started later), whether
 * it sees every job that queue's store will hold (`whole`): the store is one `memoryStore()` made
 * (new with its runtime, this process's alone, answering synchronously, so each batch is watched
 * before a worker can take from it) and nothing was stored in it before. Jobs a queue stores
 * again (retries, returns, `retryJob`) were watched when first stored there. This is stronger
 * than not `shared` (kind `'memory'`), which a custom store may claim while sharing its jobs
 * between systems or storing them asynchronously. @internal
 */
export type EnqueueWatchBegun = (queue: string, whole: boolean) => void;

/**
 * What a watch sets on a queue's runtime: every list is replaced, never mutated, so a worker
 * or the ledger compares it by identity. @internal
 */
export interface WatchedQueue {
  readonly config: { readonly name: string };
  /**
   * True when the store is one `memoryStore()` made: new with this runtime, this process's alone,
   * answering synchronously (not merely a store of kind `'memory'`).
   */
  readonly ownMemoryStore: boolean;
  attemptHooks: readonly AttemptHook[];
  enqueueTracer: EnqueueTracer | undefined;
  readonly ledger: {
    enqueueWatchers: readonly EnqueueWatcher[];
    readonly totals: { readonly enqueued: number };
  };
}

interface QueueWatch {
  hooks: readonly AttemptHook[];
  tracer: EnqueueTracer | undefined;
  enqueued: readonly EnqueueWatcher[];
  /** What each enqueue watcher is told as it begins on a queue. */
  readonly begun: Map<EnqueueWatcher, EnqueueWatchBegun>;
}

function queueWatch(services: SystemServices): QueueWatch {
  let watch = services.resources.get(WATCH_KEY) as QueueWatch | undefined;
  if (!watch)
    services.resources.set(
      WATCH_KEY,
      (watch = { hooks: [], tracer: undefined, enqueued: [], begun: new Map() }),
    );
  return watch;
}

/** Whether a watch of enqueues beginning on `queue` now sees every job its store will hold. */
function seesWhole(queue: WatchedQueue): boolean {
  return queue.ownMemoryStore && queue.ledger.totals.enqueued === 0;
}

/** What the system's resources hold under {@link QUEUE_KEY}: its queue runtimes, in start order. @internal */
export function queueResources(services: Pick<SystemServices, 'resources'>): unknown[] {
  const out: unknown[] = [];
  for (const [key, value] of services.resources) if (key.startsWith(QUEUE_KEY)) out.push(value);
  return out;
}

/** The queue runtimes of the system, as the watches see them (the queue resources that have a ledger). */
function watchedQueues(services: SystemServices): WatchedQueue[] {
  return queueResources(services).filter(
    (value): value is WatchedQueue => typeof value === 'object' && value !== null && 'ledger' in value,
  );
}

/** Gives a new queue runtime what the system's watches set on every queue. @internal */
export function adoptWatch(services: SystemServices, queue: WatchedQueue): void {
  const watch = services.resources.get(WATCH_KEY) as QueueWatch | undefined;
  if (!watch) return;
  queue.attemptHooks = [...watch.hooks];
  queue.enqueueTracer = watch.tracer;
  queue.ledger.enqueueWatchers = [...watch.enqueued];
  for (const watcher of watch.enqueued) watch.begun.get(watcher)?.(queue.config.name, seesWhole(queue));
}

/**
 * Adds `hook` to every queue of the system, those running now and those started later
 * (`createMetrics`, `createTracing`); returns a function that removes it from all of them. @internal
 */
export function watchAttempts(services: SystemServices, hook: AttemptHook): () => void {
  const watch = queueWatch(services);
  watch.hooks = [...watch.hooks, hook];
  for (const q of watchedQueues(services)) q.attemptHooks = [...q.attemptHooks, hook];
  return () => {
    watch.hooks = watch.hooks.filter((h) => h !== hook);
    for (const q of watchedQueues(services)) q.attemptHooks = q.attemptHooks.filter((h) => h !== hook);
  };
}

/**
 * Calls `watcher` with every batch of jobs any queue stores, now and started later, and `begun`
 * (if given) as the watch begins on each queue; returns the undo. @internal
 */
export function watchEnqueued(
  services: SystemServices,
  watcher: EnqueueWatcher,
  begun?: EnqueueWatchBegun,
): () => void {
  const watch = queueWatch(services);
  watch.enqueued = [...watch.enqueued, watcher];
  if (begun) watch.begun.set(watcher, begun);
  for (const q of watchedQueues(services)) {
    q.ledger.enqueueWatchers = [...q.ledger.enqueueWatchers, watcher];
    begun?.(q.config.name, seesWhole(q));
  }
  return () => {
    watch.enqueued = watch.enqueued.filter((w) => w !== watcher);
    watch.begun.delete(watcher);
    for (const q of watchedQueues(services))
      q.ledger.enqueueWatchers = q.ledger.enqueueWatchers.filter((w) => w !== watcher);
  };
}

/** Sets the enqueue tracer of every queue, now and started later; returns the undo. @internal */
export function watchEnqueues(services: SystemServices, tracer: EnqueueTracer): () => void {
  const watch = queueWatch(services);
  watch.tracer = tracer;
  for (const q of watchedQueues(services)) q.enqueueTracer = tracer;
  return () => {
    if (watch.tracer === tracer) watch.tracer = undefined;
    for (const q of watchedQueues(services)) if (q.enqueueTracer === tracer) q.enqueueTracer = undefined;
  };
}
