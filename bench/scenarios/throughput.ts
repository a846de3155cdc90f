/**
 * Throughput: N no-op jobs enqueued in bulk, then processed by 1, 10, 50 and 100 workers. Qui
 * runs with `retain: false`: the targets (issue 8) measure the queue's hand-off machinery; the
 * default retention's cost is the records scenario's.
 */
import { ratioCheck, type Check, type RunSpec, type Scenario } from '../lib/scenario';

const IN_PROCESS = ['qui', 'raw-nact', 'fastq', 'p-queue'] as const;
/** Qui's rows measure the hand-off machinery: its queue is defined with `retain: false`. */
const RETAIN_OFF: Partial<Record<string, { retain: 'off' }>> = { qui: { retain: 'off' } };
/** Service-backed queues at one concurrency; Postgres ones get fewer jobs (they are slow). */
const EXTERNAL = [
  { contender: 'bullmq', jobs: 50_000 },
  { contender: 'bee-queue', jobs: 50_000 },
  { contender: 'pg-boss', jobs: 2_000 },
  { contender: 'graphile-worker', jobs: 10_000 },
] as const;

function sizes(quick: boolean): {
  jobs: number;
  workers: number[];
  reps: number;
  external: number;
  scale: number;
} {
  return quick
    ? { jobs: 2_000, workers: [1, 10], reps: 1, external: 10, scale: 0.02 }
    : { jobs: 50_000, workers: [1, 10, 50, 100], reps: 3, external: 50, scale: 1 };
}

export const throughput: Scenario = {
  name: 'throughput',
  title: 'no-op jobs enqueued in bulk, then processed',
  workload(quick) {
    const s = sizes(quick);
    const ext = EXTERNAL.map(
      (e) => `${e.contender} ${Math.ceil(e.jobs * s.scale).toLocaleString('en-US')}`,
    ).join(', ');
    return `${s.jobs.toLocaleString('en-US')} no-op jobs enqueued in bulk, then processed by ${s.workers.join(', ')} workers (in-process contenders; Qui with retain: false, the hand-off alone: the default retention is in the records scenario); Redis/Postgres queues at concurrency ${s.external} with ${ext} jobs. Timed from starting the workers to the last completion.`;
  },
  metrics: [
    { key: 'jobsPerSec', unit: 'jobs/s' },
    { key: 'enqueuePerSec', unit: 'jobs/s' },
  ],
  runs(quick) {
    const s = sizes(quick);
    const runs: RunSpec[] = [];
    for (const workers of s.workers) {
      for (const contender of IN_PROCESS) {
        runs.push({
          contender,
          label: `workers=${workers}`,
          file: `contenders/${contender}.ts`,
          params: { mode: 'throughput', jobs: s.jobs, workers, ...RETAIN_OFF[contender] },
          reps: s.reps,
        });
      }
    }
    for (const { contender, jobs } of EXTERNAL) {
      const params = { mode: 'throughput', jobs: Math.ceil(jobs * s.scale), workers: s.external };
      runs.push({
        contender,
        label: `workers=${s.external}`,
        file: `contenders/${contender}.ts`,
        params,
        reps: quick ? 1 : 2,
      });
    }
    return runs;
  },
  checks(results, quick) {
    const s = sizes(quick);
    const metric = 'jobsPerSec';
    const checks: Check[] = s.workers.map((w) =>
      ratioCheck(
        results,
        `qui / raw-nact ceiling, ${w} workers`,
        ['qui', `workers=${w}`, metric],
        ['raw-nact', `workers=${w}`, metric],
        '>=',
        0.8,
      ),
    );
    const ext = `workers=${s.external}`;
    checks.push(
      ratioCheck(results, `qui / bullmq, ${ext}`, ['qui', ext, metric], ['bullmq', ext, metric], '>=', 8),
    );
    for (const other of ['bee-queue', 'pg-boss', 'graphile-worker']) {
      checks.push(ratioCheck(results, `qui / ${other}, ${ext}`, ['qui', ext, metric], [other, ext, metric]));
    }
    const top = `workers=${s.workers[s.workers.length - 1] ?? 1}`;
    for (const other of ['fastq', 'p-queue']) {
      checks.push(ratioCheck(results, `qui / ${other}, ${top}`, ['qui', top, metric], [other, top, metric]));
    }
    return checks;
  },
};
