/**
 * Cross-process pickup on SQLite: a queue on one `sqliteStore` file shared by two processes, 10
 * idle workers here and a producer process (../lib/sqlite-producer.ts) that enqueues one job at a
 * time when told to. ms from the request to the producer to the processor's start here, p50 and
 * p99 over 500 jobs (after 10 warm-up jobs): the parked workers are woken by the store's
 * `PRAGMA data_version` watch. Measuring code shared with `npm run bench -- stores`: ../lib/qui-sqlite.ts.
 * Run: npx tsx bench/stores/sqlite-pickup.ts   (JOBS=…, WORKERS=…)
 */
import path from 'node:path';
import { loadQui } from '../lib/qui';
import { crossProcessPickup, withTempDir } from '../lib/qui-sqlite';

const JOBS = Number(process.env.JOBS ?? 500);
const WORKERS = Number(process.env.WORKERS ?? 10);

async function main(): Promise<void> {
  const qui = await loadQui();
  const s = await withTempDir((dir) =>
    crossProcessPickup(qui, path.join(dir, 'pickup.db'), { jobs: JOBS, workers: WORKERS }),
  );
  console.log(
    `sqlite cross-process pickup, ${JOBS} jobs, ${WORKERS} workers: p50 ${s.p50Ms.toFixed(2)} ms, ` +
      `p99 ${s.p99Ms.toFixed(2)} ms, max ${s.maxMs.toFixed(2)} ms; node ${process.version}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
