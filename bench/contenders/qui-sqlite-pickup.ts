/**
 * Qui on `sqliteStore`, pickup across processes: idle workers here, a producer process on the same
 * file (see ../lib/qui-sqlite.ts, crossProcessPickup). A fresh temp directory, removed after.
 */
import { createRequire } from 'node:module';
import { runContender, SkipError } from '../lib/child';
import { loadQui } from '../lib/qui';
import { crossProcessPickup, withTempDir, type SqlitePickupRun } from '../lib/qui-sqlite';

runContender<SqlitePickupRun>(async (run) => {
  try {
    createRequire(__filename).resolve('better-sqlite3');
  } catch {
    throw new SkipError('better-sqlite3 not installed; contender skipped');
  }
  const qui = await loadQui();
  const s = await withTempDir((dir) => crossProcessPickup(qui, `${dir}/pickup.db`, run));
  return { metrics: { p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs } };
});
