/**
 * Supervision baseline on raw nact: a crashed actor's `onCrash` returns `reset` (initialStateFunc
 * runs again); a pool child escalates and its parent resets, re-spawning its 1,000 children.
 * nact has no restart limits, no incarnations, no exit notifications: this is the bare floor.
 */
import { dispatch, spawn, start, stop, type Ref } from 'nact';
import { runContender } from '../lib/child';
import { RestartProbe, runRestartWorkload, type RestartParams } from '../lib/restart-probe';

type Crash = { readonly type: 'crash' };

runContender<RestartParams>(async (params) => {
  const probe = new RestartProbe();
  const system = start();
  const crashy = spawn(system, (_s: number, _m: Crash): number => probe.crash(), 'crashy', {
    initialStateFunc: () => {
      probe.init();
      return 0;
    },
    onCrash: (_msg, _err, ctx) => ctx.reset,
  });
  let firstChild: Ref<Crash> | undefined;
  spawn(system, (s: number) => s, 'pool', {
    initialStateFunc: (ctx) => {
      for (let i = 0; i < params.poolChildren; i++) {
        const child = spawn(ctx.self, (_s: number, _m: Crash): number => probe.crash(), `c${i}`, {
          initialStateFunc: () => {
            probe.poolInit();
            return 0;
          },
          onCrash: (_msg, _err, childCtx) => childCtx.escalate,
        });
        firstChild ??= child;
      }
      return 0;
    },
    onCrash: (_msg, _err, ctx) => ctx.reset,
  });
  try {
    const metrics = await runRestartWorkload(
      probe,
      params,
      () => dispatch(crashy, { type: 'crash' }),
      // References are by path, so the first incarnation's ref reaches the current child c0.
      () => dispatch(firstChild as Ref<Crash>, { type: 'crash' }),
    );
    return { metrics };
  } finally {
    stop(system);
  }
});
