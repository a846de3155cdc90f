/**
 * Qui on `sqliteStore` with a file in a fresh temp directory, for the qui-sqlite contender and
 * bench/stores/sqlite-queue.ts: a system with one queue 'bench' whose no-op workers count the
 * jobs they run, jobs enqueued with `enqueueMany` in chunks (each committed before the next).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { countdown, nowMs, sleep, withTimeout } from './child';
import type { Qui } from './qui';
import { summarizeLatency, type LatencySummary } from './stats';

export interface SqliteQueueRun {
  readonly jobs: number;
  readonly workers: number;
  /** Jobs per `enqueueMany` call. */
  readonly chunk: number;
  /** @defaultValue 'normal' */
  readonly synchronous?: 'normal' | 'full';
  /** 'off' defines the queue with `retain: false`; 'default' keeps records (DEFAULT_RETENTION). @defaultValue 'default' */
  readonly retain?: 'off' | 'default';
}

type QuiSystem = Awaited<ReturnType<Qui['startSystem']>>;

const WAIT_MS = 120_000;

/** Runs `fn` with a fresh temp directory, removed afterwards whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qui-bench-sqlite-'));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A system with one queue 'bench' on `file`; with `onJob`, `run.workers` workers that call it. */
function start(qui: Qui, file: string, run: SqliteQueueRun, onJob?: () => void): Promise<QuiSystem> {
  const workers = onJob && {
    count: run.workers,
    processor: () => {
      onJob();
      return qui.ok();
    },
  };
  const queue = qui.defineQueue({
    name: 'bench',
    store: qui.sqliteStore({ path: file, synchronous: run.synchronous ?? 'normal' }),
    ...(run.retain === 'off' ? { retain: false as const } : {}),
    ...(workers ? { workers } : {}),
  });
  return qui.startSystem(qui.defineSupervisor({ id: 'root', children: [queue] }));
}

async function enqueueAll(system: QuiSystem, run: SqliteQueueRun): Promise<void> {
  const queue = system.queue('bench');
  for (let i = 0; i < run.jobs; i += run.chunk) {
    const n = Math.min(run.chunk, run.jobs - i);
    await queue.enqueueMany(Array.from({ length: n }, (_, k) => ({ task: { n: i + k } })));
  }
}

/** Workers running while the jobs are enqueued: ms from the first enqueue to the last job done. */
export async function enqueueWhileProcessing(qui: Qui, file: string, run: SqliteQueueRun): Promise<number> {
  const done = countdown(run.jobs);
  const system = await start(qui, file, run, done.hit);
  try {
    const t0 = nowMs();
    await enqueueAll(system, run);
    return (await withTimeout(done.reached, WAIT_MS, `${run.jobs} jobs`)) - t0;
  } finally {
    await system.stop();
  }
}

/**
 * The enqueues alone (no workers), then the file reopened with workers: ms of each, the second
 * from the start of the system to the last job done.
 */
export async function enqueueThenProcess(
  qui: Qui,
  file: string,
  run: SqliteQueueRun,
): Promise<{ readonly enqueueMs: number; readonly processMs: number }> {
  const producer = await start(qui, file, run);
  let enqueueMs: number;
  try {
    const t0 = nowMs();
    await enqueueAll(producer, run);
    enqueueMs = nowMs() - t0;
  } finally {
    await producer.stop();
  }
  const done = countdown(run.jobs);
  const t1 = nowMs();
  const consumer = await start(qui, file, run, done.hit);
  try {
    return { enqueueMs, processMs: (await withTimeout(done.reached, WAIT_MS, `${run.jobs} jobs`)) - t1 };
  } finally {
    await consumer.stop();
  }
}

/** Parameters of {@link crossProcessPickup}. */
export interface SqlitePickupRun {
  /** Jobs measured, after `warmup` more. */
  readonly jobs: number;
  readonly workers: number;
  /** @defaultValue 10 */
  readonly warmup?: number;
}

/**
 * Cross-process pickup on one SQLite file: `run.workers` idle workers in this process, and a
 * producer in another (./sqlite-producer.ts) that enqueues one job when told to. Per job: ms from
 * writing the request to the producer's stdin to the processor's start here, so the figure
 * includes the pipe and the enqueue, and no clock is compared across processes. Jobs go one at a
 * time, each 2–12 ms after the previous one started, so the workers are parked again.
 */
export async function crossProcessPickup(
  qui: Qui,
  file: string,
  run: SqlitePickupRun,
): Promise<LatencySummary> {
  const warmup = run.warmup ?? 10;
  // The processor is fixed at start: it hands each start to the waiter of the moment.
  let onStart: (n: number) => void = () => undefined;
  const queue = qui.defineQueue({
    name: 'bench',
    store: qui.sqliteStore({ path: file }),
    workers: {
      count: run.workers,
      processor: (job) => {
        onStart((job.task as { n: number }).n);
        return qui.ok();
      },
    },
  });
  const consumer = await qui.startSystem(qui.defineSupervisor({ id: 'root', children: [queue] }));
  const ext = path.extname(__filename);
  const producer = spawn(
    process.execPath,
    [...process.execArgv, path.join(__dirname, `sqlite-producer${ext}`), file],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  try {
    await withTimeout(
      new Promise<void>((resolve) =>
        createInterface({ input: producer.stdout }).on('line', (line) => line === 'ready' && resolve()),
      ),
      WAIT_MS,
      'the producer process',
    );
    const samples: number[] = [];
    for (let n = 0; n < warmup + run.jobs; n++) {
      const started = new Promise<number>((resolve) => (onStart = (got) => got === n && resolve(nowMs())));
      const t0 = nowMs();
      producer.stdin.write(`${n}\n`);
      const t1 = await withTimeout(started, WAIT_MS, `job ${n}`);
      if (n >= warmup) samples.push(t1 - t0);
      await sleep(2 + ((n * 7) % 11));
    }
    return summarizeLatency(samples);
  } finally {
    producer.stdin.end();
    await consumer.stop();
  }
}
