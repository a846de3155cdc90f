/** Metrics overhead: in-memory throughput at 100 workers with createMetrics on vs off, same run. */
import { ratioCheck, type RunSpec, type Scenario } from '../lib/scenario';

/**
 * 200,000 jobs: on this 2-core machine a memory queue now runs 400-500k no-op jobs/s, so 50,000
 * timed about 0.12 s, less than the gap between two mark-compacts (one per ~100,000 jobs here,
 * ~20 ms each): whether one fell inside the window moved a run by more than the 5 % the target
 * allows, for on and off alike. 200,000 take about 0.4 s and hold one or two.
 */
function sizes(quick: boolean): { jobs: number; workers: number; reps: number } {
  return quick ? { jobs: 5_000, workers: 100, reps: 1 } : { jobs: 200_000, workers: 100, reps: 5 };
}

export const metricsOverhead: Scenario = {
  name: 'metrics',
  title: 'metrics overhead',
  workload(quick) {
    const s = sizes(quick);
    return `${s.jobs.toLocaleString('en-US')} no-op jobs enqueued in bulk, then processed by ${s.workers} workers on a memory store, with createMetrics(system) on (every counter, histogram and gauge; scraped once at the end) vs off. Timed from starting the workers to the last completion.`;
  },
  metrics: [
    { key: 'jobsPerSec', unit: 'jobs/s' },
    { key: 'enqueuePerSec', unit: 'jobs/s' },
  ],
  runs(quick) {
    const s = sizes(quick);
    const params = { mode: 'throughput', jobs: s.jobs, workers: s.workers };
    const label = `workers=${s.workers}`;
    return [
      { contender: 'qui', label, file: 'contenders/qui.ts', params, reps: s.reps },
      {
        contender: 'qui-metrics',
        label,
        file: 'contenders/qui.ts',
        params: { ...params, metrics: true },
        reps: s.reps,
      },
    ] satisfies RunSpec[];
  },
  checks(results, quick) {
    const label = `workers=${sizes(quick).workers}`;
    return [
      ratioCheck(
        results,
        'metrics on / off, jobs/s',
        ['qui-metrics', label, 'jobsPerSec'],
        ['qui', label, 'jobsPerSec'],
        '>=',
        0.95,
      ),
    ];
  },
};
