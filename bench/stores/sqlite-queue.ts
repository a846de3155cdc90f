/**
 * End-to-end SQLite queue: a queue on `sqliteStore({ path })` (a tmp file, WAL, synchronous
 * normal) with 10 workers and 50,000 no-op jobs enqueued with `enqueueMany` in chunks of 1,000.
 * Prints jobs/s for three runs on a fresh file each:
 *   enqueue   — no workers: the enqueues alone (every chunk committed before the next);
 *   process   — the file from `enqueue` reopened with 10 workers: start to last job done;
 *   both      — workers running while the jobs are enqueued: first enqueue to last job done.
 * Run: npx tsx bench/stores/sqlite-queue.ts   (JOBS=…, WORKERS=…; SYNCHRONOUS=full for fsync per commit)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineQueue } from '../../src/queue/define-queue';
import { ok } from '../../src/queue/job-result';
import { startSystem, type QuiSystem } from '../../src/runtime/start-system';
import { sqliteStore } from '../../src/stores/sqlite-store';
import { defineSupervisor } from '../../src/supervision/spec';

const JOBS = Number(process.env.JOBS ?? 50_000);
const WORKERS = Number(process.env.WORKERS ?? 10);
const CHUNK = 1_000;
const SYNCHRONOUS = process.env.SYNCHRONOUS === 'full' ? 'full' : 'normal';

/** A system with one queue 'bench' on the file; `onJob` runs in every job's processor. */
function start(file: string, onJob?: () => void): Promise<QuiSystem> {
  const queue = defineQueue({
    name: 'bench',
    store: sqliteStore({ path: file, synchronous: SYNCHRONOUS }),
    ...(onJob
      ? {
          workers: {
            count: WORKERS,
            processor: () => {
              onJob();
              return ok();
            },
          },
        }
      : {}),
  });
  return startSystem(defineSupervisor({ id: 'root', children: [queue] }));
}

async function enqueueAll(system: QuiSystem): Promise<void> {
  const queue = system.queue('bench');
  for (let i = 0; i < JOBS; i += CHUNK) {
    const n = Math.min(CHUNK, JOBS - i);
    await queue.enqueueMany(Array.from({ length: n }, (_, k) => ({ task: { n: i + k } })));
  }
}

/** A counter that resolves `all` once `JOBS` jobs have run. */
function countJobs(): { readonly onJob: () => void; readonly all: Promise<void> } {
  let done = 0;
  let resolve = (): void => undefined;
  const all = new Promise<void>((r) => (resolve = r));
  return {
    onJob: () => {
      if (++done === JOBS) resolve();
    },
    all,
  };
}

const rate = (ms: number): string => `${Math.round((JOBS / ms) * 1000).toLocaleString('en-US')} jobs/s`;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qui-bench-sqlite-'));
  console.log(
    `${JOBS.toLocaleString('en-US')} no-op jobs, ${WORKERS} workers, enqueueMany by ${CHUNK}, synchronous ${SYNCHRONOUS}, node ${process.version}`,
  );
  try {
    const file = path.join(dir, 'split.db');
    const producer = await start(file);
    let t0 = performance.now();
    await enqueueAll(producer);
    const enqueueMs = performance.now() - t0;
    await producer.stop();
    console.log(`enqueue   ${rate(enqueueMs).padStart(16)}   (${Math.round(enqueueMs)} ms)`);

    const split = countJobs();
    t0 = performance.now();
    const consumer = await start(file, split.onJob);
    await split.all;
    const processMs = performance.now() - t0;
    await consumer.stop();
    console.log(`process   ${rate(processMs).padStart(16)}   (${Math.round(processMs)} ms)`);

    const both = countJobs();
    const system = await start(path.join(dir, 'both.db'), both.onJob);
    t0 = performance.now();
    await enqueueAll(system);
    await both.all;
    const bothMs = performance.now() - t0;
    await system.stop();
    console.log(
      `both      ${rate(bothMs).padStart(16)}   (${Math.round(bothMs)} ms, enqueue while processing)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
