import type { Job } from '../jobs/job';
import type { AttemptOutcome, AttemptSpan } from '../tasks/run-attempt';
import type { AttemptWatch } from '../tasks/attempt-watches';

// The plain accumulators behind `createMetrics`: hooks and event handlers bump numbers in objects
// made once per (queue, task), and prom-client sees them only when Prometheus scrapes. No labels
// are hashed and nothing is allocated per job.

/** Seconds. Fine below a millisecond (pickup), with a long tail for backed-up queues. */
export const DEFAULT_WAIT_BUCKETS: readonly number[] = Object.freeze([
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 900, 3600,
]);

/** Seconds. From a millisecond to ten minutes, for long jobs. */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
]);

/**
 * Whole milliseconds below this find their bucket with one table read. Job times are whole
 * milliseconds (Date.now reads), and a queue keeping up waits and runs well under 4 s.
 */
const DIRECT_MS = 4096;

/**
 * The direct tables by frozen bounds array: histograms of one kind share theirs (e.g. 200 task
 * series). A bounds array that could still change gets a table of its own.
 */
const directTables = new WeakMap<readonly number[], Uint32Array>();

/**
 * Values a histogram takes by {@link Histogram.record} before it buckets them. The worker's hot
 * path then stores a number, and the bucketing code runs in a loop of its own, not inlined into
 * the worker's functions: inlined there, it added a third to their instruction-cache misses
 * (callgrind --cache-sim, L1i misses per job: 437 inlined, 314 buffered, 300 with metrics off).
 */
const PENDING = 128;

/**
 * A fixed-bucket histogram: `counts[i]` counts values <= `bounds[i]`; the last slot is +Inf.
 * Every read (`counts`, `count`, `sum`) first buckets the values recorded since the last one.
 */
export class Histogram {
  private readonly buckets: Float64Array;
  /**
   * Sum of the values in milliseconds: whole milliseconds add up exactly, and the hot path
   * divides nothing ({@link Histogram.sum} converts when read).
   */
  private sumMs = 0;
  private n = 0;
  /** Values recorded and not bucketed yet: `pending[0 .. waiting)`. */
  private readonly pending = new Float64Array(PENDING);
  private waiting = 0;
  /**
   * The bounds again, as unboxed doubles: scanning the frozen array (boxed numbers) took about
   * three times as long per observation.
   */
  private readonly scan: Float64Array;
  /**
   * For a value of `b` whole-millisecond bits (`32 - Math.clz32(ms)`), the first bucket it can
   * fall in: the first bound >= 2^(b-1) ms. Observing a value past the direct table starts there
   * instead of at bucket 0, so it compares one or two bounds, not a dozen.
   */
  private readonly firstByBits: Uint32Array;
  /**
   * The bucket of each whole millisecond below {@link DIRECT_MS}, found once by the scan itself:
   * one read instead of a division and a scan per observation.
   */
  private readonly direct: Uint32Array;

  constructor(readonly bounds: readonly number[]) {
    this.buckets = new Float64Array(bounds.length + 1);
    const scan = (this.scan = Float64Array.from(bounds));
    this.firstByBits = new Uint32Array(33); // b = 0 (under 1 ms) starts at 0
    for (let b = 1; b < 33; b++) {
      const lowest = 2 ** (b - 1) / 1000; // seconds, the least a value of b bits can be
      let i = 0;
      while (i < scan.length && (scan[i] as number) < lowest) i++;
      this.firstByBits[b] = i;
    }
    const shared = Object.isFrozen(bounds);
    let direct = shared ? directTables.get(bounds) : undefined;
    if (direct === undefined) {
      direct = new Uint32Array(DIRECT_MS);
      for (let ms = 0; ms < DIRECT_MS; ms++) direct[ms] = this.scanFrom(ms, 0);
      if (shared) directTables.set(bounds, direct);
    }
    this.direct = direct;
  }

  /** Observations per bucket (the last is +Inf). */
  get counts(): Float64Array {
    this.flush();
    return this.buckets;
  }

  /** Observations in all. */
  get count(): number {
    this.flush();
    return this.n;
  }

  /** Sum of the values, in seconds. */
  get sum(): number {
    this.flush();
    return this.sumMs / 1000;
  }

  /** Counts `ms` as {@link Histogram.observeMs} does, bucketed on the next read or once {@link PENDING} wait. */
  record(ms: number): void {
    this.pending[this.waiting] = ms;
    if (++this.waiting === PENDING) this.flush();
  }

  /** Buckets the recorded values. */
  flush(): void {
    const n = this.waiting;
    this.waiting = 0;
    for (let i = 0; i < n; i++) this.observeMs(this.pending[i] as number);
  }

  /**
   * Counts `ms` milliseconds as `ms / 1000` seconds, in the first bucket whose bound is >= it.
   * Any number: fractions of a millisecond (an injected clock), 2^32 ms and more; NaN counts in
   * the first bucket.
   */
  observeMs(ms: number): void {
    const whole = ms >>> 0;
    // A whole, non-negative number of ms under DIRECT_MS (NaN and negatives fail `whole === ms`).
    const i =
      whole === ms && whole < DIRECT_MS
        ? (this.direct[whole] as number)
        : this.scanFrom(ms, !(ms >= 1) ? 0 : (this.firstByBits[32 - Math.clz32(ms)] as number));
    this.buckets[i] = (this.buckets[i] as number) + 1;
    this.sumMs += ms;
    this.n++;
  }

  /**
   * The bucket of `ms`, scanning from bucket `from`. ms >= 2^(b-1) means seconds >= 2^(b-1) /
   * 1000 (division rounds monotonically): every bound before firstByBits[b] is below the value,
   * so the scan may start there. clz32 truncates to 32 bits: 2^32 ms and more read as a smaller
   * number, so an earlier start, still right.
   */
  private scanFrom(ms: number, from: number): number {
    const seconds = ms / 1000;
    const scan = this.scan;
    const n = scan.length;
    let i = from;
    while (i < n && seconds > (scan[i] as number)) i++;
    return i;
  }
}

/** Why a job was lost, as a bounded label. */
export type LostReason = 'error' | 'killed' | 'shutdown' | 'store' | 'decode' | 'process-gone' | 'other';

/** Counters and run times of one task in one queue. */
export class TaskSeries {
  enqueued = 0;
  retried = 0;
  dead = 0;
  cancelled = 0;
  readonly lost = new Map<LostReason, number>();
  readonly succeeded: Histogram;
  readonly failedRuns: Histogram;

  constructor(
    readonly queue: string,
    readonly task: string,
    durationBuckets: readonly number[],
  ) {
    this.succeeded = new Histogram(durationBuckets);
    this.failedRuns = new Histogram(durationBuckets);
  }

  /** Attempts that completed: each has its run time in `succeeded` (no counter of its own per job). */
  get completed(): number {
    return this.succeeded.count;
  }

  /** Attempts that failed (error result, throw, timeout): each has its run time in `failedRuns`. */
  get failed(): number {
    return this.failedRuns.count;
  }
}

/**
 * What metrics see of one worker incarnation's attempts: made when it first runs an attempt and
 * handed back as the span of each, so watching a job allocates nothing and looks nothing up by
 * worker. It remembers its last task's series: a worker mostly runs one task, so that lookup is
 * usually skipped. Closed (and forgotten by the book) when the incarnation ends.
 */
export class WorkerProbe implements AttemptWatch, AttemptSpan {
  /** Wall-clock ms the running attempt started (its job was taken from the store), or -1 while idle. */
  startedAt = -1;
  /** The series of the running (or last) attempt's task. */
  task: TaskSeries | undefined;

  constructor(
    readonly queue: QueueSeries,
    private readonly book: SeriesBook,
  ) {}

  /** `startedAtMs`: wall-clock ms the queue took the job (see createMetrics). */
  start(job: Job, _attempt: number, startedAtMs: number): this {
    const q = this.queue;
    // A clock stepped back (or a due time ahead of it) reads as 0, never negative.
    const waited = startedAtMs - (job.runAtMs ?? job.enqueuedAtMs);
    q.wait.record(waited > 0 ? waited : 0);
    // The queue's one label when every job it can hand out is known to carry it: reading the
    // job's task touches memory the worker's path does not otherwise (see QueueSeries.label).
    const known = q.label;
    const label = known !== undefined ? known : taskLabel(job);
    const last = this.task;
    // Stored only when it changes: a store of the same series still paid the write barrier's slow
    // path whenever the GC was marking (about half the time on a queue that keeps records).
    if (last === undefined || last.task !== label) this.task = this.book.taskIn(q, label);
    this.startedAt = startedAtMs;
    return this;
  }

  end(outcome: AttemptOutcome, endedAtMs: number): void {
    const task = this.task;
    if (task === undefined || this.startedAt < 0) return;
    // Wall-clock ms (see createMetrics); a clock stepped back reads as 0, never negative.
    const ran = endedAtMs - this.startedAt;
    const ms = ran > 0 ? ran : 0;
    this.startedAt = -1;
    switch (outcome.status) {
      case 'completed':
        task.succeeded.record(ms);
        return;
      case 'failed':
      case 'timed-out':
        task.failedRuns.record(ms);
        return;
      default:
        // 'aborted' (killed) and 'bad-result' (crash) lose the job: `job.lost` counts them.
        return;
    }
  }

  close(): void {
    this.startedAt = -1;
    this.book.probes.delete(this);
  }
}

/** One queue: its tasks and its wait times. */
export class QueueSeries {
  readonly tasks = new Map<string, TaskSeries>();
  readonly wait: Histogram;
  /**
   * The task label of every job this queue's workers can take, when that is known without reading
   * a job's task: every store the queue had under this name was watched whole (see
   * `EnqueueWatchBegun`) and all the jobs enqueued so far carry this one label. Otherwise
   * undefined, and each attempt reads its job's task. A job's task is the one part of it the
   * worker's own path never reads: for a no-op job the label read was a cache miss (about 1–3 % of
   * its time in a rig of 24–30 alternating process pairs).
   */
  label: string | undefined = undefined;
  /** Whether every store watched under this name was watched whole; undefined before the first. */
  private whole: boolean | undefined = undefined;
  /** The label of every job enqueued so far; undefined before the first, null once two differ. */
  private only: string | null | undefined = undefined;

  constructor(
    readonly queue: string,
    waitBuckets: readonly number[],
  ) {
    this.wait = new Histogram(waitBuckets);
  }

  /** A watch of enqueues began on a store of this queue; `whole`: it sees every job the store will hold. */
  begun(whole: boolean): void {
    this.whole = this.whole === undefined ? whole : this.whole && whole;
    this.settleLabel();
  }

  /** Jobs of task label `label` were enqueued (before any worker can take them). */
  saw(label: string): void {
    if (this.only === label) return;
    this.only = this.only === undefined ? label : null;
    this.settleLabel();
  }

  private settleLabel(): void {
    this.label = this.whole === true && typeof this.only === 'string' ? this.only : undefined;
  }
}

/** Every series, with the label caps that keep their number bounded. */
export class SeriesBook {
  readonly queues = new Map<string, QueueSeries>();
  /** The probes of the worker incarnations running now (closed ones are dropped). */
  readonly probes = new Set<WorkerProbe>();
  /** Task names seen so far (across queues), up to `maxTasks`; later ones count as 'other'. */
  private readonly taskNames = new Set<string>();

  constructor(
    private readonly maxTasks: number,
    private readonly waitBuckets: readonly number[],
    private readonly durationBuckets: readonly number[],
  ) {}

  queue(name: string): QueueSeries {
    let q = this.queues.get(name);
    if (q === undefined) {
      q = new QueueSeries(name, this.waitBuckets);
      this.queues.set(name, q);
    }
    return q;
  }

  /** A probe for a new worker incarnation of queue `name`. */
  probe(name: string): WorkerProbe {
    const probe = new WorkerProbe(this.queue(name), this);
    this.probes.add(probe);
    return probe;
  }

  /** Workers of queue `name` running an attempt now. */
  active(name: string): number {
    let n = 0;
    for (const probe of this.probes) if (probe.queue.queue === name && probe.startedAt >= 0) n++;
    return n;
  }

  /**
   * Counts a batch of jobs a queue stored (a batch is one queue's), a run of jobs of one task at a
   * time. The scan of a run is its own function, which ends in a plain return: the loop runs
   * 10,000 jobs in its first call and V8 compiles it mid-loop (on-stack replacement); code after
   * such a loop has no type feedback yet, and a property write there deoptimized the function at
   * the end of every batch.
   */
  enqueued(jobs: readonly Job[]): void {
    const first = jobs[0];
    if (first === undefined) return;
    const q = this.queue(first.queue);
    for (let i = 0; i < jobs.length;) {
      const label = taskLabel(jobs[i] as Job);
      const end = runEnd(jobs, i + 1, label);
      q.saw(label);
      this.taskIn(q, label).enqueued += end - i;
      i = end;
    }
  }

  /** A watch of enqueues began on queue `name` (see `EnqueueWatchBegun`). */
  begun(name: string, whole: boolean): void {
    this.queue(name).begun(whole);
  }

  /** The series of `job`'s task in its queue (the task label bounded as documented). */
  task(job: Job): TaskSeries {
    return this.taskIn(this.queue(job.queue), taskLabel(job));
  }

  taskIn(q: QueueSeries, label: string): TaskSeries {
    let t = q.tasks.get(label);
    if (t !== undefined) return t;
    if (label !== 'other' && !this.taskNames.has(label)) {
      if (this.taskNames.size >= this.maxTasks) return this.taskIn(q, 'other');
      this.taskNames.add(label);
    }
    t = new TaskSeries(q.queue, label, this.durationBuckets);
    q.tasks.set(label, t);
    return t;
  }
}

/** The first index from `from` whose job's task label is not `label` (or the batch's length). */
function runEnd(jobs: readonly Job[], from: number, label: string): number {
  let i = from;
  while (i < jobs.length && taskLabel(jobs[i] as Job) === label) i++;
  return i;
}

/** The task label: the name of a `defineTask` value (`{ task: name, params }`), else 'unknown'. */
export function taskLabel(job: Job): string {
  const task = job.task;
  if (typeof task !== 'object' || task === null) return 'unknown';
  const name = (task as { task?: unknown }).task;
  return typeof name === 'string' && name !== '' ? name : 'unknown';
}

/** Counts by a bounded key: past `max` distinct keys, new ones add to `overflow`. */
export class CappedCounts {
  readonly counts = new Map<string, { readonly labels: Record<string, string>; value: number }>();

  constructor(
    private readonly max: number,
    private readonly overflow: Record<string, string>,
  ) {}

  add(key: string, labels: () => Record<string, string>): void {
    let entry = this.counts.get(key);
    if (entry === undefined) {
      if (this.counts.size >= this.max) {
        key = '\u0000other';
        entry = this.counts.get(key);
      }
      if (entry === undefined) {
        entry = { labels: key === '\u0000other' ? this.overflow : labels(), value: 0 };
        this.counts.set(key, entry);
      }
    }
    entry.value++;
  }
}
