/** The dashboard's overview of a Redis queue holding 1,000,000 jobs: server time per render. */
import { valueCheck, type RunSpec, type Scenario } from '../lib/scenario';

function sizes(quick: boolean): { jobs: number; ended: number; renders: number; reps: number } {
  return quick
    ? { jobs: 50_000, ended: 1_000, renders: 10, reps: 1 }
    : { jobs: 1_000_000, ended: 1_000, renders: 20, reps: 1 };
}

const label = (quick: boolean): string => `jobs=${sizes(quick).jobs}`;

export const dashboard: Scenario = {
  name: 'dashboard',
  title: 'dashboard on a big Redis queue',
  workload(quick) {
    const s = sizes(quick);
    return `a Redis queue (records on, default retention) filled with ${s.jobs.toLocaleString('en-US')} waiting jobs by addMany in batches of 1,000, plus ${s.ended.toLocaleString('en-US')} completed; a system defining it without workers serves createDashboard on 127.0.0.1; the overview, /api/queues, the queue page and its completed tab each fetched ${s.renders} times. Server time: request in to response finished, in the server. Keys deleted after.`;
  },
  metrics: [
    { key: 'overviewMs', unit: 'ms' },
    { key: 'overviewMaxMs', unit: 'ms' },
    { key: 'apiQueuesMs', unit: 'ms' },
    { key: 'queuePageMs', unit: 'ms' },
    { key: 'completedPageMs', unit: 'ms' },
    { key: 'fillMs', unit: 'ms' },
  ],
  runs(quick) {
    const s = sizes(quick);
    return [
      {
        contender: 'qui-dashboard',
        label: label(quick),
        file: 'contenders/qui-dashboard.ts',
        params: { jobs: s.jobs, ended: s.ended, renders: s.renders },
        reps: s.reps,
        timeoutMs: 600_000,
      },
    ] satisfies RunSpec[];
  },
  checks(results, quick) {
    return [
      valueCheck(
        results,
        'overview, median server time',
        ['qui-dashboard', label(quick), 'overviewMs'],
        'ms',
        '<=',
        200,
      ),
      valueCheck(
        results,
        'overview, slowest render',
        ['qui-dashboard', label(quick), 'overviewMaxMs'],
        'ms',
        '<=',
        200,
        'max',
      ),
    ];
  },
};
