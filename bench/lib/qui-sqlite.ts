/**
 * Qui on `sqliteStore` with a file in a fresh temp directory, for the qui-sqlite contender and
 * bench/stores/sqlite-queue.ts: a system with one queue 'bench' whose no-op workers count the
 * jobs they run, jobs enqueued with `enqueueMany` in chunks (each committed before the next).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countdown, nowMs, withTimeout } from './child';
import type { Qui } from './qui';

export interface SqliteQueueRun {
  readonly jobs: number;
  readonly workers: number;
  /** Jobs per `enqueueMany` call. */
  readonly chunk: number;
  /** @defaultValue 'normal' */
  readonly synchronous?: 'normal' | 'full';
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
