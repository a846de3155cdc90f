/** Pickup latency: idle workers; jobs enqueued one at a time, 2 ms apart; enqueue → processor start. */
import { ratioCheck, valueCheck, type RunSpec, type Scenario } from '../lib/scenario';

const IN_PROCESS = ['qui', 'raw-nact', 'fastq', 'p-queue'] as const;
/** Qui's row measures the hand-off: its queue is defined with `retain: false`. */
const RETAIN_OFF: Partial<Record<string, { retain: 'off' }>> = { qui: { retain: 'off' } };
/** pg-boss polls (0.5 s at best): fewer jobs, or one run would take minutes. */
const EXTERNAL = [
  { contender: 'bullmq', jobs: 2_000 },
  { contender: 'bee-queue', jobs: 2_000 },
  { contender: 'pg-boss', jobs: 200 },
  { contender: 'graphile-worker', jobs: 2_000 },
] as const;
const WORKERS = 10;
const INTERVAL_MS = 2;

function sizes(quick: boolean): { jobs: number; scale: number; reps: number; extReps: number } {
  return quick
    ? { jobs: 100, scale: 0.05, reps: 1, extReps: 1 }
    : { jobs: 2_000, scale: 1, reps: 3, extReps: 1 };
}

export const latency: Scenario = {
  name: 'latency',
  title: 'pickup latency of idle workers',
  workload(quick) {
    const s = sizes(quick);
    return `${WORKERS} idle workers (concurrency ${WORKERS}; Qui with retain: false); ${s.jobs.toLocaleString('en-US')} jobs enqueued one at a time, ${INTERVAL_MS} ms apart (pg-boss: ${Math.ceil(200 * s.scale)}), each enqueue awaited; latency = enqueue call → processor start, after 20 warm-up jobs.`;
  },
  metrics: [
    { key: 'p50Ms', unit: 'ms' },
    { key: 'p99Ms', unit: 'ms' },
    { key: 'maxMs', unit: 'ms' },
  ],
  runs(quick) {
    const s = sizes(quick);
    const label = `workers=${WORKERS}`;
    const runs: RunSpec[] = IN_PROCESS.map((contender) => ({
      contender,
      label,
      file: `contenders/${contender}.ts`,
      params: {
        mode: 'latency',
        jobs: s.jobs,
        intervalMs: INTERVAL_MS,
        workers: WORKERS,
        ...RETAIN_OFF[contender],
      },
      reps: s.reps,
    }));
    for (const { contender, jobs } of EXTERNAL) {
      const params = {
        mode: 'latency',
        jobs: Math.ceil(jobs * s.scale),
        intervalMs: INTERVAL_MS,
        workers: WORKERS,
      };
      runs.push({ contender, label, file: `contenders/${contender}.ts`, params, reps: s.extReps });
    }
    return runs;
  },
  checks(results) {
    const label = `workers=${WORKERS}`;
    return [
      valueCheck(results, 'qui p50', ['qui', label, 'p50Ms'], 'ms', '<=', 0.2),
      valueCheck(results, 'qui p99', ['qui', label, 'p99Ms'], 'ms', '<=', 1),
      ratioCheck(results, 'qui p99 / raw-nact p99', ['qui', label, 'p99Ms'], ['raw-nact', label, 'p99Ms']),
      ratioCheck(results, 'qui p99 / bullmq p99', ['qui', label, 'p99Ms'], ['bullmq', label, 'p99Ms']),
    ];
  },
};
