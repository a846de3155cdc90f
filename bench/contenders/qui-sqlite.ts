/**
 * Qui on `sqliteStore`, a file in a fresh temp directory (removed after): workers running while a
 * producer enqueues the jobs in chunks; jobs/s from the first enqueue to the last job done.
 */
import { createRequire } from 'node:module';
import { runContender, SkipError } from '../lib/child';
import { loadQui } from '../lib/qui';
import { enqueueWhileProcessing, withTempDir, type SqliteQueueRun } from '../lib/qui-sqlite';

runContender<SqliteQueueRun>(async (run) => {
  try {
    createRequire(__filename).resolve('better-sqlite3');
  } catch {
    throw new SkipError('better-sqlite3 not installed; contender skipped');
  }
  const qui = await loadQui();
  const ms = await withTempDir((dir) => enqueueWhileProcessing(qui, `${dir}/bench.db`, run));
  return { metrics: { jobsPerSec: (run.jobs / ms) * 1000, processMs: ms } };
});
