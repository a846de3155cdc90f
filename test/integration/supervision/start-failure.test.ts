import { StartFailedError } from '../../../src/supervision/child-lifecycle';
import { createSystemCore } from '../../../src/runtime/start-system';
import { startSystem } from '../../../src/runtime/start-system';
import { defineSupervisor, type Strategy } from '../../../src/supervision/spec';
import { ManualClock } from '../../../src/clock';
import { probe, switchable } from '../../helpers/probe';
import { settle, startTestSystem } from '../../helpers/start-test-system';

describe('a child failing to start (§1.3)', () => {
  it('stops the started children in reverse order and rejects startSystem with a StartFailedError naming it', async () => {
    const trace: string[] = [];
    const spec = defineSupervisor({
      id: 'root',
      children: [
        probe({ id: 'a', trace }),
        probe({ id: 'b', trace }),
        probe({ id: 'c', trace, failInit: () => true }),
        probe({ id: 'd', trace }),
      ],
    });
    const error = await startSystem(spec, { clock: new ManualClock() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartFailedError);
    expect(error).toMatchObject({ code: 'ERR_START_FAILED', childId: 'c', path: 'root/c' });
    expect((error as Error).message).toBe('failed to start child "c" at root/c: init of c failed');
    expect(((error as Error).cause as Error).message).toBe('init of c failed');
    expect(trace).toEqual(['start:a', 'start:b', 'start:c', 'terminate:b', 'terminate:a']);
  });

  it('leaves no actor behind after a failed start', async () => {
    const core = createSystemCore({ clock: new ManualClock() });
    const inner = defineSupervisor({
      id: 'inner',
      children: [probe({ id: 'x' }), probe({ id: 'y', failInit: () => true })],
    });
    await expect(
      core.startRoot(defineSupervisor({ id: 'root', children: [probe({ id: 'a' }), inner] })),
    ).rejects.toMatchObject({
      childId: 'inner',
      cause: { childId: 'y' },
    });
    expect(core.engine.liveCount()).toBe(0);
    expect(core.stopped).toBe(true);
    expect(core.lookup('a')).toBeUndefined();
  });

  it('rolls back when init returns a rejected promise', async () => {
    const trace: string[] = [];
    const bad = defineSupervisor({
      id: 'root',
      children: [
        probe({ id: 'a', trace }),
        {
          ...probe({ id: 'b' }),
          behavior: { init: () => Promise.reject(new Error('async no')), handle: (s: unknown) => s },
        },
      ],
    });
    await expect(startSystem(bad, { clock: new ManualClock() })).rejects.toThrow(
      'failed to start child "b" at root/b: async no',
    );
    expect(trace).toEqual(['start:a', 'terminate:a']);
  });
});

describe('a failed restart (§1.6)', () => {
  async function looping(strategy: Strategy = 'one-for-one') {
    const fail = switchable();
    const trace: string[] = [];
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        strategy,
        intensity: { maxRestarts: 1_000_000, withinMs: 1000 },
        children: [probe({ id: 'a', trace }), probe({ id: 'b', trace, failInit: fail.check })],
      }),
    );
    fail.on = true;
    t.system.send('b', { type: 'crash' });
    await t.events.exitOf('b');
    return { ...t, fail, trace };
  }

  it('is retried through messages to self while the management API keeps answering', async () => {
    const t = await looping();
    const root = t.sup('root');
    expect(await root.whichChildren()).toEqual([
      { id: 'b', ref: 'restarting', type: 'worker' },
      { id: 'a', ref: t.system.lookup('a'), type: 'worker' },
    ]);
    expect(await root.countChildren()).toEqual({ specs: 2, active: 1, supervisors: 0, workers: 2 });
    expect(await root.restartChild('b')).toEqual({ status: 'restarting' });
    expect(await root.deleteChild('b')).toEqual({ status: 'restarting' });
    expect(await root.startChild(probe({ id: 'b' }))).toEqual({ status: 'already-present' });
    const attemptsSoFar = t.trace.filter((l) => l === 'start:b').length;
    expect(attemptsSoFar).toBeGreaterThan(1);
    t.fail.on = false; // the next retry succeeds
    await t.events.restartOf('b');
    await settle(t.core);
    expect((await root.countChildren()).active).toBe(2);
  });

  it('ends when the restarting child is terminated', async () => {
    const t = await looping();
    expect(await t.sup('root').terminateChild('b')).toEqual({ status: 'ok' });
    await settle(t.core);
    const attempts = t.trace.filter((l) => l === 'start:b').length;
    await settle(t.core);
    expect(t.trace.filter((l) => l === 'start:b').length).toBe(attempts);
    expect(await t.sup('root').whichChildren()).toContainEqual({ id: 'b', ref: undefined, type: 'worker' });
    expect(await t.sup('root').restartChild('b')).toMatchObject({
      status: 'error',
      error: { code: 'ERR_START_FAILED' },
    });
  });

  it('counts every retry toward intensity', async () => {
    const fail = switchable();
    const trace: string[] = [];
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        intensity: { maxRestarts: 3, withinMs: 1000 },
        children: [probe({ id: 'b', trace, failInit: fail.check })],
      }),
    );
    fail.on = true;
    t.system.send('b', { type: 'crash' });
    await t.events.waitFor('system.failed');
    // the initial start, then three restart attempts; the fourth is refused by the gate
    expect(trace.filter((l) => l === 'start:b')).toHaveLength(4);
    expect(t.log.find('child failed to restart; retrying', 'error')).toHaveLength(3);
  });

  it('retries the whole group under one-for-all', async () => {
    const t = await looping('one-for-all');
    t.fail.on = false;
    await t.events.restartOf('b');
    await settle(t.core);
    expect((await t.sup('root').countChildren()).active).toBe(2);
    // a restarted at every attempt: terminated again before each retry
    expect(t.events.of('actor.exited', (e) => e.id === 'a').length).toBe(
      t.events.of('actor.restarted', (e) => e.id === 'a').length,
    );
  });
});
