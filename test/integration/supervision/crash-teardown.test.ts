/**
 * Issue 8, defect 6: a supervisor logs an unexpected message and carries on (OTP: "Supervisor
 * received unexpected message"), and a crashed supervisor's children are killed before it is
 * restarted, so no child outlives its parent (a named child would otherwise keep its name and
 * every restart would fail with ERR_NAME_TAKEN).
 */
import type { ActorCell } from '../../../src/actors/actor-cell';
import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { defineDynamicSupervisor, defineSupervisor } from '../../../src/supervision/spec';
import type { SupervisorState } from '../../../src/supervision/supervisor-behavior';
import { probe } from '../../helpers/probe';
import {
  engineCounts,
  liveCells,
  settle,
  startTestSystem,
  type TestSystem,
} from '../../helpers/start-test-system';

const SECRET = 'payload-that-must-not-be-logged';

/** A named static supervisor `sup` holding the named probe `child`, under the root. */
function namedSupervisorTree() {
  return defineSupervisor({
    id: 'root',
    children: [defineSupervisor({ id: 'sup', name: 'sup', children: [probe({ id: 'child' })] })],
  });
}

/** A named dynamic supervisor `dyn`. */
function dynamicTree() {
  return defineSupervisor({
    id: 'root',
    children: [defineDynamicSupervisor({ id: 'dyn', name: 'dyn' })],
  });
}

/** A queue `q` with a pool of 2 workers, registered as `q.workers`. */
function queueTree() {
  return defineSupervisor({
    id: 'root',
    children: [defineQueue({ name: 'q', workers: { count: 2, processor: () => ok() } })],
  });
}

function workers(t: TestSystem): ActorCell[] {
  return liveCells(t.core).filter((c) => c.path.startsWith('root/q/workers/worker#'));
}

/** Makes the supervisor registered as `name` throw on the next message it handles (a bug in it). */
function breakSupervisor(t: TestSystem, name: string): void {
  const state = t.core.cellNamed(name)?.currentState as SupervisorState;
  state.handle = () => {
    throw new Error('supervisor bug');
  };
}

const UNEXPECTED: { label: string; message: unknown; type?: string }[] = [
  { label: 'an unknown type', message: { type: 'bogus', secret: SECRET }, type: 'bogus' },
  { label: 'no type', message: { secret: SECRET } },
  { label: 'a string', message: SECRET },
  { label: 'null', message: null },
  {
    label: 'which-children without replyTo',
    message: { type: 'sup.which-children' },
    type: 'sup.which-children',
  },
  {
    label: 'start-child with a bad replyTo',
    message: { type: 'sup.start-child', spec: { secret: SECRET }, replyTo: SECRET },
    type: 'sup.start-child',
  },
  {
    label: 'exit without a cell',
    message: { type: 'sup.exit', reason: { type: 'error' } },
    type: 'sup.exit',
  },
  { label: 'retry without a key', message: { type: 'sup.retry' }, type: 'sup.retry' },
];

describe('a supervisor receiving an unexpected message', () => {
  it.each(UNEXPECTED)('logs $label at warn, by type only, and carries on', async ({ message, type }) => {
    const t = await startTestSystem(namedSupervisorTree());
    const child = t.system.lookup('child');
    t.system.send('sup', message);
    await settle(t.core);
    expect(t.events.of('actor.exited')).toEqual([]);
    expect(t.system.lookup('child')).toBe(child);
    const warned = t.log.find('supervisor received unexpected message', 'warn');
    expect(warned).toHaveLength(1);
    expect(warned[0]?.actor).toBe('root/sup');
    expect(warned[0]?.type).toBe(type);
    expect(JSON.stringify(t.log.records)).not.toContain(SECRET);
    expect(await t.sup('sup').countChildren()).toMatchObject({ active: 1 });
  });

  it.each(UNEXPECTED)('logs $label on a dynamic supervisor too', async ({ message }) => {
    const t = await startTestSystem(dynamicTree());
    const started = await t.sup('dyn').startChild(probe({ id: 'kid' }));
    t.system.send('dyn', message);
    await settle(t.core);
    expect(t.events.of('actor.exited')).toEqual([]);
    expect(t.log.find('supervisor received unexpected message', 'warn')).toHaveLength(1);
    expect(started.status === 'ok' && started.ref.alive).toBe(true);
  });

  it('ignores a forged exit of a child that is still alive', async () => {
    const t = await startTestSystem(namedSupervisorTree());
    const child = t.system.lookup('child');
    t.system.send('sup', { type: 'sup.exit', cell: child, reason: { type: 'error', error: new Error('x') } });
    await settle(t.core);
    expect(t.events.of('actor.exited')).toEqual([]);
    expect(t.events.of('system.failed')).toEqual([]);
    expect(t.system.lookup('child')).toBe(child);
    expect(t.log.find('supervisor received unexpected message', 'warn')).toHaveLength(1);
  });

  it('leaves a queue pool of count 2 with its 2 workers', async () => {
    const t = await startTestSystem(queueTree());
    const before = workers(t);
    t.system.send('q.workers', { type: 'bogus' });
    await settle(t.core);
    const after = workers(t);
    expect(after).toHaveLength(2);
    after.forEach((w, i) => expect(w).toBe(before[i]));
    expect(await t.sup('q.workers').countChildren()).toMatchObject({ active: 2, specs: 2 });
  });
});

describe('a crashed supervisor', () => {
  it('has its children killed before it is restarted, so a named child restarts cleanly', async () => {
    const t = await startTestSystem(namedSupervisorTree());
    const child = t.system.lookup('child')!;
    breakSupervisor(t, 'sup');
    t.system.send('sup', { type: 'sup.count-children', replyTo: { path: 'test', alive: true, send() {} } });
    // Without the teardown the restart fails (ERR_NAME_TAKEN) until the system fails: wait for either.
    await Promise.race([t.events.restartOf('sup'), t.events.waitFor('system.failed')]);
    await settle(t.core);
    expect(child.alive).toBe(false);
    expect(t.events.of('actor.exited', (e) => e.id === 'child').map((e) => e.reason.type)).toEqual([
      'killed',
    ]);
    expect(t.events.of('system.failed')).toEqual([]);
    const again = t.system.lookup('child');
    expect(again?.alive).toBe(true);
    expect(again).not.toBe(child);
    expect(liveCells(t.core).filter((c) => c.id === 'child')).toHaveLength(1);
  });

  it('leaves a restarted queue pool with exactly its count of workers', async () => {
    const t = await startTestSystem(queueTree());
    const before = workers(t);
    breakSupervisor(t, 'q.workers');
    t.system.send('q.workers', {
      type: 'sup.count-children',
      replyTo: { path: 'test', alive: true, send() {} },
    });
    await Promise.race([t.events.restartOf('workers'), t.events.waitFor('system.failed')]);
    await settle(t.core);
    expect(before.every((w) => !w.alive)).toBe(true);
    expect(workers(t)).toHaveLength(2);
    // One nact mailbox per live cell: nothing of the crashed pool is left running.
    const counts = await engineCounts(t.core);
    expect(counts.nact).toBe(counts.cells);
  });
});
