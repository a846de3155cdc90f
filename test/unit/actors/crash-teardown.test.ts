import { internalActorSpec, type ActorBehavior } from '../../../src/actors/define-actor';
import type { ExitReason } from '../../../src/actors/exit-reason';
import { defineSupervisor } from '../../../src/supervision/spec';
import { startTestSystem } from '../../helpers/start-test-system';

type Msg = { readonly type: 'throw' } | { readonly type: 'reject' } | { readonly type: 'stop' };

interface Hooks {
  failInit?: boolean;
  failTerminate?: boolean;
}

/** A behaviour that records each teardown (`onKill`) with the state and reason it got. */
function teardownProbe(seen: Array<{ state: unknown; reason: ExitReason }>, hooks: Hooks = {}) {
  const behavior: ActorBehavior<string, Msg> = {
    init: () => {
      if (hooks.failInit) throw new Error('init failed');
      return 'state-1';
    },
    handle: (state, msg, ctx) => {
      switch (msg.type) {
        case 'throw':
          throw new Error('handle threw');
        case 'reject':
          return Promise.reject(new Error('handle rejected'));
        case 'stop':
          ctx.stop();
          return state;
      }
    },
    terminate: () => {
      if (hooks.failTerminate) throw new Error('terminate threw');
    },
    onKill: (state, reason) => void seen.push({ state, reason }),
  };
  return internalActorSpec({ id: 'p', name: 'p', restart: 'temporary' }, behavior as ActorBehavior);
}

const errorOf = (reason: ExitReason | undefined): string | undefined =>
  reason?.type === 'error' ? reason.error.message : undefined;

describe("an actor's teardown (onKill)", () => {
  it.each([
    ['throws in handle', 'throw', 'handle threw'],
    ['rejects in handle', 'reject', 'handle rejected'],
  ] as const)('runs with the state and the error when the actor %s', async (_label, type, message) => {
    const seen: Array<{ state: unknown; reason: ExitReason }> = [];
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [teardownProbe(seen)] }));
    t.system.send<Msg>('p', { type });
    await t.events.exitOf('p');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.state).toBe('state-1');
    expect(errorOf(seen[0]?.reason)).toBe(message);
  });

  it('runs when terminate throws during a stop', async () => {
    const seen: Array<{ state: unknown; reason: ExitReason }> = [];
    const t = await startTestSystem(
      defineSupervisor({ id: 'root', children: [teardownProbe(seen, { failTerminate: true })] }),
    );
    t.system.send<Msg>('p', { type: 'stop' });
    await t.events.exitOf('p');
    expect(seen.map((s) => errorOf(s.reason))).toEqual(['terminate threw']);
  });

  it('runs, with no state, when init throws', async () => {
    const seen: Array<{ state: unknown; reason: ExitReason }> = [];
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [] }));
    const result = await t.sup('root').startChild(teardownProbe(seen, { failInit: true }));
    expect(result.status).toBe('error');
    expect(seen).toEqual([{ state: undefined, reason: expect.objectContaining({ type: 'error' }) }]);
    expect(errorOf(seen[0]?.reason)).toBe('init failed');
  });

  it('runs with reason killed on a kill, and not on a graceful stop', async () => {
    const seen: Array<{ state: unknown; reason: ExitReason }> = [];
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [teardownProbe(seen)] }));
    t.system.send<Msg>('p', { type: 'stop' });
    await t.events.exitOf('p');
    expect(seen).toEqual([]);

    const again = await t.sup('root').startChild(teardownProbe(seen));
    if (again.status !== 'ok') throw new Error('the probe did not start');
    (again.ref as unknown as { kill(): void }).kill();
    expect(seen).toEqual([{ state: 'state-1', reason: { type: 'killed' } }]);
  });
});
