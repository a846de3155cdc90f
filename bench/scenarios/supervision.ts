/** Supervision: crash → restarted, for one actor and for a 1,000-child one-for-all pool. */
import { ratioCheck, valueCheck, type Scenario } from '../lib/scenario';

function sizes(quick: boolean): { crashes: number; poolChildren: number; poolRestarts: number } {
  return quick
    ? { crashes: 50, poolChildren: 100, poolRestarts: 2 }
    : { crashes: 1_000, poolChildren: 1_000, poolRestarts: 20 };
}

export const supervision: Scenario = {
  name: 'supervision',
  title: 'restart times',
  workload(quick) {
    const s = sizes(quick);
    return `One actor crashed ${s.crashes.toLocaleString('en-US')} times (throw in its handler): time from the throw to the new incarnation's init done. Then a ${s.poolChildren.toLocaleString('en-US')}-child one-for-all pool supervisor, one child crashed ${s.poolRestarts} times: time to the last child's init done. Raw nact: onCrash → reset / escalate → parent reset.`;
  },
  metrics: [
    { key: 'restartP50Ms', unit: 'ms' },
    { key: 'restartP99Ms', unit: 'ms' },
    { key: 'poolRestartP50Ms', unit: 'ms' },
    { key: 'poolRestartMaxMs', unit: 'ms' },
  ],
  runs(quick) {
    const params = sizes(quick);
    const reps = quick ? 1 : 3;
    return [
      { contender: 'qui', label: 'supervisor', file: 'contenders/qui-supervision.ts', params, reps },
      { contender: 'raw-nact', label: 'onCrash reset', file: 'contenders/raw-nact-restart.ts', params, reps },
    ];
  },
  checks(results) {
    return [
      valueCheck(
        results,
        'qui median crash → init done',
        ['qui', 'supervisor', 'restartP50Ms'],
        'ms',
        '<=',
        1,
      ),
      ratioCheck(
        results,
        'qui / raw nact, pool restart',
        ['qui', 'supervisor', 'poolRestartP50Ms'],
        ['raw-nact', 'onCrash reset', 'poolRestartP50Ms'],
      ),
    ];
  },
};
