import Denque from 'denque';
import type { Job } from '../jobs/job';
import type { JobRecords } from './job-records';
import {
  exceedsLimit,
  priorityLanes,
  queueFullError,
  storeClosedError,
  unknownPriorityError,
  type JobStore,
  type JobStoreFactory,
  type StoreConfig,
  type StoreCounts,
} from './job-store';
import { HEAP, LANE, type StoredAt } from './memory-record-entry';
import { MemoryJobRecords } from './memory-records';
import { MinHeap } from './min-heap';

/**
 * The in-memory store: one `denque` FIFO per priority for due jobs, and a binary min-heap keyed
 * by `(runAtMs, insertion sequence)` for delayed ones. Every method answers synchronously, so
 * the queue actor can hand out a job in the same turn as the poll that asked for it.
 *
 * `take` is O(1) amortized whatever the queue's length (plus O(log d) per delayed job it
 * promotes). Jobs are kept by reference, never copied and never put in immer drafts.
 * Made by `memoryStore().create`; its constructor is not public.
 */
export class MemoryJobStore implements JobStore {
  private readonly lanes: Denque<Job>[];
  private readonly delayed = new MinHeap<Job>();
  /** Insertion sequence: breaks ties between delayed jobs due at the same ms. */
  private seq = 0;
  /** Live due jobs (lanes may also hold dropped ones, counted in `laneDropped`). */
  private due = 0;
  /** Per lane, jobs still in it that records dropped (cancelled, removed): skipped when reached. */
  private readonly laneDropped: number[];
  /** Delayed jobs still in the heap that records dropped. */
  private heapDropped = 0;
  private closed = false;
  /** The records, typed as the memory store's own (its store-side hooks are internal). */
  private readonly book: MemoryJobRecords | undefined;

  /** The job records, when the queue keeps them (`StoreConfig.records`). */
  get records(): JobRecords | undefined {
    return this.book;
  }

  /** @internal */
  constructor(
    private readonly queue: string,
    private readonly laneOf: ReadonlyMap<string, number>,
    config?: StoreConfig,
  ) {
    this.lanes = Array.from(laneOf.keys(), () => new Denque<Job>());
    this.laneDropped = this.lanes.map(() => 0);
    this.book =
      config?.records === undefined
        ? undefined
        : new MemoryJobRecords(config.queue, config.records, {
            store: (job, nowMs) => this.insert(this.lane(job), job, nowMs),
            discard: (job, where) => this.discard(job, where),
          });
  }

  add(job: Job, nowMs: number, limit?: number): void {
    const lane = this.lane(job);
    this.checkLimit(1, limit);
    const where = this.insert(lane, job, nowMs);
    if (this.book !== undefined) this.book.added(job, where);
  }

  addMany(jobs: readonly Job[], nowMs: number, limit?: number): void {
    // Check every job, and the limit, before storing any: all or none.
    const lanes = jobs.map((job) => this.lane(job));
    if (jobs.length > 0) this.checkLimit(jobs.length, limit);
    const records = this.book;
    for (let i = 0; i < jobs.length; i++) {
      const where = this.insert(lanes[i] as Denque<Job>, jobs[i] as Job, nowMs);
      if (records !== undefined) records.added(jobs[i] as Job, where);
    }
  }

  take(nowMs: number): Job | undefined {
    if (this.closed) throw storeClosedError('memory');
    const records = this.book;
    if (records !== undefined && records.paused) return undefined;
    this.promote(nowMs);
    if (this.due === 0) return undefined;
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[i] as Denque<Job>;
      while (lane.length > 0) {
        const job = lane.shift() as Job;
        // With records, a job cancelled or removed while it waited is skipped here, O(1).
        if (records !== undefined && !records.taken(job, nowMs)) {
          this.laneDropped[i] = (this.laneDropped[i] as number) - 1;
          continue;
        }
        this.due--;
        return job;
      }
    }
    return undefined;
  }

  takeMany(n: number, nowMs: number): Job[] {
    if (this.closed) throw storeClosedError('memory');
    const out: Job[] = [];
    while (out.length < n) {
      const job = this.take(nowMs);
      if (job === undefined) break;
      out.push(job);
    }
    return out;
  }

  nextDueAtMs(): number | undefined {
    return this.delayed.peekKey();
  }

  counts(nowMs: number): StoreCounts {
    const waiting: Record<string, number> = {};
    const names = [...this.laneOf.keys()];
    names.forEach(
      (name, i) => (waiting[name] = (this.lanes[i] as Denque<Job>).length - (this.laneDropped[i] as number)),
    );
    let delayed = 0;
    const records = this.book;
    // Counting must not promote (that would reorder against later adds): count due ones in place.
    this.delayed.forEach((job, runAtMs) => {
      if (records !== undefined && !records.holds(job, HEAP)) return;
      if (runAtMs <= nowMs) waiting[job.priority] = (waiting[job.priority] ?? 0) + 1;
      else delayed++;
    });
    return { waiting, delayed };
  }

  size(): number {
    return this.due + this.delayed.size - this.heapDropped;
  }

  close(): void {
    this.closed = true;
    for (const lane of this.lanes) lane.clear();
    this.delayed.clear();
    this.due = 0;
    this.laneDropped.fill(0);
    this.heapDropped = 0;
    this.book?.clear();
  }

  private checkLimit(adding: number, limit: number | undefined): void {
    const held = this.size();
    if (exceedsLimit(held, adding, limit)) throw queueFullError(this.queue, held, limit as number, adding);
  }

  private lane(job: Job): Denque<Job> {
    if (this.closed) throw storeClosedError('memory');
    const index = this.laneOf.get(job.priority);
    if (index === undefined) throw unknownPriorityError(job, this.laneOf);
    return this.lanes[index] as Denque<Job>;
  }

  private insert(lane: Denque<Job>, job: Job, nowMs: number): StoredAt {
    const seq = this.seq++;
    if (job.runAtMs !== undefined && job.runAtMs > nowMs) {
      this.delayed.push(job.runAtMs, seq, job);
      return HEAP;
    }
    lane.push(job);
    this.due++;
    return LANE;
  }

  /** A job records dropped stays where it is, uncounted, until a take or a promotion reaches it. */
  private discard(job: Job, where: StoredAt): void {
    if (where === HEAP) {
      this.heapDropped++;
      return;
    }
    const i = this.laneOf.get(job.priority) as number;
    this.laneDropped[i] = (this.laneDropped[i] as number) + 1;
    this.due--;
  }

  /** Moves every delayed job due by `nowMs` to the tail of its priority, earliest first. */
  private promote(nowMs: number): void {
    const heap = this.delayed;
    const records = this.book;
    let next = heap.peekKey();
    while (next !== undefined && next <= nowMs) {
      const job = heap.pop() as Job;
      next = heap.peekKey();
      if (records !== undefined && !records.promoted(job)) {
        this.heapDropped--;
        continue;
      }
      (this.lanes[this.laneOf.get(job.priority) as number] as Denque<Job>).push(job);
      this.due++;
    }
  }
}

/** A {@link JobStoreFactory} whose stores answer synchronously. */
export interface MemoryStoreFactory extends JobStoreFactory {
  readonly kind: 'memory';
  readonly serializes: false;
  create(config: StoreConfig): MemoryJobStore;
}

/**
 * The default store: jobs live in this process's memory and are gone when it stops.
 * Answers synchronously; keeps function backoffs as they are (`serializes: false`). Nothing is
 * encoded, so nothing can fail to decode: `onUndecodable` is never called.
 * @returns a factory that makes one fresh, empty store per queue.
 * @throws {InvalidOptionsError} from `create` when the queue's name or priorities are malformed.
 * @example
 * const store = memoryStore().create({ queue: 'emails', priorities: ['high', 'low'] });
 * store.add(job, Date.now());
 * const next = store.take(Date.now());
 */
export function memoryStore(): MemoryStoreFactory {
  const factory: MemoryStoreFactory = Object.freeze({
    kind: 'memory' as const,
    serializes: false as const,
    create: (config: StoreConfig) => new MemoryJobStore(config.queue, priorityLanes(config), config),
  });
  builtInFactories.add(factory);
  return factory;
}

/** The factories `memoryStore()` made. */
const builtInFactories = new WeakSet<object>();

/**
 * Whether `factory` is one `memoryStore()` made: each store it creates is new, this process's
 * alone, and answers synchronously. A factory that only calls itself `'memory'` may be none of
 * these. @internal
 */
export function isBuiltInMemoryStore(factory: unknown): boolean {
  return typeof factory === 'object' && factory !== null && builtInFactories.has(factory);
}
