/**
 * Fault trial (issue 8): graceful stop of a SQLite queue and of a Redis queue while attempts
 * fail. 8 workers (shutdown 5000), every attempt fails after 50 ms with retryDelayMs 0; stop()
 * while 8 attempts run. Then reopens the store and checks that every retry fired
 * (`job.retrying`) is in it, and that nothing is unaccounted for. Repeats RUNS times per store.
 *   npx tsx bench/trials/graceful-stop.ts [runs=10]
 * Needs Redis on 127.0.0.1:6379 (own key prefix, deleted afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { err } from '../../src/jobs/job-result';
import { DEFAULT_RETENTION } from '../../src/jobs/job-retention';
import { defineQueue } from '../../src/queue/define-queue';
import { startSystem } from '../../src/runtime/start-system';
import type { JobStoreFactory } from '../../src/stores/job-store';
import { redisStore } from '../../src/stores/redis-store';
import { sqliteStore } from '../../src/stores/sqlite-store';
import { defineSupervisor } from '../../src/supervision/spec';

const RUNS = Number(process.argv[2] ?? 10);
const JOBS = 40;
const URL = 'redis://127.0.0.1:6379';

async function trial(store: () => JobStoreFactory): Promise<{
  enqueued: number;
  completed: number;
  dead: number;
  lost: number;
  held: number;
  retrying: number;
  retriesStored: number;
  unaccounted: number;
}> {
  const system = await startSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({
          name: 'stop',
          store: store(),
          workers: {
            count: 8,
            shutdown: 5_000,
            processor: () => new Promise((resolve) => setTimeout(() => resolve(err(new Error('fails'))), 50)),
          },
        }),
      ],
    }),
  );
  let started = 0;
  let retrying = 0;
  let lost = 0;
  let dead = 0;
  let completed = 0;
  system.events.on('job.retrying', () => retrying++);
  system.events.on('job.lost', () => lost++);
  system.events.on('job.dead', () => dead++);
  system.events.on('job.completed', () => completed++);
  const eight = new Promise<void>((resolve) =>
    system.events.on('job.started', () => {
      if (++started === 8) resolve();
    }),
  );
  await system
    .queue('stop')
    .enqueueMany(Array.from({ length: JOBS }, (_, n) => ({ task: { n }, options: { retryDelayMs: 0 } })));
  await eight;
  await system.stop();
  // Reopened as the queue keeps it: with job records (the default retention), whose lists hold ids.
  const reopened = await store().create({
    queue: 'stop',
    priorities: ['high', 'low'],
    records: { processId: 'trial-reader', retention: DEFAULT_RETENTION },
  });
  const stored = await reopened.size();
  const retries = (await reopened.takeMany!(1_000, Date.now() + 60_000)).filter((j) => j.attempts > 0).length;
  await reopened.close();
  return {
    enqueued: JOBS,
    completed,
    dead,
    lost,
    held: stored,
    retrying,
    retriesStored: retries,
    unaccounted: JOBS - completed - dead - lost - stored,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qui-trial-stop-'));
  const redis = new Redis(URL);
  let bad = 0;
  try {
    for (const kind of ['sqlite', 'redis'] as const) {
      for (let i = 0; i < RUNS; i++) {
        const prefix = `qui-trial:stop:${process.pid}:${i}:`;
        const path = join(dir, `stop-${i}.db`);
        const r = await trial(() =>
          kind === 'sqlite' ? sqliteStore({ path }) : redisStore({ url: URL, prefix }),
        );
        if (r.retriesStored !== r.retrying || r.lost !== 0 || r.unaccounted !== 0) bad++;
        process.stdout.write(`${kind} run ${i + 1}: ${JSON.stringify(r)}\n`);
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
      }
    }
  } finally {
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `${RUNS} runs per store: ${bad} runs with a retry missing from the store or a job unaccounted\n`,
  );
  process.exitCode = bad === 0 ? 0 : 1;
}

void main();
