/**
 * Fault trial (issue 8): a Redis outage of OUTAGE_MS while attempts fail. Starts its own
 * redis-server on a private port (append-only file in a temp dir, fsync always, so a restart
 * keeps what was acknowledged), runs a queue whose every job fails its first attempt (so each
 * job's retry is written back to Redis), and in the middle either stops the server and starts it
 * again after the outage (`restart`, the default: connections refused, longer than the client's
 * retries) or freezes it with SIGSTOP / SIGCONT (`freeze`: connections stay open, replies stall).
 * Counts jobs unaccounted for: enqueued - completed - dead - lost (job.lost events, each with its
 * reason) - still in the store. Goal: 0.
 *   npx tsx bench/trials/redis-outage.ts [outageMs=15000] [jobs=3000] [restart|freeze] [port=6391]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { err, ok } from '../../src/jobs/job-result';
import { defineQueue } from '../../src/queue/define-queue';
import { startSystem } from '../../src/runtime/start-system';
import { redisStore } from '../../src/stores/redis-store';
import { defineSupervisor } from '../../src/supervision/spec';

const OUTAGE_MS = Number(process.argv[2] ?? 15_000);
const JOBS = Number(process.argv[3] ?? 3_000);
const MODE = process.argv[4] ?? 'restart';
const PORT = Number(process.argv[5] ?? 6391);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'qui-trial-outage-'));

function redisServer(): ChildProcess {
  const args = [
    '--port',
    String(PORT),
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
  ];
  return spawn('redis-server', args, { stdio: 'ignore' });
}

async function main(): Promise<void> {
  let server = redisServer();
  await sleep(300);
  const seen = new Map<number, number>();
  const counts = { completed: 0, dead: 0, lost: 0, retrying: 0 };
  const lostReasons: Record<string, number> = {};
  try {
    const system = await startSystem(
      defineSupervisor({
        id: 'root',
        children: [
          defineQueue({
            name: 'outage',
            store: redisStore({ url: `redis://127.0.0.1:${PORT}`, prefix: 'qui-trial:outage:' }),
            defaults: { retryDelayMs: 5, maxRetries: 3 },
            workers: {
              count: 8,
              processor: async (job) => {
                const n = (job.task as { n: number }).n;
                seen.set(n, (seen.get(n) ?? 0) + 1);
                await sleep(2);
                return job.attempts === 0 ? err(new Error('first attempt fails')) : ok();
              },
            },
          }),
        ],
      }),
    );
    system.events.on('job.completed', () => counts.completed++);
    system.events.on('job.dead', () => counts.dead++);
    system.events.on('job.retrying', () => counts.retrying++);
    system.events.on('job.lost', (e) => {
      counts.lost++;
      lostReasons[e.reason.type] = (lostReasons[e.reason.type] ?? 0) + 1;
    });
    const q = system.queue<{ n: number }>('outage');
    for (let n = 0; n < JOBS; n += 500)
      await q.enqueueMany(
        Array.from({ length: Math.min(500, JOBS - n) }, (_, k) => ({ task: { n: n + k } })),
      );
    while (counts.retrying < JOBS / 4) await sleep(20);
    process.stdout.write(
      `${MODE} redis (pid ${server.pid}) for ${OUTAGE_MS} ms; ${JSON.stringify(counts)}\n`,
    );
    if (MODE === 'freeze') {
      process.kill(server.pid!, 'SIGSTOP');
      await sleep(OUTAGE_MS);
      process.kill(server.pid!, 'SIGCONT');
    } else {
      const old = server;
      const gone = new Promise((r) => old.once('exit', r));
      old.kill('SIGTERM');
      await gone;
      await sleep(OUTAGE_MS);
      server = redisServer();
    }
    process.stdout.write(`resumed; ${JSON.stringify(counts)}\n`);
    // Settle: until the store is empty and nothing moves for a second.
    let last = '';
    for (;;) {
      await sleep(1_000);
      const size = await q.size().catch(() => -1);
      const now = JSON.stringify({ ...counts, size });
      if (now === last && size === 0) break;
      last = now;
    }
    const left = await q.size();
    // The store's own count per state (records are on, as by default): dead and lost there should
    // match the events, and none should be left active.
    const stored = await q.counts();
    await system.stop();
    const unaccounted = JOBS - counts.completed - counts.dead - counts.lost - left;
    const runs = [...seen.values()];
    process.stdout.write(
      `${JOBS} jobs, ${OUTAGE_MS} ms outage (${MODE}): ${JSON.stringify({ enqueued: JOBS, ...counts, left, lostReasons, unaccounted, neverRun: JOBS - seen.size, attempts: runs.reduce((a, b) => a + b, 0) })}\n` +
        `store counts: ${JSON.stringify(stored)}\n`,
    );
    process.exitCode = unaccounted === 0 ? 0 : 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
