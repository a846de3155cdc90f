/**
 * Store throughput: add then take 50,000 no-op jobs, one call at a time, on each store
 * (memory, SQLite on a tmp file, Redis at REDIS_URL), plus Redis with 50 calls in flight, and
 * Redis taking with takeMany(50) (one script call per 50 jobs; adds still one call each).
 * Prints jobs/s (a job counts once: its add and its take). With records (`StoreConfig.records`,
 * default retention), SQLite also runs add, take and `records.finish` (completed) per job (the
 * finish commits with the next take), and the same with addMany(1,000) and takeMany(50) (finish
 * still per job).
 * Run: npx tsx bench/stores/store-throughput.ts   (ONLY=sqlite runs the SQLite lines alone)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { newJobId } from '../../src/ids';
import type { Job } from '../../src/jobs/job';
import { DEFAULT_RETENTION } from '../../src/jobs/job-retention';
import type { RecordEnd } from '../../src/stores/job-records';
import type { JobStore, JobStoreFactory } from '../../src/stores/job-store';
import { memoryStore } from '../../src/stores/memory-store';
import { redisStore } from '../../src/stores/redis-store';
import { sqliteStore } from '../../src/stores/sqlite-store';

const JOBS = Number(process.env.JOBS ?? 50_000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const priorities = ['high', 'low'];

const makeJobs = (queue: string): Job[] =>
  Array.from({ length: JOBS }, (_, i) => ({
    id: newJobId(),
    queue,
    task: { task: 'noop', params: {} },
    priority: i % 2 ? 'low' : 'high',
    maxRetries: 3,
    retryDelayMs: 100,
    backoff: { type: 'fixed' },
    timeoutMs: 60_000,
    attempts: 0,
    enqueuedAtMs: Date.now(),
  }));

/** Runs `count` calls of `fn`, keeping `inFlight` of them outstanding. */
async function drive(count: number, inFlight: number, fn: (i: number) => unknown): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

async function measure(label: string, factory: JobStoreFactory, inFlight: number, batch = 1): Promise<void> {
  const queue = `bench-${label.replace(/\W+/g, '-')}`;
  const store: JobStore = await factory.create({ queue, priorities });
  const jobs = makeJobs(queue);
  let taken = 0;
  const start = performance.now();
  await drive(JOBS, inFlight, (i) => store.add(jobs[i] as Job, Date.now()));
  const added = performance.now();
  if (batch > 1 && store.takeMany !== undefined) {
    for (let got = -1; got !== 0; taken += got) got = (await store.takeMany(batch, Date.now())).length;
  } else {
    await drive(JOBS, inFlight, async () => {
      if ((await store.take(Date.now())) !== undefined) taken++;
    });
  }
  const end = performance.now();
  await store.close();
  if (taken !== JOBS) throw new Error(`${label}: took ${taken} of ${JOBS}`);
  const rate = (ms: number) => Math.round((JOBS / ms) * 1000).toLocaleString('en-US');
  console.log(
    `${label.padEnd(28)} ${rate(end - start).padStart(10)} jobs/s add+take` +
      `   (add ${rate(added - start)}/s, take ${rate(end - added)}/s)`,
  );
}

const COMPLETED: RecordEnd = { state: 'completed', result: undefined, error: undefined, worker: 'w/1' };

/**
 * A job's whole life on a store keeping records: add, take, then finish (completed), one call
 * each; with `batch`, adds by 1,000 and takes by `batch` (finish still one call per job).
 */
async function measureRecords(label: string, factory: JobStoreFactory, batch = 1): Promise<void> {
  const queue = `bench-${label.replace(/\W+/g, '-')}`;
  const records = { processId: 'bench', retention: DEFAULT_RETENTION };
  const store: JobStore = await factory.create({ queue, priorities, records });
  const jobs = makeJobs(queue);
  const start = performance.now();
  if (batch > 1)
    for (let i = 0; i < JOBS; i += 1_000) await store.addMany(jobs.slice(i, i + 1_000), Date.now());
  else for (const job of jobs) await store.add(job, Date.now());
  const added = performance.now();
  let taken = 0;
  for (;;) {
    const got =
      batch > 1 && store.takeMany ? await store.takeMany(batch, Date.now()) : [await store.take(Date.now())];
    if (got[0] === undefined) break;
    for (const job of got) await store.records?.finish((job as Job).id, COMPLETED, Date.now());
    taken += got.length;
  }
  const end = performance.now();
  const counts = await store.records?.counts();
  await store.close();
  if (taken !== JOBS) throw new Error(`${label}: took ${taken} of ${JOBS}`);
  const rate = (ms: number) => Math.round((JOBS / ms) * 1000).toLocaleString('en-US');
  console.log(
    `${label.padEnd(28)} ${rate(end - start).padStart(10)} jobs/s add+take+finish` +
      `   (add ${rate(added - start)}/s, take+finish ${rate(end - added)}/s; ${counts?.completed} completed kept)`,
  );
}

async function main(): Promise<void> {
  console.log(`${JOBS.toLocaleString('en-US')} no-op jobs, node ${process.version}`);
  const only = process.env.ONLY;
  if (only === undefined) await measure('memory', memoryStore(), 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qui-bench-'));
  try {
    await measure('sqlite (tmp file, WAL)', sqliteStore({ path: path.join(dir, 'jobs.db') }), 1);
    const withRecords = sqliteStore({ path: path.join(dir, 'records.db') });
    await measureRecords('sqlite + records', withRecords);
    await measureRecords('sqlite + records, batched', withRecords, 50);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (only === 'sqlite') return;
  const prefix = `qui-bench:${process.pid}:`;
  await measure('redis, 1 call in flight', redisStore({ url: REDIS_URL, prefix }), 1);
  await measure('redis, 50 calls in flight', redisStore({ url: REDIS_URL, prefix }), 50);
  await measure('redis, takeMany(50)', redisStore({ url: REDIS_URL, prefix }), 1, 50);
  const admin = new Redis(REDIS_URL);
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
