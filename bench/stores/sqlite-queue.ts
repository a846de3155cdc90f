/**
 * End-to-end SQLite queue: a queue on `sqliteStore({ path })` (a tmp file, WAL, synchronous
 * normal) with 10 workers and 50,000 no-op jobs enqueued with `enqueueMany` in chunks of 1,000.
 * Prints jobs/s for three runs on a fresh file each:
 *   enqueue   — no workers: the enqueues alone (every chunk committed before the next);
 *   process   — the file from `enqueue` reopened with 10 workers: start to last job done;
 *   both      — workers running while the jobs are enqueued: first enqueue to last job done
 *               (what `npm run bench -- stores` measures as qui-sqlite).
 * The measuring code is shared with the harness: ../lib/qui-sqlite.ts.
 * Run: npx tsx bench/stores/sqlite-queue.ts   (JOBS=…, WORKERS=…; SYNCHRONOUS=full for fsync per commit)
 */
import path from 'node:path';
import { loadQui } from '../lib/qui';
import {
  enqueueThenProcess,
  enqueueWhileProcessing,
  withTempDir,
  type SqliteQueueRun,
} from '../lib/qui-sqlite';

const run: SqliteQueueRun = {
  jobs: Number(process.env.JOBS ?? 50_000),
  workers: Number(process.env.WORKERS ?? 10),
  chunk: 1_000,
  synchronous: process.env.SYNCHRONOUS === 'full' ? 'full' : 'normal',
};

const rate = (ms: number): string => `${Math.round((run.jobs / ms) * 1000).toLocaleString('en-US')} jobs/s`;

async function main(): Promise<void> {
  const qui = await loadQui();
  console.log(
    `${run.jobs.toLocaleString('en-US')} no-op jobs, ${run.workers} workers, enqueueMany by ${run.chunk}, synchronous ${run.synchronous}, node ${process.version}`,
  );
  await withTempDir(async (dir) => {
    const { enqueueMs, processMs } = await enqueueThenProcess(qui, path.join(dir, 'split.db'), run);
    console.log(`enqueue   ${rate(enqueueMs).padStart(16)}   (${Math.round(enqueueMs)} ms)`);
    console.log(`process   ${rate(processMs).padStart(16)}   (${Math.round(processMs)} ms)`);
    const bothMs = await enqueueWhileProcessing(qui, path.join(dir, 'both.db'), run);
    console.log(
      `both      ${rate(bothMs).padStart(16)}   (${Math.round(bothMs)} ms, enqueue while processing)`,
    );
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
