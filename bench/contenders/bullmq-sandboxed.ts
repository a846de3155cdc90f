/**
 * Isolation contender: BullMQ's sandboxed processors in worker threads (`useWorkerThreads: true`)
 * on the local Redis, `concurrency` at once, running the no-op file ../lib/bullmq-sandbox-noop:
 * `jobs` jobs added in bulk, then the worker started and timed to the last completion.
 */
import { join } from 'node:path';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { nowMs, runContender, withTimeout } from '../lib/child';
import { deleteRedisKeys, REDIS, requireRedis, uniqueName } from '../lib/services';

interface Params {
  readonly workers: number;
  readonly jobs: number;
}

const PROCESSOR = join(
  __dirname,
  '..',
  'lib',
  `bullmq-sandbox-noop${__filename.endsWith('.ts') ? '.ts' : '.js'}`,
);

runContender<Params>(async ({ workers, jobs }) => {
  await requireRedis();
  const connection: ConnectionOptions = { ...REDIS, maxRetriesPerRequest: null };
  const prefix = uniqueName('bullmq-sandboxed');
  const queue = new Queue('iso', { connection, prefix, defaultJobOptions: { removeOnComplete: true } });
  let worker: Worker | undefined;
  try {
    let completed = 0;
    let target = workers * 2;
    let resolve: (at: number) => void = () => undefined;
    let finished = new Promise<number>((r) => (resolve = r));
    worker = new Worker('iso', PROCESSOR, {
      connection,
      prefix,
      concurrency: workers,
      useWorkerThreads: true,
    });
    worker.on('completed', () => {
      if (++completed === target) resolve(nowMs());
    });
    // Warm up first: BullMQ starts its threads on demand, Qui's start with the system.
    await queue.addBulk(Array.from({ length: target }, (_, i) => ({ name: 'warm', data: { i } })));
    await withTimeout(finished, 60_000, 'the warm-up jobs');
    await worker.pause(true);
    completed = 0;
    target = jobs;
    finished = new Promise<number>((r) => (resolve = r));
    for (let i = 0; i < jobs; i += 1_000)
      await queue.addBulk(
        Array.from({ length: Math.min(1_000, jobs - i) }, (_, k) => ({ name: 'j', data: { i: i + k } })),
      );
    const start = nowMs();
    void worker.resume();
    const end = await withTimeout(finished, 120_000, 'every job to complete');
    return { metrics: { jobsPerSec: (jobs / (end - start)) * 1_000 } };
  } finally {
    await worker?.close(true);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await deleteRedisKeys(prefix);
  }
});
