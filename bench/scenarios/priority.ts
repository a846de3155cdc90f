/** Priority: all low jobs, then all high jobs, enqueued before one worker starts; count inversions. */
import { valueCheck, type RunSpec, type Scenario } from '../lib/scenario';

/** Only contenders with priorities; the Postgres queues get fewer jobs (one worker is slow there). */
const CONTENDERS = [
  { contender: 'qui', perPriority: 10_000, reps: 3 },
  { contender: 'p-queue', perPriority: 10_000, reps: 3 },
  { contender: 'bullmq', perPriority: 10_000, reps: 1 },
  { contender: 'pg-boss', perPriority: 1_000, reps: 1, batchSize: 100 },
  { contender: 'graphile-worker', perPriority: 2_000, reps: 1 },
] as const;

function scale(quick: boolean): number {
  return quick ? 0.02 : 1;
}

export const priority: Scenario = {
  name: 'priority',
  title: 'high before low',
  workload(quick) {
    const f = scale(quick);
    const counts = CONTENDERS.map(
      (c) => `${c.contender} ${Math.ceil(c.perPriority * f).toLocaleString('en-US')}`,
    ).join(', ');
    return `N low-priority jobs, then N high-priority jobs, enqueued in bulk before one worker (concurrency 1) starts (N: ${counts}; pg-boss fetches batches of 100). Inversions = low jobs started before the last high job. Qui with retain: false. fastq, bee-queue and the raw-nact queue have no priorities.`;
  },
  metrics: [
    { key: 'inversions', unit: 'count' },
    { key: 'jobsPerSec', unit: 'jobs/s' },
  ],
  runs(quick) {
    return CONTENDERS.map((c): RunSpec => {
      const batch = 'batchSize' in c ? { batchSize: c.batchSize } : {};
      return {
        contender: c.contender,
        label: `workers=1, n=${Math.ceil(c.perPriority * scale(quick))}`,
        file: `contenders/${c.contender}.ts`,
        params: {
          mode: 'priority',
          perPriority: Math.ceil(c.perPriority * scale(quick)),
          ...batch,
          ...(c.contender === 'qui' ? { retain: 'off' } : {}),
        },
        reps: quick ? 1 : c.reps,
      };
    });
  },
  checks(results, quick) {
    const label = `workers=1, n=${Math.ceil(10_000 * scale(quick))}`;
    return [
      valueCheck(results, 'qui inversions (worst run)', ['qui', label, 'inversions'], '', '<=', 0, 'max'),
    ];
  },
};
