import { defineSupervisor, type Strategy } from '../../../src/supervision/spec';
import { probe, switchable } from '../../helpers/probe';
import { settle, startTestSystem } from '../../helpers/start-test-system';
import type { RestartType } from '../../../src/actors/child-options';

/** Four children a, b, c, d started in that order; `restart` overrides some restart types. */
async function tree(strategy: Strategy, restart: Record<string, RestartType> = {}, failB?: () => boolean) {
  const trace: string[] = [];
  const children = ['a', 'b', 'c', 'd'].map((id) =>
    probe({
      id,
      trace,
      ...(restart[id] ? { restart: restart[id] } : {}),
      ...(id === 'b' && failB ? { failInit: failB } : {}),
    }),
  );
  const t = await startTestSystem(
    defineSupervisor({ id: 'root', strategy, intensity: { maxRestarts: 10, withinMs: 1000 }, children }),
  );
  trace.length = 0;
  return { ...t, trace };
}

const ids = async (t: Awaited<ReturnType<typeof tree>>) =>
  (await t.sup('root').whichChildren()).map((r) => r.id);

describe('one-for-one', () => {
  it('restarts only the failed child, in its position', async () => {
    const t = await tree('one-for-one');
    const before = ['a', 'c', 'd'].map((id) => t.system.lookup(id));
    t.system.send('b', { type: 'crash' });
    await t.events.restartOf('b');
    await settle(t.core);
    expect(t.trace).toEqual(['start:b']);
    expect(['a', 'c', 'd'].map((id) => t.system.lookup(id))).toEqual(before);
    expect(await ids(t)).toEqual(['d', 'c', 'b', 'a']);
  });
});

describe('one-for-all', () => {
  it('stops the other children newest first, then starts all in start order', async () => {
    const t = await tree('one-for-all');
    t.system.send('b', { type: 'crash' });
    await t.events.restartOf('d');
    await settle(t.core);
    expect(t.events.exitOrder()).toEqual(['b', 'd', 'c', 'a']);
    expect(t.trace).toEqual([
      'terminate:d',
      'terminate:c',
      'terminate:a',
      'start:a',
      'start:b',
      'start:c',
      'start:d',
    ]);
    expect(
      t.events
        .of('actor.exited')
        .slice(1)
        .map((e) => e.reason),
    ).toEqual([{ type: 'shutdown' }, { type: 'shutdown' }, { type: 'shutdown' }]);
    expect(await ids(t)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('terminates and removes a temporary bystander instead of restarting it', async () => {
    const t = await tree('one-for-all', { c: 'temporary' });
    t.system.send('a', { type: 'crash' });
    await t.events.restartOf('d');
    await settle(t.core);
    expect(t.trace).toEqual(['terminate:d', 'terminate:c', 'terminate:b', 'start:a', 'start:b', 'start:d']);
    expect(await ids(t)).toEqual(['d', 'b', 'a']);
  });

  it('starts again a child that was terminated by hand', async () => {
    const t = await tree('one-for-all', { c: 'transient' });
    expect(await t.sup('root').terminateChild('c')).toEqual({ status: 'ok' });
    t.trace.length = 0;
    t.system.send('a', { type: 'crash' });
    await t.events.restartOf('d');
    await settle(t.core);
    expect(t.trace).toEqual(['terminate:d', 'terminate:b', 'start:a', 'start:b', 'start:c', 'start:d']);
    expect((await t.sup('root').countChildren()).active).toBe(4);
  });

  it('counts one failure once toward intensity, however many siblings restart', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        strategy: 'one-for-all',
        intensity: { maxRestarts: 1, withinMs: 1000 },
        children: [probe({ id: 'a' }), probe({ id: 'b' }), probe({ id: 'c' })],
      }),
    );
    t.system.send('a', { type: 'crash' });
    await t.events.restartOf('c');
    await settle(t.core);
    expect(t.events.of('supervisor.escalated')).toEqual([]);
    t.system.send('a', { type: 'crash' });
    await t.events.waitFor('system.failed');
  });

  it('terminates the already restarted children again when a later one fails to restart', async () => {
    const failB = switchable();
    const t = await tree('one-for-all', {}, failB.check);
    failB.on = true;
    t.system.send('c', { type: 'crash' });
    await t.events.waitFor('actor.restarted', (e) => e.id === 'a');
    // a restarted, b failed: a is terminated again and the whole group retried until b starts.
    await t.events.exitOf('a', 2);
    failB.on = false;
    await t.events.restartOf('d');
    await settle(t.core);
    expect((await t.sup('root').countChildren()).active).toBe(4);
    expect(t.events.of('actor.exited', (e) => e.id === 'a')[1]?.reason).toEqual({ type: 'shutdown' });
  });
});

describe('rest-for-one', () => {
  it('restarts the failed child and those started after it, leaving earlier ones untouched', async () => {
    const t = await tree('rest-for-one');
    const a = t.system.lookup('a');
    t.system.send('b', { type: 'crash' });
    await t.events.restartOf('d');
    await settle(t.core);
    expect(t.events.exitOrder()).toEqual(['b', 'd', 'c']);
    expect(t.trace).toEqual(['terminate:d', 'terminate:c', 'start:b', 'start:c', 'start:d']);
    expect(t.system.lookup('a')).toBe(a);
    expect(t.events.of('actor.restarted').map((e) => e.id)).toEqual(['b', 'c', 'd']);
  });

  it('removes a temporary child in the rest', async () => {
    const t = await tree('rest-for-one', { d: 'temporary' });
    t.system.send('c', { type: 'crash' });
    await t.events.restartOf('c');
    await settle(t.core);
    expect(t.trace).toEqual(['terminate:d', 'start:c']);
    expect(await ids(t)).toEqual(['c', 'b', 'a']);
  });

  it('does nothing to the later children when the failed one is not restarted', async () => {
    const t = await tree('rest-for-one', { b: 'transient' });
    t.system.send('b', { type: 'stop' });
    await t.events.exitOf('b');
    await settle(t.core);
    expect(t.trace).toEqual(['terminate:b']);
    expect((await t.sup('root').countChildren()).active).toBe(3);
  });

  it('retries from the child that failed to restart onward only', async () => {
    const failB = switchable();
    const t = await tree('rest-for-one', {}, failB.check);
    failB.on = true;
    t.system.send('a', { type: 'crash' });
    await t.events.restartOf('a');
    failB.on = false; // the retry (a message to self) starts b
    await t.events.restartOf('d');
    await settle(t.core);
    expect(t.events.of('actor.restarted').map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(t.events.exitOrder(['a'])).toEqual(['a']); // a was not restarted a second time
  });
});
