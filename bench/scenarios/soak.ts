/** Soak: millions of jobs with failures, timeouts and worker crashes; heap must stay flat, every job accounted for. */
import { valueCheck, type Scenario } from '../lib/scenario';

function total(quick: boolean): number {
  return quick ? 20_000 : 2_000_000;
}

export const soak: Scenario = {
  name: 'soak',
  title: 'failures, timeouts and crashes at volume',
  workload(quick) {
    return `Qui with retain: false, 100 workers, ${total(quick).toLocaleString('en-US')} jobs, ~10,000 kept waiting. Per attempt: 5 % err(), 1 % hang past timeoutMs 20, 0.1 % non-result (worker crash, job lost); maxRetries 1. Heap after gc at 10 %, 90 % and 100 % settled (end = queue empty). unaccounted = enqueued − (completed + dead + lost).`;
  },
  metrics: [
    { key: 'heapAt10pctMiB', unit: 'MiB' },
    { key: 'heapAt90pctMiB', unit: 'MiB' },
    { key: 'heapEndMiB', unit: 'MiB' },
    { key: 'endOver10pct', unit: 'ratio' },
    { key: 'at90Over10pct', unit: 'ratio' },
    { key: 'jobsPerSec', unit: 'jobs/s' },
    { key: 'completed', unit: 'count' },
    { key: 'dead', unit: 'count' },
    { key: 'lost', unit: 'count' },
    { key: 'unaccounted', unit: 'count' },
  ],
  runs(quick) {
    return [
      {
        contender: 'qui',
        label: `jobs=${total(quick).toLocaleString('en-US')}`,
        file: 'contenders/qui-soak.ts',
        params: { total: total(quick), workers: 100 },
        reps: 1,
        nodeArgs: ['--expose-gc'],
        timeoutMs: 400_000,
      },
    ];
  },
  checks(results, quick) {
    const label = `jobs=${total(quick).toLocaleString('en-US')}`;
    return [
      valueCheck(results, 'qui heap at end / heap at 10 %', ['qui', label, 'endOver10pct'], '×', '<=', 1.1),
      valueCheck(
        results,
        'qui heap at 90 % / heap at 10 % (similar backlog)',
        ['qui', label, 'at90Over10pct'],
        '×',
        '<=',
        1.1,
      ),
      valueCheck(
        results,
        'qui jobs unaccounted (worst run)',
        ['qui', label, 'unaccounted'],
        '',
        '<=',
        0,
        'max',
      ),
    ];
  },
};
