/**
 * Qui's SQLite store alone (no queue), on a file in a fresh temp directory: each job is added,
 * taken and, with `records`, finished (completed, default retention), one call each (the finish
 * commits in the next take's transaction); jobs/s over the whole run. Without records it is
 * add + take, the store's floor.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { runContender, SkipError } from '../lib/child';
import { loadQui } from '../lib/qui';
import { withTempDir } from '../lib/qui-sqlite';

interface Params {
  readonly jobs: number;
  readonly records: boolean;
}

runContender<Params>(async ({ jobs, records }) => {
  try {
    createRequire(__filename).resolve('better-sqlite3');
  } catch {
    throw new SkipError('better-sqlite3 not installed; contender skipped');
  }
  const qui = await loadQui();
  const ms = await withTempDir(async (dir) => {
    const store = qui.sqliteStore({ path: `${dir}/store.db` }).create({
      queue: 'bench',
      priorities: ['normal'],
      ...(records ? { records: { processId: 'bench', retention: qui.DEFAULT_RETENTION } } : {}),
    });
    const made = Array.from({ length: jobs }, () => ({
      id: randomUUID() as never,
      queue: 'bench',
      task: { task: 'noop', params: {} },
      priority: 'normal',
      maxRetries: 0,
      retryDelayMs: 0,
      backoff: { type: 'fixed' as const },
      timeoutMs: 60_000,
      attempts: 0,
      enqueuedAtMs: Date.now(),
    }));
    const end = { state: 'completed', result: undefined, error: undefined, worker: 'w/1' } as const;
    const t0 = performance.now();
    for (const job of made) store.add(job, Date.now());
    for (let job = store.take(Date.now()); job !== undefined; job = store.take(Date.now()))
      store.records?.finish(job.id, end, Date.now());
    const took = performance.now() - t0;
    store.close();
    return took;
  });
  return { metrics: { jobsPerSec: (jobs / ms) * 1000 } };
});
