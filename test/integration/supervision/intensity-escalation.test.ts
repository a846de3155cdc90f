import type { RestartType } from '../../../src/actors/child-options';
import { defineSupervisor } from '../../../src/supervision/spec';
import { probe } from '../../helpers/probe';
import { liveCells, settle, startTestSystem } from '../../helpers/start-test-system';

const crash = async (t: Awaited<ReturnType<typeof startTestSystem>>, id: string, nth: number) => {
  t.system.send(id, { type: 'crash' });
  await t.events.exitOf(id, nth);
  await settle(t.core);
};

describe('restart intensity (§1.5) with a manual clock', () => {
  const oneInASecond = () =>
    startTestSystem(
      defineSupervisor({
        id: 'root',
        intensity: { maxRestarts: 1, withinMs: 1000 },
        children: [probe({ id: 'a' }), probe({ id: 'b' })],
      }),
    );

  it('gives up when a second restart comes exactly withinMs after the first (inclusive boundary)', async () => {
    const t = await oneInASecond();
    await crash(t, 'a', 1);
    t.clock.advance(1000);
    t.system.send('a', { type: 'crash' });
    const escalated = await t.events.waitFor('supervisor.escalated');
    expect(escalated).toEqual({ path: 'root', offender: 'a' });
    await t.events.waitFor('system.failed');
    expect(t.events.of('actor.restarted')).toHaveLength(1); // the refused restart is not performed
  });

  it('restarts again once the first restart is one millisecond outside the window', async () => {
    const t = await oneInASecond();
    await crash(t, 'a', 1);
    t.clock.advance(1001);
    await crash(t, 'a', 2);
    expect(t.events.of('actor.restarted')).toHaveLength(2);
    expect(t.events.of('supervisor.escalated')).toEqual([]);
  });

  it('gives up on the first restart when maxRestarts is 0', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        intensity: { maxRestarts: 0, withinMs: 1000 },
        children: [probe({ id: 'a' })],
      }),
    );
    t.system.send('a', { type: 'crash' });
    await t.events.waitFor('system.failed');
    expect(t.events.of('actor.restarted')).toEqual([]);
  });

  it('slides the window instead of resetting it after it elapses', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        intensity: { maxRestarts: 2, withinMs: 1000 },
        children: [probe({ id: 'a' })],
      }),
    );
    await crash(t, 'a', 1); // t=0
    t.clock.advance(600);
    await crash(t, 'a', 2); // t=600
    t.clock.advance(500);
    await crash(t, 'a', 3); // t=1100: the restart at 0 left the window; 600 and 1100 remain
    expect(t.events.of('supervisor.escalated')).toEqual([]);
    t.clock.advance(100);
    t.system.send('a', { type: 'crash' }); // t=1200: three inside [200, 1200]
    await t.events.waitFor('system.failed');
  });

  it('does not count exits that are not restarted (transient normal, temporary)', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        intensity: { maxRestarts: 0, withinMs: 1000 },
        children: [probe({ id: 'a', restart: 'transient' }), probe({ id: 'b', restart: 'temporary' })],
      }),
    );
    t.system.send('a', { type: 'stop' });
    t.system.send('b', { type: 'crash' });
    await t.events.exitOf('b');
    await settle(t.core);
    expect(t.system.stopped).toBe(false);
  });
});

describe('escalation', () => {
  async function nested(restart: RestartType, parentMax = 3) {
    const inner = defineSupervisor({
      id: 'inner',
      restart,
      intensity: { maxRestarts: 0, withinMs: 1000 },
      children: [probe({ id: 'x' }), probe({ id: 'y' })],
    });
    return startTestSystem(
      defineSupervisor({
        id: 'root',
        intensity: { maxRestarts: parentMax, withinMs: 1000 },
        children: [probe({ id: 'first' }), inner, probe({ id: 'last' })],
      }),
    );
  }

  it('stops the children newest first and exits with shutdown when intensity is exceeded', async () => {
    const t = await nested('permanent');
    t.system.send('x', { type: 'crash' });
    const exit = await t.events.exitOf('inner');
    expect(exit.reason).toEqual({ type: 'shutdown' });
    expect(t.events.exitOrder(['x', 'y', 'inner'])).toEqual(['x', 'y', 'inner']);
    expect(t.events.of('supervisor.escalated')).toEqual([{ path: 'root/inner', offender: 'x' }]);
  });

  it('restarts a permanent child supervisor, which starts its children afresh', async () => {
    const t = await nested('permanent');
    const before = t.system.lookup('y');
    t.system.send('x', { type: 'crash' });
    await t.events.restartOf('inner');
    await settle(t.core);
    expect(t.system.lookup('y')).not.toBe(before);
    expect((await t.sup('inner').countChildren()).active).toBe(2);
    expect(t.events.exitOrder(['first', 'last'])).toEqual([]);
  });

  it('counts the child supervisor restart toward the parent intensity', async () => {
    const t = await nested('permanent', 1);
    t.system.send('x', { type: 'crash' });
    await t.events.restartOf('inner');
    await settle(t.core);
    t.system.send('x', { type: 'crash' });
    await t.events.waitFor('system.failed');
    expect(t.events.of('supervisor.escalated').map((e) => e.path)).toEqual([
      'root/inner',
      'root/inner',
      'root',
    ]);
  });

  it('does not restart a transient child supervisor that gave up', async () => {
    const t = await nested('transient');
    t.system.send('x', { type: 'crash' });
    await t.events.exitOf('inner');
    await settle(t.core);
    const row = (await t.sup('root').whichChildren()).find((r) => r.id === 'inner');
    expect(row).toEqual({ id: 'inner', ref: undefined, type: 'supervisor' });
    expect(t.events.of('actor.restarted')).toEqual([]);
  });

  it('drops a temporary child supervisor that gave up', async () => {
    const t = await nested('temporary');
    t.system.send('x', { type: 'crash' });
    await t.events.exitOf('inner');
    await settle(t.core);
    expect((await t.sup('root').whichChildren()).map((r) => r.id)).toEqual(['last', 'first']);
  });

  it('stops the system when the root gives up, with a system.failed event and a fatal log', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        intensity: { maxRestarts: 0, withinMs: 1000 },
        children: ['a', 'b', 'c'].map((id) => probe({ id })),
      }),
    );
    t.system.send('a', { type: 'crash' });
    const failed = await t.events.waitFor('system.failed');
    expect(failed.reason).toEqual({ type: 'shutdown' });
    expect(t.system.stopped).toBe(true);
    expect(t.log.find('root supervisor gave up; system stopped', 'fatal')).toHaveLength(1);
    expect(t.events.exitOrder()).toEqual(['a', 'c', 'b', 'root']);
    expect(liveCells(t.core)).toEqual([]);
    expect(t.core.engine.liveCount()).toBe(0);
    await expect(t.system.ask('b', () => ({ type: 'stop' }), 10)).rejects.toMatchObject({
      code: 'ERR_STOPPED',
    });
  });
});
