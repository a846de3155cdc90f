import type { ActorRef } from '../../../src/actors/actor-ref';
import { defineDynamicSupervisor, defineSupervisor } from '../../../src/supervision/spec';
import { deferred, flush } from '../../helpers/events';
import { probe, switchable, type ProbeMessage } from '../../helpers/probe';
import { settle, startTestSystem } from '../../helpers/start-test-system';

const start = (options: { maxChildren?: number; maxRestarts?: number } = {}) =>
  startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineDynamicSupervisor({
          id: 'dyn',
          ...(options.maxChildren !== undefined ? { maxChildren: options.maxChildren } : {}),
          intensity: { maxRestarts: options.maxRestarts ?? 1_000_000, withinMs: 1000 },
        }),
      ],
    }),
  );

const refOf = (result: { status: string; ref?: unknown }) => result.ref as ActorRef<ProbeMessage>;

describe('dynamic supervisor', () => {
  it('starts children at run time, the same id many times, keyed by ref', async () => {
    const t = await start();
    const one = await t.sup('dyn').startChild(probe({ id: 'w', name: null }));
    const two = await t.sup('dyn').startChild(probe({ id: 'w', name: null }));
    expect([one.status, two.status]).toEqual(['ok', 'ok']);
    expect(refOf(one)).not.toBe(refOf(two));
    expect((await t.sup('dyn').whichChildren()).map((r) => r.ref)).toEqual([refOf(two), refOf(one)]);
    expect(await t.sup('dyn').countChildren()).toEqual({ specs: 2, active: 2, supervisors: 0, workers: 2 });
  });

  it('restarts a crashed child as a new incarnation and drops transient and temporary ones that end normally', async () => {
    const t = await start();
    const p = refOf(await t.sup('dyn').startChild(probe({ id: 'p', name: null })));
    const tr = refOf(await t.sup('dyn').startChild(probe({ id: 'tr', name: null, restart: 'transient' })));
    const tm = refOf(await t.sup('dyn').startChild(probe({ id: 'tm', name: null, restart: 'temporary' })));
    p.send({ type: 'stop' });
    tr.send({ type: 'stop' });
    tm.send({ type: 'crash' });
    await t.events.restartOf('p');
    await t.events.exitOf('tm');
    await t.events.exitOf('tr');
    await settle(t.core);
    const rows = await t.sup('dyn').whichChildren();
    expect(rows.map((r) => r.id)).toEqual(['p']);
    expect(rows[0]?.ref).not.toBe(p);
  });

  it('refuses a start beyond maxChildren', async () => {
    const t = await start({ maxChildren: 2 });
    await t.sup('dyn').startChild(probe({ id: 'a', name: null }));
    await t.sup('dyn').startChild(probe({ id: 'b', name: null }));
    expect(await t.sup('dyn').startChild(probe({ id: 'c', name: null }))).toEqual({ status: 'max-children' });
  });

  it('counts a child whose restart keeps failing toward maxChildren, and terminates it by its old ref', async () => {
    const t = await start({ maxChildren: 1 });
    const fail = switchable();
    const old = refOf(await t.sup('dyn').startChild(probe({ id: 'a', name: null, failInit: fail.check })));
    fail.on = true;
    old.send({ type: 'crash' });
    await t.events.exitOf('a');
    expect(await t.sup('dyn').whichChildren()).toEqual([{ id: 'a', ref: 'restarting', type: 'worker' }]);
    expect(await t.sup('dyn').countChildren()).toEqual({ specs: 1, active: 0, supervisors: 0, workers: 1 });
    expect(await t.sup('dyn').startChild(probe({ id: 'b', name: null }))).toEqual({ status: 'max-children' });
    expect(await t.sup('dyn').terminateChild(old)).toEqual({ status: 'ok' });
    await settle(t.core);
    expect(await t.sup('dyn').whichChildren()).toEqual([]);
    expect(await t.sup('dyn').startChild(probe({ id: 'b', name: null }))).toMatchObject({ status: 'ok' });
  });

  it('counts every failed restart toward intensity and escalates', async () => {
    const t = await start({ maxRestarts: 2 });
    const fail = switchable();
    const ref = refOf(await t.sup('dyn').startChild(probe({ id: 'a', name: null, failInit: fail.check })));
    await t.sup('dyn').startChild(probe({ id: 'b', name: null }));
    fail.on = true;
    ref.send({ type: 'crash' });
    await t.events.waitFor('supervisor.escalated');
    await t.events.restartOf('dyn'); // its parent restarts it, empty
    await settle(t.core);
    expect(await t.sup('dyn').countChildren()).toEqual({ specs: 0, active: 0, supervisors: 0, workers: 0 });
    expect(t.log.find('child failed to restart; retrying')).toHaveLength(2);
    expect(t.events.exitOrder(['b'])).toEqual(['b']);
  });

  it('answers terminateChild with not-found for an id, an unknown ref or a dead one', async () => {
    const t = await start();
    const ref = refOf(await t.sup('dyn').startChild(probe({ id: 'a', name: null, restart: 'temporary' })));
    expect(await t.sup('dyn').terminateChild('a')).toEqual({ status: 'not-found' });
    expect(await t.sup('dyn').terminateChild(ref)).toEqual({ status: 'ok' });
    expect(await t.sup('dyn').terminateChild(ref)).toEqual({ status: 'not-found' });
  });

  it('answers not-supported to restartChild and deleteChild', async () => {
    const t = await start();
    expect(await t.sup('dyn').restartChild('a')).toEqual({ status: 'not-supported' });
    expect(await t.sup('dyn').deleteChild('a')).toEqual({ status: 'not-supported' });
  });

  it('signals every child at once on shutdown: a child may wait for a sibling to stop', async () => {
    const t = await start();
    const firstStopped = deferred();
    await t.sup('dyn').startChild(probe({ id: 'first', name: null, shutdown: 'infinity' }));
    // Started last, so a newest-first sequential shutdown would ask it first and wait forever.
    await t
      .sup('dyn')
      .startChild(
        probe({ id: 'waiter', name: null, shutdown: 'infinity', terminate: () => firstStopped.promise }),
      );
    t.events.exitOf('first').then(
      () => firstStopped.resolve(),
      () => undefined,
    );
    await t.sup('root').terminateChild('dyn');
    expect(t.events.exitOrder()).toEqual(['first', 'waiter', 'dyn']);
  });

  it('kills every child still running when one shared shutdown timer fires', async () => {
    const t = await start();
    const hang = { shutdown: 100, terminate: 'hang' as const, name: null };
    await t.sup('dyn').startChild(probe({ id: 'a', ...hang }));
    await t.sup('dyn').startChild(probe({ id: 'b', ...hang }));
    await t.sup('dyn').startChild(probe({ id: 'c', name: null, shutdown: 100 }));
    const done = t.sup('root').terminateChild('dyn');
    await t.events.exitOf('c');
    await flush();
    expect(t.clock.pendingTimers).toBe(1);
    t.clock.advance(100); // not 200: the waits overlap
    expect(await done).toEqual({ status: 'ok' });
    expect(t.events.of('actor.exited').map((e) => [e.id, e.reason.type])).toEqual([
      ['c', 'shutdown'],
      ['a', 'killed'],
      ['b', 'killed'],
      ['dyn', 'shutdown'],
    ]);
  });
});
