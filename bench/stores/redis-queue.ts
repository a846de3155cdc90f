/**
 * End-to-end Redis queue, Qui's `redisStore` against BullMQ on the same Redis, in one run.
 *   rate    — 20,000 no-op jobs enqueued first (batches of 1,000), then 50 workers (BullMQ:
 *             concurrency 50) started: jobs/s from the workers' start to the last job done.
 *   pickup  — 50 idle workers; 1,000 jobs enqueued one at a time, 2 ms apart, by a producer with
 *             its own connection (Qui: another system, so the wake-up goes through pub/sub):
 *             ms from the enqueue call to the processor's start, p50 and p99 (after 20 warm-up jobs).
 * Prints both, and Qui / BullMQ. The adapters and the measuring code are shared with the harness
 * (`npm run bench -- stores`): ../lib/qui-redis.ts, ../lib/bullmq.ts, ../lib/queue-driver.ts.
 * Run: npx tsx bench/stores/redis-queue.ts  (JOBS, WORKERS; Redis at BENCH_REDIS_HOST:BENCH_REDIS_PORT)
 */
import { bullmqAdapter } from '../lib/bullmq';
import { measureLatency, measureThroughput, type AdapterFactory } from '../lib/queue-driver';
import { quiRedisAdapter } from '../lib/qui-redis';

const JOBS = Number(process.env.JOBS ?? 20_000);
const WORKERS = Number(process.env.WORKERS ?? 50);
const PICKUPS = 1_000;
const INTERVAL_MS = 2;

async function measure(label: string, factory: AdapterFactory): Promise<{ rate: number; p99: number }> {
  const { jobsPerSec } = await measureThroughput(factory, JOBS, WORKERS);
  const { p50Ms, p99Ms } = await measureLatency(factory, PICKUPS, INTERVAL_MS, WORKERS);
  const rate = jobsPerSec as number;
  console.log(
    `${label.padEnd(8)} ${Math.round(rate).toLocaleString('en-US').padStart(8)} jobs/s` +
      `   pickup p50 ${(p50Ms as number).toFixed(2)} ms, p99 ${(p99Ms as number).toFixed(2)} ms`,
  );
  return { rate, p99: p99Ms as number };
}

async function main(): Promise<void> {
  console.log(
    `${JOBS.toLocaleString('en-US')} no-op jobs, ${WORKERS} workers; pickup over ${PICKUPS} jobs; node ${process.version}`,
  );
  const q = await measure('qui', quiRedisAdapter);
  const b = await measure('bullmq', bullmqAdapter);
  console.log(
    `qui / bullmq: rate ${(q.rate / b.rate).toFixed(2)}x, pickup p99 ${(q.p99 / b.p99).toFixed(2)}x`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
