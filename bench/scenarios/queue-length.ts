/** Queue length: Qui's throughput with 1,000 vs 1,000,000 jobs waiting, and heap per waiting job. */
import { ratioCheck, valueCheck, type RunSpec, type Scenario } from '../lib/scenario';

function sizes(quick: boolean): {
  small: number;
  large: number;
  window: number;
  heapJobs: number;
  reps: number;
} {
  return quick
    ? { small: 100, large: 5_000, window: 2_000, heapJobs: 10_000, reps: 1 }
    : { small: 1_000, large: 1_000_000, window: 50_000, heapJobs: 1_000_000, reps: 3 };
}

const FILE = 'contenders/qui-queue-length.ts';

export const queueLength: Scenario = {
  name: 'queue-length',
  title: 'long queues',
  workload(quick) {
    const s = sizes(quick);
    return `Qui with retain: false, 100 workers, no-op jobs: throughput over ${s.window.toLocaleString('en-US')} jobs while a producer keeps ${s.small.toLocaleString('en-US')} vs ${s.large.toLocaleString('en-US')} jobs waiting (refilled 1,000 at a time; filled before the workers start). Heap: ${s.heapJobs.toLocaleString('en-US')} jobs with payload {n} enqueued into a queue without workers, measured after gc (--expose-gc); overhead = heap added by the queue per job, the payload objects already existing.`;
  },
  metrics: [
    { key: 'jobsPerSec', unit: 'jobs/s' },
    { key: 'overheadBytesPerJob', unit: 'B/job' },
    { key: 'payloadBytes', unit: 'B/job' },
  ],
  runs(quick) {
    const s = sizes(quick);
    const backlog = (n: number): RunSpec => ({
      contender: 'qui',
      label: `waiting=${n.toLocaleString('en-US')}`,
      file: FILE,
      params: { mode: 'backlog', backlog: n, window: s.window, workers: 100 },
      reps: s.reps,
    });
    return [
      backlog(s.small),
      backlog(s.large),
      {
        contender: 'qui',
        label: `heap, ${s.heapJobs.toLocaleString('en-US')} waiting`,
        file: FILE,
        params: { mode: 'heap', jobs: s.heapJobs },
        reps: quick ? 1 : 2,
        nodeArgs: ['--expose-gc'],
      },
    ];
  },
  checks(results, quick) {
    const s = sizes(quick);
    const label = (n: number): string => `waiting=${n.toLocaleString('en-US')}`;
    return [
      ratioCheck(
        results,
        `qui ${label(s.large)} / ${label(s.small)}`,
        ['qui', label(s.large), 'jobsPerSec'],
        ['qui', label(s.small), 'jobsPerSec'],
        '>=',
        0.9,
      ),
      valueCheck(
        results,
        'qui heap per waiting job beyond the payload',
        ['qui', `heap, ${s.heapJobs.toLocaleString('en-US')} waiting`, 'overheadBytesPerJob'],
        'B',
        '<=',
        300,
      ),
    ];
  },
};
