/**
 * Job records on the memory store: Qui's throughput with records off (`retain: false`) and on
 * (the default retention) against the raw-nact ceiling, and the heap each waiting job's record costs.
 */
import { ratioCheck, valueCheck, type Check, type RunSpec, type Scenario } from '../lib/scenario';

function sizes(quick: boolean): {
  jobs: number;
  workers: number[];
  heapJobs: number;
  cancels: number;
  reps: number;
} {
  return quick
    ? { jobs: 2_000, workers: [10], heapJobs: 10_000, cancels: 20, reps: 1 }
    : { jobs: 50_000, workers: [10, 100], heapJobs: 100_000, cancels: 200, reps: 3 };
}

export const records: Scenario = {
  name: 'records',
  title: 'job records (memory store)',
  workload(quick) {
    const s = sizes(quick);
    return `${s.jobs.toLocaleString('en-US')} no-op jobs enqueued in bulk, then processed by ${s.workers.join(', ')} workers: Qui with retain: false and with the default retention (a record per job, ended completed), and the raw-nact ceiling. Heap: ${s.heapJobs.toLocaleString('en-US')} waiting jobs in a memory store, records off and on, after gc (--expose-gc), the jobs already built. Cancel on Redis: ${s.cancels} running jobs cancelled one at a time from a producer system, timed from the cancel call to the consumer's processor seeing its signal abort.`;
  },
  metrics: [
    { key: 'jobsPerSec', unit: 'jobs/s' },
    { key: 'recordsOffBytesPerJob', unit: 'B/job' },
    { key: 'recordsOnBytesPerJob', unit: 'B/job' },
    { key: 'cancelP50Ms', unit: 'ms' },
    { key: 'cancelP99Ms', unit: 'ms' },
  ],
  runs(quick) {
    const s = sizes(quick);
    const runs: RunSpec[] = [];
    for (const workers of s.workers) {
      for (const retain of ['off', 'default'] as const)
        runs.push({
          contender: 'qui',
          label: `retain=${retain} workers=${workers}`,
          file: 'contenders/qui.ts',
          params: { mode: 'throughput', jobs: s.jobs, workers, retain },
          reps: s.reps,
        });
      runs.push({
        contender: 'raw-nact',
        label: `workers=${workers}`,
        file: 'contenders/raw-nact.ts',
        params: { mode: 'throughput', jobs: s.jobs, workers },
        reps: s.reps,
      });
    }
    runs.push({
      contender: 'qui',
      label: 'heap',
      file: 'contenders/qui-record-heap.ts',
      params: { jobs: s.heapJobs },
      reps: s.reps,
      nodeArgs: ['--expose-gc'],
    });
    runs.push({
      contender: 'qui-redis',
      label: 'cancel',
      file: 'contenders/qui-redis-cancel.ts',
      params: { jobs: s.cancels },
      reps: quick ? 1 : 2,
    });
    return runs;
  },
  checks(results, quick) {
    const s = sizes(quick);
    const checks: Check[] = [];
    for (const w of s.workers) {
      const raw = ['raw-nact', `workers=${w}`, 'jobsPerSec'] as const;
      checks.push(
        ratioCheck(
          results,
          `qui retain: false / raw-nact, ${w} workers`,
          ['qui', `retain=off workers=${w}`, 'jobsPerSec'],
          [...raw],
        ),
        ratioCheck(
          results,
          `qui default retention / raw-nact ceiling, ${w} workers`,
          ['qui', `retain=default workers=${w}`, 'jobsPerSec'],
          [...raw],
          '>=',
          0.6,
        ),
        ratioCheck(
          results,
          `qui default retention / retain: false, ${w} workers`,
          ['qui', `retain=default workers=${w}`, 'jobsPerSec'],
          ['qui', `retain=off workers=${w}`, 'jobsPerSec'],
        ),
      );
    }
    checks.push(
      valueCheck(
        results,
        'heap per waiting job, records on',
        ['qui', 'heap', 'recordsOnBytesPerJob'],
        'B',
        '<=',
        400,
      ),
    );
    checks.push(
      valueCheck(
        results,
        'cancel of a running job on Redis, p99',
        ['qui-redis', 'cancel', 'cancelP99Ms'],
        'ms',
        '<=',
        100,
      ),
    );
    return checks;
  },
};
