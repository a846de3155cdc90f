/** Pool size: one queue with 10,000 workers vs 100: start time, heap per idle worker, throughput. */
import { ratioCheck, valueCheck, type RunSpec, type Scenario } from '../lib/scenario';

function sizes(quick: boolean): { big: number; small: number; jobs: number; reps: number } {
  return quick
    ? { big: 500, small: 10, jobs: 2_000, reps: 1 }
    : { big: 10_000, small: 100, jobs: 50_000, reps: 3 };
}

const label = (n: number): string => `workers=${n.toLocaleString('en-US')}`;

export const poolSize: Scenario = {
  name: 'pool-size',
  title: 'big worker pools',
  workload(quick) {
    const s = sizes(quick);
    return `Qui with retain: false, one queue with ${s.big.toLocaleString('en-US')} vs ${s.small} workers. startMs = startSystem resolved; allIdleMs = every worker parked on the queue; heap per idle worker after gc (--expose-gc); then ${s.jobs.toLocaleString('en-US')} no-op jobs enqueued in bulk to the idle pool, timed to the last completion.`;
  },
  metrics: [
    { key: 'startMs', unit: 'ms' },
    { key: 'allIdleMs', unit: 'ms' },
    { key: 'heapBytesPerWorker', unit: 'B/worker' },
    { key: 'jobsPerSec', unit: 'jobs/s' },
  ],
  runs(quick) {
    const s = sizes(quick);
    return [s.big, s.small].map((workers): RunSpec => ({
      contender: 'qui',
      label: label(workers),
      file: 'contenders/qui-pool.ts',
      params: { workers, jobs: s.jobs },
      reps: s.reps,
      nodeArgs: ['--expose-gc'],
    }));
  },
  checks(results, quick) {
    const s = sizes(quick);
    return [
      valueCheck(
        results,
        `qui start, ${label(s.big)} (all idle)`,
        ['qui', label(s.big), 'allIdleMs'],
        'ms',
        '<=',
        2000,
      ),
      valueCheck(
        results,
        'qui heap per idle worker',
        ['qui', label(s.big), 'heapBytesPerWorker'],
        'B',
        '<=',
        3072,
      ),
      ratioCheck(
        results,
        `qui throughput ${label(s.big)} / ${label(s.small)}`,
        ['qui', label(s.big), 'jobsPerSec'],
        ['qui', label(s.small), 'jobsPerSec'],
        '>=',
        0.7,
      ),
    ];
  },
};
