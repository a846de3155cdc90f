/** Metrics overhead: in-memory throughput at 100 workers with createMetrics on vs off, same run. */
import {
  pairedGeomeanCheck,
  pairedRatioCheck,
  ratioCheck,
  type RunSpec,
  type Scenario,
} from '../lib/scenario';

/**
 * 200,000 jobs: on this 2-core machine a memory queue now runs 400-500k no-op jobs/s, so 50,000
 * timed about 0.12 s, less than the gap between two mark-compacts (one per ~100,000 jobs here,
 * ~20 ms each): whether one fell inside the window moved a run by more than the 5 % the target
 * allows, for on and off alike. 200,000 take about 0.4 s and hold one or two.
 *
 * Judged on the geometric mean of the on / off ratios of runs made back to back, over 40 pairs,
 * with its 95 % interval shown. On the 2-core VMs this runs on, one pair's ratio is noise of
 * about ±22 % (standard deviation of its logarithm 0.21–0.23 over 40 and 100 pairs; a fixed CPU
 * loop alone varies by a quarter within a second), close to normal in the log (kurtosis 2.8).
 * The median of 15 pairs, the judge until December 2026, has a standard error of 7 % there
 * (bootstrap of those 100 pairs): the same build read 0.86x, 0.91x and 1.01x in three runs in a
 * row, a verdict on noise. The mean of the logs has a fifth less error than their median, and
 * 40 pairs (about two minutes) bring it to about 3.5 %. The pairs alternate which side runs first
 * (the second of a pair ran about 3 % slower in both samples), so an even count weighs both orders
 * alike. The median of the pairs and the ratio of the medians are shown beside it.
 */
function sizes(quick: boolean): { jobs: number; workers: number; reps: number } {
  return quick ? { jobs: 5_000, workers: 100, reps: 1 } : { jobs: 200_000, workers: 100, reps: 40 };
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
    const on = ['qui-metrics', label, 'jobsPerSec'] as const;
    const off = ['qui', label, 'jobsPerSec'] as const;
    return [
      pairedGeomeanCheck(
        results,
        'metrics on / off, jobs/s (geometric mean of paired runs)',
        on,
        off,
        '>=',
        0.95,
      ),
      pairedRatioCheck(results, 'metrics on / off, jobs/s (median of paired runs)', on, off),
      ratioCheck(results, 'metrics on / off, jobs/s (ratio of medians)', on, off),
    ];
  },
};
