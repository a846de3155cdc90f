/**
 * One driver for every queue contender. A contender file only adapts its library to
 * `QueueAdapter`; the workloads (throughput, pickup latency, priority) live here, so every
 * library runs exactly the same workload.
 */
import {
  countdown,
  nowMs,
  runContender,
  sleep,
  SkipError,
  waitUntil,
  withTimeout,
  type Metrics,
} from './child';
import { countInversions, summarizeLatency } from './stats';

export type Priority = 'high' | 'low';

/** The payload of every benchmark job: a sequence number, and the enqueue time for latency. */
export interface JobData {
  readonly n: number;
  readonly t?: number;
  readonly p?: Priority;
}

export interface QueueAdapterOptions {
  /** Workers (actor contenders) or concurrency (library contenders). */
  readonly concurrency: number;
  /** Jobs fetched per round trip, for libraries that poll in batches (pg-boss). */
  readonly batchSize?: number;
  /** Called by the processor when it starts a job; the processor itself does nothing else. */
  readonly onStart: (data: JobData) => void;
  /** Called when a job is complete (processor returned, or the library reports completion). */
  readonly onComplete: () => void;
}

export interface QueueAdapter {
  readonly supportsPriority: boolean;
  /**
   * Jobs the contender's workers took before `startWorkers` (Qui's workers poll as soon as the
   * system starts); they run first once the workers start. Absent means none.
   */
  heldAtStart?(): number;
  /** Enqueue many jobs, through the library's bulk API where it has one. */
  enqueueBulk(items: readonly JobData[], priority?: Priority): Promise<void>;
  enqueue(data: JobData, priority?: Priority): Promise<void>;
  /** Starts the workers/consumers; jobs enqueued before stay waiting until then. */
  startWorkers(): Promise<void>;
  close(): Promise<void>;
}

export type AdapterFactory = (options: QueueAdapterOptions) => Promise<QueueAdapter>;

export type QueueParams = { readonly batchSize?: number } & (
  | { readonly mode: 'throughput'; readonly jobs: number; readonly workers: number }
  | { readonly mode: 'latency'; readonly jobs: number; readonly intervalMs: number; readonly workers: number }
  | { readonly mode: 'priority'; readonly perPriority: number }
);

const WAIT_MS = 240_000;

function jobs(count: number, from = 0, p?: Priority): JobData[] {
  const out: JobData[] = new Array<JobData>(count);
  for (let i = 0; i < count; i++) out[i] = p ? { n: from + i, p } : { n: from + i };
  return out;
}

/** Enqueues `count` jobs in bulk, then starts `workers`: jobs/s from the start to the last completion. */
export async function measureThroughput(
  factory: AdapterFactory,
  count: number,
  workers: number,
  batchSize?: number,
): Promise<Metrics> {
  const done = countdown(count);
  const q = await factory({
    concurrency: workers,
    batchSize,
    onStart: () => undefined,
    onComplete: done.hit,
  });
  try {
    const t0 = nowMs();
    await q.enqueueBulk(jobs(count));
    const t1 = nowMs();
    await q.startWorkers();
    const t2 = await withTimeout(done.reached, WAIT_MS, `${count} jobs`);
    return {
      heldAtStart: q.heldAtStart?.() ?? 0,
      jobsPerSec: (count / (t2 - t1)) * 1000,
      enqueuePerSec: (count / (t1 - t0)) * 1000,
      processMs: t2 - t1,
    };
  } finally {
    await q.close();
  }
}

/**
 * Idle workers; `count` jobs enqueued one at a time, `intervalMs` apart, each enqueue awaited:
 * ms from the enqueue call to the processor's start, after 20 warm-up jobs.
 */
export async function measureLatency(
  factory: AdapterFactory,
  count: number,
  intervalMs: number,
  workers: number,
  batchSize?: number,
): Promise<Metrics> {
  const samples: number[] = [];
  const warmup = 20;
  const done = countdown(count + warmup);
  const onStart = (d: JobData): void => {
    if (d.t !== undefined) samples.push(nowMs() - d.t);
  };
  const q = await factory({ concurrency: workers, batchSize, onStart, onComplete: done.hit });
  try {
    await q.startWorkers();
    // Warm connections and code paths, then let the workers go idle again.
    for (let i = 0; i < warmup; i++) await q.enqueue({ n: -1 - i });
    await waitUntil(() => done.count() >= warmup, WAIT_MS, 'warm-up jobs');
    await sleep(50);
    const start = nowMs();
    for (let i = 0; i < count; i++) {
      const wait = start + i * intervalMs - nowMs();
      if (wait >= 1) await sleep(wait);
      await q.enqueue({ n: i, t: nowMs() });
    }
    await withTimeout(done.reached, WAIT_MS, `${count} latency jobs`);
    const s = summarizeLatency(samples);
    return { p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs, meanMs: s.meanMs };
  } finally {
    await q.close();
  }
}

async function priority(factory: AdapterFactory, perPriority: number, batchSize?: number): Promise<Metrics> {
  const order: Priority[] = [];
  const done = countdown(2 * perPriority);
  const q = await factory({
    concurrency: 1,
    batchSize,
    onStart: (d) => order.push(d.p ?? 'low'),
    onComplete: done.hit,
  });
  try {
    if (!q.supportsPriority) throw new SkipError('no priorities in this library');
    await q.enqueueBulk(jobs(perPriority, 0, 'low'), 'low');
    await q.enqueueBulk(jobs(perPriority, perPriority, 'high'), 'high');
    const t1 = nowMs();
    await q.startWorkers();
    const t2 = await withTimeout(done.reached, WAIT_MS, `${2 * perPriority} jobs`);
    // Jobs taken before the bulk enqueue finished were handed out when nothing else waited.
    const held = q.heldAtStart?.() ?? 0;
    return {
      inversions: countInversions(order.slice(held)),
      heldAtStart: held,
      jobsPerSec: ((2 * perPriority) / (t2 - t1)) * 1000,
    };
  } finally {
    await q.close();
  }
}

/** Entry point of a queue contender file. */
export function runQueueContender(factory: AdapterFactory): void {
  runContender<QueueParams>(async (params) => {
    switch (params.mode) {
      case 'throughput':
        return { metrics: await measureThroughput(factory, params.jobs, params.workers, params.batchSize) };
      case 'latency':
        return {
          metrics: await measureLatency(
            factory,
            params.jobs,
            params.intervalMs,
            params.workers,
            params.batchSize,
          ),
        };
      case 'priority':
        return { metrics: await priority(factory, params.perPriority, params.batchSize) };
    }
  });
}
