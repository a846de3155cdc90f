/**
 * Isolation contender: Qui workers in threads (`workers.isolation: 'thread'`) or in process, on
 * the tasks of ../lib/isolation-tasks. Workloads:
 * - `cpu`: `jobs` jobs of ~`hashMs` ms hashing on `workers` workers: jobs/s, and the main thread's
 *   event-loop delay p99 (perf_hooks.monitorEventLoopDelay) while they run;
 * - `noop`: `jobs` no-op jobs: jobs/s;
 * - `timeout`: `jobs` times, a job stuck in `while (true) {}` with `timeoutMs` then a `mark` job on
 *   one thread worker, `pauseMs` apart: from each deadline to the mark job starting in the fresh
 *   thread (both times taken inside the threads), p50 / p99.
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { nowMs, runContender, sleep, withTimeout } from '../lib/child';
import { loadQui } from '../lib/qui';
import { percentile } from '../lib/stats';

interface Params {
  readonly workload: 'cpu' | 'noop' | 'timeout';
  readonly isolation?: 'thread' | 'process';
  readonly workers: number;
  readonly jobs: number;
  readonly hashMs?: number;
  readonly timeoutMs?: number;
  readonly pauseMs?: number;
}

const TASKS = join(__dirname, '..', 'lib', `isolation-tasks${__filename.endsWith('.ts') ? '.ts' : '.js'}`);

runContender<Params>(async (p) => {
  const qui = await loadQui();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tasks = require(TASKS) as typeof import('../lib/isolation-tasks');
  const all = [tasks.noop, tasks.hash, tasks.spin, tasks.mark];
  const workers = p.isolation
    ? {
        count: p.workers,
        isolation: p.isolation,
        module: TASKS,
        shutdown: 'brutal-kill' as const,
        // Standby threads would load in the background during the measured run; only the timeout
        // workload has a use for them.
        standby: p.workload === 'timeout',
      }
    : { count: p.workers, shutdown: 'brutal-kill' as const };
  // The timeout workload times each job from inside its thread: spin and mark log when they really
  // start (job.started fires in the parent, before a job waiting for a fresh thread reaches it).
  const starts: number[] = [];
  const logger = pino(
    { level: p.workload === 'timeout' ? 'info' : 'silent' },
    {
      write(line: string) {
        const record = JSON.parse(line) as { msg?: string; at?: number };
        if (record.msg === 'started' && typeof record.at === 'number') starts.push(record.at);
      },
    },
  );
  const system = await qui.startSystem(
    qui.defineSupervisor({ id: 'root', children: [qui.defineQueue({ name: 'iso', tasks: all, workers })] }),
    { logger },
  );
  const queue = system.queue('iso');
  try {
    if (p.workload === 'timeout') {
      const timeoutMs = p.timeoutMs ?? 250;
      const gaps: number[] = [];
      let marks = 0;
      let markDone: () => void = () => undefined;
      system.events.on('job.completed', () => {
        marks++;
        markDone();
      });
      // One stuck job at a time, each followed by a `mark` job, then a pause: a stuck processor is
      // an accident, not the workload, and the standby thread reloads in the pause.
      for (let i = 0; i < p.jobs; i++) {
        await sleep(p.pauseMs ?? 300);
        const seen = starts.length;
        const marked = new Promise<void>((resolve) => (markDone = resolve));
        await queue.enqueue(tasks.spin.create(), { timeoutMs, maxRetries: 0 });
        await queue.enqueue(tasks.mark.create());
        await withTimeout(marked, timeoutMs + 10_000, 'the stuck job to be killed');
        const [stuckAt, markAt] = starts.slice(seen) as [number, number];
        gaps.push(markAt - (stuckAt + timeoutMs));
      }
      gaps.sort((a, b) => a - b);
      return {
        metrics: { killToNextP50Ms: percentile(gaps, 50), killToNextP99Ms: percentile(gaps, 99) },
        notes: { kills: marks },
      };
    }
    let completed = 0;
    const finished = new Promise<number>((resolve) =>
      system.events.on('job.completed', () => {
        if (++completed === p.jobs) resolve(nowMs());
      }),
    );
    const task = p.workload === 'cpu' ? tasks.hash.create({ ms: p.hashMs ?? 20 }) : tasks.noop.create();
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const start = nowMs();
    delay.enable();
    for (let i = 0; i < p.jobs; i += 1_000)
      await queue.enqueueMany(Array.from({ length: Math.min(1_000, p.jobs - i) }, () => ({ task })));
    const end = await withTimeout(finished, 120_000, 'every job to complete');
    delay.disable();
    const metrics: Record<string, number> = { jobsPerSec: (p.jobs / (end - start)) * 1_000 };
    if (p.workload === 'cpu') metrics['loopDelayP99Ms'] = delay.percentile(99) / 1e6;
    return { metrics };
  } finally {
    await system.stop();
  }
});
