/**
 * End-to-end Redis queue, Qui's `redisStore` against BullMQ on the same Redis, in one run.
 *   rate    — 20,000 no-op jobs enqueued first (batches of 1,000), then 50 workers (BullMQ:
 *             concurrency 50) started: jobs/s from the workers' start to the last job done.
 *   pickup  — 50 idle workers; 1,000 jobs enqueued one at a time, 2 ms apart, by a producer with
 *             its own connection (Qui: another system, so the wake-up goes through pub/sub):
 *             ms from the enqueue call to the processor's start, p50 and p99.
 * Prints both, and Qui / BullMQ. Run: npx tsx bench/stores/redis-queue.ts  (REDIS_URL, JOBS, WORKERS)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { defineQueue } from '../../src/queue/define-queue';
import { ok } from '../../src/queue/job-result';
import { startSystem, type QuiSystem } from '../../src/runtime/start-system';
import { redisStore } from '../../src/stores/redis-store';
import { defineSupervisor } from '../../src/supervision/spec';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOBS = Number(process.env.JOBS ?? 20_000);
const WORKERS = Number(process.env.WORKERS ?? 50);
const PICKUPS = 1_000;
const BATCH = 1_000;

interface Contender {
  /** Enqueues `n` no-op jobs, then resolves after the workers have run them all: ms of processing. */
  rate(n: number): Promise<number>;
  /** Starts idle workers, enqueues `n` jobs 2 ms apart: ms from enqueue to start, per job. */
  pickup(n: number): Promise<number[]>;
}

/** Resolves once `onJob` has been called `n` times. */
function counter(n: number): { onJob: () => void; all: Promise<void> } {
  let done = 0;
  let resolve = (): void => undefined;
  const all = new Promise<void>((r) => (resolve = r));
  return { onJob: () => void (++done === n && resolve()), all };
}

async function pickupRun(n: number, enqueue: (t: number) => Promise<unknown>, seen: Promise<void>): Promise<void> {
  for (let i = 0; i < n; i++) {
    await enqueue(performance.now());
    await sleep(2);
  }
  await seen;
}

function qui(prefix: string): Contender {
  const store = redisStore({ url: REDIS_URL, prefix });
  const start = (name: string, processor?: (task: { t: number }) => void): Promise<QuiSystem> => {
    const workers = processor && {
      count: WORKERS,
      processor: (job: { task: unknown }) => {
        processor(job.task as { t: number });
        return ok();
      },
    };
    const queue = defineQueue({ name, store, ...(workers ? { workers } : {}) });
    return startSystem(defineSupervisor({ id: 'root', children: [queue] }));
  };
  return {
    async rate(n) {
      const producer = await start('rate');
      for (let i = 0; i < n; i += BATCH) {
        await producer.queue('rate').enqueueMany(Array.from({ length: Math.min(BATCH, n - i) }, () => ({ task: { t: 0 } })));
      }
      const { onJob, all } = counter(n);
      const t0 = performance.now();
      const consumer = await start('rate', onJob);
      await all;
      const ms = performance.now() - t0;
      await Promise.all([consumer.stop(), producer.stop()]);
      return ms;
    },
    async pickup(n) {
      const waits: number[] = [];
      const { onJob, all } = counter(n);
      const consumer = await start('pickup', ({ t }) => {
        waits.push(performance.now() - t);
        onJob();
      });
      const producer = await start('pickup');
      await sleep(200); // let every worker park and the subscriber listen
      await pickupRun(n, (t) => producer.queue('pickup').enqueue({ t }), all);
      await Promise.all([consumer.stop(), producer.stop()]);
      return waits;
    },
  };
}

function bullmq(prefix: string): Contender {
  const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
  const open = (name: string) =>
    new Queue(name, { connection, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
  return {
    async rate(n) {
      const queue = open('rate');
      for (let i = 0; i < n; i += BATCH) {
        await queue.addBulk(Array.from({ length: Math.min(BATCH, n - i) }, () => ({ name: 'j', data: { t: 0 } })));
      }
      const { onJob, all } = counter(n);
      const t0 = performance.now();
      const worker = new Worker('rate', async () => onJob(), { connection, prefix, concurrency: WORKERS });
      await all;
      const ms = performance.now() - t0;
      await worker.close();
      await queue.close();
      return ms;
    },
    async pickup(n) {
      const waits: number[] = [];
      const { onJob, all } = counter(n);
      const worker = new Worker(
        'pickup',
        async (job) => {
          waits.push(performance.now() - (job.data as { t: number }).t);
          onJob();
        },
        { connection, prefix, concurrency: WORKERS },
      );
      await worker.waitUntilReady();
      const queue = open('pickup');
      await queue.waitUntilReady();
      await sleep(200);
      await pickupRun(n, (t) => queue.add('j', { t }), all);
      await worker.close();
      await queue.close();
      return waits;
    },
  };
}

const pct = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function measure(label: string, c: Contender): Promise<{ rate: number; p50: number; p99: number }> {
  const rate = (JOBS / (await c.rate(JOBS))) * 1000;
  const waits = (await c.pickup(PICKUPS)).sort((a, b) => a - b);
  const result = { rate, p50: pct(waits, 50), p99: pct(waits, 99) };
  console.log(
    `${label.padEnd(8)} ${Math.round(rate).toLocaleString('en-US').padStart(8)} jobs/s` +
      `   pickup p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`,
  );
  return result;
}

async function main(): Promise<void> {
  const prefix = `qui-bench:redis-queue:${process.pid}:`;
  const admin = new Redis(REDIS_URL);
  console.log(`${JOBS.toLocaleString('en-US')} no-op jobs, ${WORKERS} workers; pickup over ${PICKUPS} jobs; node ${process.version}`);
  try {
    const q = await measure('qui', qui(prefix));
    const b = await measure('bullmq', bullmq(`${prefix}bull`));
    console.log(`qui / bullmq: rate ${(q.rate / b.rate).toFixed(2)}x, pickup p99 ${(q.p99 / b.p99).toFixed(2)}x`);
  } finally {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
