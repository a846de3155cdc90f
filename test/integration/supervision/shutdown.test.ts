import { defineSupervisor } from '../../../src/supervision/spec';
import type { Shutdown } from '../../../src/actors/child-options';
import { deferred, flush } from '../../helpers/events';
import { probe, type ProbeMessage } from '../../helpers/probe';
import { defineActor } from '../../../src/actors/define-actor';
import { engineCounts, startTestSystem } from '../../helpers/start-test-system';

/** An actor whose second and later inits never settle. */
function hangOnRestart(id: string, onHang: () => void) {
  let starts = 0;
  return defineActor({
    id,
    name: id,
    init: () => {
      if (++starts === 1) return 0;
      onHang();
      return new Promise<number>(() => undefined);
    },
    handle: (n: number, msg: ProbeMessage) => {
      if (msg.type === 'crash') throw new Error('crash');
      return n;
    },
  });
}

describe('shutdown (§1.7)', () => {
  it('stops every child one by one, newest first, at every level', async () => {
    const trace: string[] = [];
    const inner = defineSupervisor({
      id: 'inner',
      children: [probe({ id: 'x', trace }), probe({ id: 'y', trace })],
    });
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        children: [probe({ id: 'a', trace }), inner, probe({ id: 'b', trace })],
      }),
    );
    await t.system.stop();
    expect(t.events.exitOrder()).toEqual(['b', 'y', 'x', 'inner', 'a', 'root']);
    expect(trace.filter((l) => l.startsWith('terminate'))).toEqual([
      'terminate:b',
      'terminate:y',
      'terminate:x',
      'terminate:a',
    ]);
    expect(t.events.of('actor.exited').every((e) => e.reason.type === 'shutdown')).toBe(true);
    expect(t.core.engine.liveCount()).toBe(0);
    expect(t.system.stopped).toBe(true);
  });

  it('waits for the previous child to stop before asking the next one', async () => {
    const release = deferred();
    const trace: string[] = [];
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        children: [probe({ id: 'a', trace }), probe({ id: 'b', trace, terminate: () => release.promise })],
      }),
    );
    const stopped = t.system.stop();
    await flush();
    expect(trace.filter((l) => l.startsWith('terminate'))).toEqual(['terminate:b']);
    release.resolve();
    await stopped;
    expect(trace.filter((l) => l.startsWith('terminate'))).toEqual(['terminate:b', 'terminate:a']);
  });

  async function stuck(shutdown: Shutdown, hangIn: 'terminate' | 'handler' = 'terminate') {
    const reached = deferred();
    const signals: AbortSignal[] = [];
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        children: [
          probe({ id: 'a' }),
          probe({
            id: 'slow',
            shutdown,
            signals,
            terminate: () => {
              reached.resolve();
              return new Promise<void>(() => undefined);
            },
          }),
        ],
      }),
    );
    if (hangIn === 'handler') t.system.send('slow', { type: 'hang' });
    return { ...t, reached: reached.promise, signals };
  }

  it('kills a child whose terminate never settles once its shutdown ms have passed', async () => {
    const t = await stuck(100);
    const stopped = t.system.stop();
    await t.reached;
    t.clock.advance(99);
    await flush();
    expect(t.events.of('actor.exited')).toEqual([]);
    t.clock.advance(1);
    const exit = await t.events.exitOf('slow');
    expect(exit.reason).toEqual({ type: 'killed' });
    expect(t.signals[0]?.aborted).toBe(true);
    await stopped;
    expect(t.events.exitOrder()).toEqual(['slow', 'a', 'root']);
    expect(t.core.engine.liveCount()).toBe(0);
  });

  it('kills a child whose handler never settles: a hung message does not wedge shutdown', async () => {
    const t = await stuck(50, 'handler');
    const stopped = t.system.stop();
    await flush();
    t.clock.advance(50);
    expect((await t.events.exitOf('slow')).reason).toEqual({ type: 'killed' });
    expect(t.signals[0]?.aborted).toBe(true);
    await stopped;
  });

  it('kills a brutal-kill child at once, without running terminate', async () => {
    const trace: string[] = [];
    const t = await startTestSystem(
      defineSupervisor({ id: 'root', children: [probe({ id: 'a', trace, shutdown: 'brutal-kill' })] }),
    );
    await t.system.stop();
    expect(trace).toEqual(['start:a']);
    expect(t.events.of('actor.exited')[0]).toMatchObject({ id: 'a', reason: { type: 'killed' } });
  });

  it('waits for an infinity child however long it takes', async () => {
    const t = await stuck('infinity');
    const slow = t.system.lookup('slow') as unknown as { kill(): void };
    const stopped = t.system.stop();
    await t.reached;
    t.clock.advance(1_000_000_000);
    await flush();
    expect(t.events.of('actor.exited')).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
    // Nothing but a kill ends it: kill the stuck incarnation by hand to let the test finish.
    slow.kill();
    await stopped;
    expect(t.events.exitOrder()).toEqual(['slow', 'a', 'root']);
  });

  it('kills the children of a supervisor killed while it was shutting them down', async () => {
    const reached = deferred();
    const stuckChild = probe({
      id: 'stuck',
      shutdown: 'infinity',
      terminate: () => {
        reached.resolve();
        return new Promise<void>(() => undefined);
      },
    });
    const inner = defineSupervisor({ id: 'inner', shutdown: 100, children: [stuckChild] });
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [probe({ id: 'a' }), inner] }));
    const result = t.sup('root').terminateChild('inner');
    await reached.promise;
    t.clock.advance(100);
    expect(await result).toEqual({ status: 'ok' });
    expect(t.events.of('actor.exited').map((e) => [e.id, e.reason.type])).toEqual([
      ['stuck', 'killed'],
      ['inner', 'killed'],
    ]);
    expect(t.system.lookup('stuck')).toBeUndefined();
    expect(await engineCounts(t.core)).toEqual({ nact: 2, cells: 2 });
  });

  it('kills a child still in its init when its supervisor is killed, leaving no nact actor behind', async () => {
    const reached = deferred();
    const inner = defineSupervisor({
      id: 'inner',
      shutdown: 100,
      children: [hangOnRestart('x', reached.resolve)],
    });
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [probe({ id: 'a' }), inner] }));
    t.system.send('x', { type: 'crash' });
    await reached.promise; // inner is restarting x, whose init never settles
    t.system.send('x', { type: 'stop' }); // waits in x's mailbox for init
    const result = t.sup('root').terminateChild('inner');
    await flush();
    t.clock.advance(100);
    expect(await result).toEqual({ status: 'ok' });
    expect(t.events.of('actor.exited').map((e) => [e.id, e.reason.type])).toEqual([
      ['x', 'error'],
      ['x', 'killed'],
      ['inner', 'killed'],
    ]);
    expect(await engineCounts(t.core)).toEqual({ nact: 2, cells: 2 });
  });

  it('applies the same protocol to terminateChild', async () => {
    const t = await stuck(100);
    const result = t.sup('root').terminateChild('slow');
    await t.reached;
    t.clock.advance(100);
    expect(await result).toEqual({ status: 'ok' });
    expect((await t.events.exitOf('slow')).reason).toEqual({ type: 'killed' });
  });

  it('reports a shutdown error when a child exits with an unexpected reason and goes on', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        children: [
          probe({ id: 'a' }),
          probe({ id: 'b', terminate: () => Promise.reject(new Error('cleanup failed')) }),
        ],
      }),
    );
    await t.system.stop();
    expect(t.log.find('shutdown error', 'error').map((r) => [r.child, r.reason])).toEqual([
      ['b', 'error: cleanup failed'],
    ]);
    expect(t.events.exitOrder()).toEqual(['b', 'a', 'root']);
  });

  it('resolves stop() once, however often it is called', async () => {
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [probe({ id: 'a' })] }));
    await Promise.all([t.system.stop(), t.system.stop()]);
    await t.system.stop();
    expect(t.events.exitOrder()).toEqual(['a', 'root']);
  });
});
