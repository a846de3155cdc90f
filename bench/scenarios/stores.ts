/**
 * Durable stores (issue 5): Qui's Redis store against BullMQ on the same Redis (rate at
 * concurrency 50, pickup latency with the producer on another instance of the queue), and Qui's
 * SQLite store enqueueing while processing on a local temp file.
 */
import { ratioCheck, valueCheck, type RunSpec, type Scenario } from '../lib/scenario';

const WORKERS = 50;
const INTERVAL_MS = 2;
const SQLITE_WORKERS = 10;
const SQLITE_CHUNK = 1_000;
const RATE = `rate, workers=${WORKERS}`;
const PICKUP = `pickup, workers=${WORKERS}`;
const SQLITE = `enqueue+process, workers=${SQLITE_WORKERS}`;
const SQLITE_RECORDS = `enqueue+process, records on, workers=${SQLITE_WORKERS}`;
const SQLITE_PICKUP = `pickup across processes, workers=${SQLITE_WORKERS}`;
const SQLITE_STORE = 'store alone: add+take';
const SQLITE_STORE_RECORDS = 'store alone, records on: add+take+finish';

interface Sizes {
  rateJobs: number;
  pickups: number;
  sqliteJobs: number;
  sqlitePickups: number;
  storeJobs: number;
  reps: number;
}

function sizes(quick: boolean): Sizes {
  return quick
    ? { rateJobs: 500, pickups: 100, sqliteJobs: 500, sqlitePickups: 30, storeJobs: 500, reps: 1 }
    : {
        rateJobs: 20_000,
        pickups: 1_000,
        sqliteJobs: 50_000,
        sqlitePickups: 500,
        storeJobs: 20_000,
        reps: 3,
      };
}

const n = (x: number): string => x.toLocaleString('en-US');

export const stores: Scenario = {
  name: 'stores',
  title: 'durable stores: Redis against BullMQ, SQLite on a local file',
  workload(quick) {
    const s = sizes(quick);
    return `Redis (qui-redis = Qui on redisStore with retain: false; qui-redis-records = the same keeping job records, default retention; bullmq = removeOnComplete: true; bullmq-records = removeOnComplete: { count: 1000, age: 3600 }, the analogue of Qui's default retention), no-op jobs: rate = ${n(s.rateJobs)} jobs enqueued first (batches of 1,000), then ${WORKERS} workers (BullMQ: concurrency ${WORKERS}) started, jobs/s to the last completion; pickup = ${WORKERS} idle workers, ${n(s.pickups)} jobs enqueued one at a time ${INTERVAL_MS} ms apart by a separate producer (Qui: a second system with its own redisStore, woken through pub/sub), enqueue call → processor start, after 20 warm-up jobs. SQLite (qui-sqlite, synchronous normal, fresh temp file): ${SQLITE_WORKERS} workers running while ${n(s.sqliteJobs)} no-op jobs are enqueued with enqueueMany by ${n(SQLITE_CHUNK)}, jobs/s from the first enqueue to the last completion; Qui with retain: false, and (records on) with the default retention. SQLite pickup (qui-sqlite-pickup): ${SQLITE_WORKERS} idle workers and a producer process on the same file, ${n(s.sqlitePickups)} jobs one at a time (after 10 warm-up), from the request to the producer to the processor's start, woken by the store's PRAGMA data_version watch. SQLite store alone (qui-sqlite-store): ${n(s.storeJobs)} jobs added, then taken one call at a time (each call its own commit); with records on (default retention) each taken job is also finished (completed; the store writes the finish in the next take's transaction), so a job's record is written three times.`;
  },
  metrics: [
    { key: 'jobsPerSec', unit: 'jobs/s' },
    { key: 'enqueuePerSec', unit: 'jobs/s' },
    { key: 'p50Ms', unit: 'ms' },
    { key: 'p99Ms', unit: 'ms' },
  ],
  runs(quick) {
    const s = sizes(quick);
    const runs: RunSpec[] = [];
    for (const contender of ['qui-redis', 'qui-redis-records', 'bullmq', 'bullmq-records']) {
      const file = `contenders/${contender}.ts`;
      runs.push(
        {
          contender,
          label: RATE,
          file,
          params: { mode: 'throughput', jobs: s.rateJobs, workers: WORKERS },
          reps: s.reps,
          timeoutMs: 60_000,
        },
        {
          contender,
          label: PICKUP,
          file,
          params: { mode: 'latency', jobs: s.pickups, intervalMs: INTERVAL_MS, workers: WORKERS },
          reps: s.reps,
          timeoutMs: 60_000,
        },
      );
    }
    for (const [retain, label] of [
      ['off', SQLITE],
      ['default', SQLITE_RECORDS],
    ] as const) {
      runs.push({
        contender: 'qui-sqlite',
        label,
        file: 'contenders/qui-sqlite.ts',
        params: { jobs: s.sqliteJobs, workers: SQLITE_WORKERS, chunk: SQLITE_CHUNK, retain },
        reps: s.reps,
        timeoutMs: 60_000,
      });
    }
    runs.push({
      contender: 'qui-sqlite-pickup',
      label: SQLITE_PICKUP,
      file: 'contenders/qui-sqlite-pickup.ts',
      params: { jobs: s.sqlitePickups, workers: SQLITE_WORKERS },
      reps: s.reps,
      timeoutMs: 60_000,
    });
    for (const [records, label] of [
      [false, SQLITE_STORE],
      [true, SQLITE_STORE_RECORDS],
    ] as const) {
      runs.push({
        contender: 'qui-sqlite-store',
        label,
        file: 'contenders/qui-sqlite-store.ts',
        params: { jobs: s.storeJobs, records },
        reps: s.reps,
        timeoutMs: 60_000,
      });
    }
    return runs;
  },
  checks(results) {
    return [
      ratioCheck(
        results,
        'qui-redis / bullmq rate',
        ['qui-redis', RATE, 'jobsPerSec'],
        ['bullmq', RATE, 'jobsPerSec'],
        '>=',
        2,
      ),
      ratioCheck(
        results,
        'qui-redis-records / bullmq-records rate (both keep completed jobs: 1,000 or 1 hour)',
        ['qui-redis-records', RATE, 'jobsPerSec'],
        ['bullmq-records', RATE, 'jobsPerSec'],
        '>=',
        2,
      ),
      ratioCheck(
        results,
        'qui-redis-records / bullmq rate (reference: BullMQ removing its jobs on completion)',
        ['qui-redis-records', RATE, 'jobsPerSec'],
        ['bullmq', RATE, 'jobsPerSec'],
      ),
      valueCheck(results, 'qui-redis pickup p99', ['qui-redis', PICKUP, 'p99Ms'], 'ms', '<=', 5),
      ratioCheck(
        results,
        'qui-redis p99 / bullmq p99',
        ['qui-redis', PICKUP, 'p99Ms'],
        ['bullmq', PICKUP, 'p99Ms'],
      ),
      valueCheck(
        results,
        'qui-sqlite enqueue+process, retain: false',
        ['qui-sqlite', SQLITE, 'jobsPerSec'],
        'jobs/s',
        '>=',
        20_000,
      ),
      ratioCheck(
        results,
        'qui-sqlite enqueue+process, default retention / retain: false',
        ['qui-sqlite', SQLITE_RECORDS, 'jobsPerSec'],
        ['qui-sqlite', SQLITE, 'jobsPerSec'],
      ),
      ratioCheck(
        results,
        'qui-sqlite store, records on / off',
        ['qui-sqlite-store', SQLITE_STORE_RECORDS, 'jobsPerSec'],
        ['qui-sqlite-store', SQLITE_STORE, 'jobsPerSec'],
      ),
      valueCheck(
        results,
        'qui-sqlite pickup p99 across processes',
        ['qui-sqlite-pickup', SQLITE_PICKUP, 'p99Ms'],
        'ms',
        '<=',
        50,
      ),
    ];
  },
};
