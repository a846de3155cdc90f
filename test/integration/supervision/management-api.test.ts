import { StartFailedError } from '../../../src/supervision/child-lifecycle';
import { InvalidSpecError } from '../../../src/errors';
import { defineDynamicSupervisor, defineSupervisor } from '../../../src/supervision/spec';
import { probe } from '../../helpers/probe';
import { settle, startTestSystem } from '../../helpers/start-test-system';

const base = () =>
  startTestSystem(
    defineSupervisor({
      id: 'root',
      intensity: { maxRestarts: 0, withinMs: 1000 },
      children: [
        probe({ id: 'a' }),
        defineSupervisor({ id: 'inner', name: 'inner-sup', children: [probe({ id: 'x' })] }),
        probe({ id: 'b' }),
      ],
    }),
  );

describe('startChild (§1.8)', () => {
  it('starts a new child, last in start order, first in whichChildren', async () => {
    const t = await base();
    const result = await t.sup('root').startChild(probe({ id: 'c' }));
    expect(result).toEqual({ status: 'ok', ref: t.system.lookup('c') });
    expect((await t.sup('root').whichChildren()).map((r) => r.id)).toEqual(['c', 'b', 'inner', 'a']);
    await t.system.stop();
    expect(t.events.exitOrder(['a', 'b', 'c'])).toEqual(['c', 'b', 'a']);
  });

  it('answers already-started with the ref when the id runs', async () => {
    const t = await base();
    expect(await t.sup('root').startChild(probe({ id: 'a', name: 'other' }))).toEqual({
      status: 'already-started',
      ref: t.system.lookup('a'),
    });
  });

  it('answers already-present when the id is held but not running', async () => {
    const t = await base();
    await t.sup('root').terminateChild('a');
    expect(await t.sup('root').startChild(probe({ id: 'a' }))).toEqual({ status: 'already-present' });
  });

  it('answers error and discards the spec when the child fails to start', async () => {
    const t = await base();
    const result = await t.sup('root').startChild(probe({ id: 'c', failInit: () => true }));
    expect(result.status).toBe('error');
    expect(result.status === 'error' && result.error).toBeInstanceOf(StartFailedError);
    expect((await t.sup('root').whichChildren()).map((r) => r.id)).toEqual(['b', 'inner', 'a']);
    expect(await t.sup('root').startChild(probe({ id: 'c' }))).toMatchObject({ status: 'ok' });
  });

  it('answers error when the name is held elsewhere in the system', async () => {
    const t = await base();
    const result = await t.sup('inner-sup').startChild(probe({ id: 'y', name: 'a' }));
    expect(result).toMatchObject({
      status: 'error',
      error: { code: 'ERR_START_FAILED', cause: { code: 'ERR_NAME_TAKEN' } },
    });
  });

  it('answers error for something that is not a spec', async () => {
    const t = await base();
    const result = await t.sup('root').startChild({ id: 'z' } as never);
    expect(result.status === 'error' && result.error).toBeInstanceOf(InvalidSpecError);
  });
});

describe('terminateChild, restartChild, deleteChild (§1.8)', () => {
  it('terminates a child and keeps its spec; a second call is ok too', async () => {
    const t = await base();
    expect(await t.sup('root').terminateChild('b')).toEqual({ status: 'ok' });
    expect(await t.sup('root').terminateChild('b')).toEqual({ status: 'ok' });
    expect((await t.sup('root').whichChildren())[0]).toEqual({ id: 'b', ref: undefined, type: 'worker' });
    expect(await t.sup('root').countChildren()).toEqual({ specs: 3, active: 2, supervisors: 1, workers: 2 });
    expect(t.events.of('actor.exited', (e) => e.id === 'b').map((e) => e.reason)).toEqual([
      { type: 'shutdown' },
    ]);
  });

  it('deletes a temporary child when it is terminated', async () => {
    const t = await base();
    await t.sup('root').startChild(probe({ id: 't', restart: 'temporary' }));
    expect(await t.sup('root').terminateChild('t')).toEqual({ status: 'ok' });
    expect((await t.sup('root').whichChildren()).map((r) => r.id)).toEqual(['b', 'inner', 'a']);
  });

  it('answers not-found for an unknown id or a ref', async () => {
    const t = await base();
    expect(await t.sup('root').terminateChild('nope')).toEqual({ status: 'not-found' });
    expect(await t.sup('root').terminateChild(t.system.lookup('a')!)).toEqual({ status: 'not-found' });
    expect(await t.sup('root').restartChild('nope')).toEqual({ status: 'not-found' });
    expect(await t.sup('root').deleteChild('nope')).toEqual({ status: 'not-found' });
  });

  it('follows the child life cycle: delete running → running, terminate, restart, terminate, delete', async () => {
    const t = await base();
    const root = t.sup('root');
    expect(await root.deleteChild('a')).toEqual({ status: 'running' });
    expect(await root.restartChild('a')).toEqual({ status: 'running' });
    expect(await root.terminateChild('a')).toEqual({ status: 'ok' });
    const restarted = await root.restartChild('a');
    expect(restarted).toEqual({ status: 'ok', ref: t.system.lookup('a') });
    expect((await root.whichChildren()).map((r) => r.id)).toEqual(['b', 'inner', 'a']); // keeps its position
    expect(await root.terminateChild('a')).toEqual({ status: 'ok' });
    expect(await root.deleteChild('a')).toEqual({ status: 'ok' });
    expect((await root.whichChildren()).map((r) => r.id)).toEqual(['b', 'inner']);
    expect(await root.deleteChild('a')).toEqual({ status: 'not-found' });
  });

  it('answers error from restartChild when the start fails, leaving the child stopped', async () => {
    let fail = false;
    const t = await startTestSystem(
      defineSupervisor({ id: 'root', children: [probe({ id: 'a', failInit: () => fail })] }),
    );
    await t.sup('root').terminateChild('a');
    fail = true;
    expect(await t.sup('root').restartChild('a')).toMatchObject({
      status: 'error',
      error: { code: 'ERR_START_FAILED', childId: 'a' },
    });
    expect(await t.sup('root').whichChildren()).toEqual([{ id: 'a', ref: undefined, type: 'worker' }]);
  });

  it('does not count terminateChild or restartChild toward intensity', async () => {
    const t = await base(); // maxRestarts 0: any counted restart would stop the system
    for (let i = 0; i < 3; i++) {
      await t.sup('root').terminateChild('a');
      await t.sup('root').restartChild('a');
    }
    expect(t.system.stopped).toBe(false);
    expect(t.events.of('supervisor.escalated')).toEqual([]);
  });
});

describe('whichChildren and countChildren (§1.8)', () => {
  it('lists children newest first with their refs and types', async () => {
    const t = await base();
    expect(await t.sup('root').whichChildren()).toEqual([
      { id: 'b', ref: t.system.lookup('b'), type: 'worker' },
      { id: 'inner', ref: expect.objectContaining({ path: 'root/inner' }), type: 'supervisor' },
      { id: 'a', ref: t.system.lookup('a'), type: 'worker' },
    ]);
    expect(await t.sup('root').countChildren()).toEqual({ specs: 3, active: 3, supervisors: 1, workers: 2 });
  });

  it('reaches a supervisor by name or by id, and rejects an unknown one', async () => {
    const t = await base();
    expect(await t.sup('inner-sup').countChildren()).toEqual({
      specs: 1,
      active: 1,
      supervisors: 0,
      workers: 1,
    });
    expect(await t.sup('inner').countChildren()).toEqual({ specs: 1, active: 1, supervisors: 0, workers: 1 });
    await expect(t.sup('nope').countChildren()).rejects.toMatchObject({ code: 'ERR_NO_SUCH_ACTOR' });
    await expect(t.sup('a').countChildren()).rejects.toMatchObject({ code: 'ERR_NO_SUCH_ACTOR' });
  });

  it('follows a supervisor across its restarts', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        children: [
          defineSupervisor({
            id: 'inner',
            intensity: { maxRestarts: 0, withinMs: 10 },
            children: [probe({ id: 'x' })],
          }),
        ],
      }),
    );
    const handle = t.sup('inner');
    t.system.send('x', { type: 'crash' });
    await t.events.restartOf('inner');
    await settle(t.core);
    expect(await handle.countChildren()).toMatchObject({ active: 1 });
  });

  it('counts a dynamic supervisor child as a supervisor', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        children: [defineDynamicSupervisor({ id: 'dyn' }), probe({ id: 'a' })],
      }),
    );
    expect(await t.sup('root').countChildren()).toEqual({ specs: 2, active: 2, supervisors: 1, workers: 1 });
  });
});
