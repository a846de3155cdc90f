/** Supervision: Qui's one-for-one restart of a crashed actor, and a 1,000-child one-for-all pool. */
import { runContender } from '../lib/child';
import { loadQui } from '../lib/qui';
import { RestartProbe, runRestartWorkload, type RestartParams } from '../lib/restart-probe';

type Crash = { readonly type: 'crash' };
/** Never trip restart intensity: we crash on purpose, thousands of times. */
const UNLIMITED = { maxRestarts: 1_000_000_000, withinMs: 1_000 };

runContender<RestartParams>(async (params) => {
  const qui = await loadQui();
  const probe = new RestartProbe();
  const crashy = qui.defineActor({
    id: 'crashy',
    name: 'crashy',
    init: () => probe.init(),
    handle: (_state: void, _msg: Crash) => probe.crash(),
  });
  const children = Array.from({ length: params.poolChildren }, (_, i) =>
    qui.defineActor({
      id: `c${i}`,
      name: i === 0 ? 'pool-c0' : undefined,
      init: () => probe.poolInit(),
      handle: (_state: void, _msg: Crash) => probe.crash(),
    }),
  );
  const pool = qui.defineSupervisor({ id: 'pool', strategy: 'one-for-all', intensity: UNLIMITED, children });
  const root = qui.defineSupervisor({ id: 'root', intensity: UNLIMITED, children: [crashy, pool] });
  const system = await qui.startSystem(root);
  try {
    const metrics = await runRestartWorkload(
      probe,
      params,
      () => system.send<Crash>('crashy', { type: 'crash' }),
      () => system.send<Crash>('pool-c0', { type: 'crash' }),
    );
    return { metrics };
  } finally {
    await system.stop();
  }
});
