import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { defineSupervisor } from '../../../src/supervision/spec';
import { probe } from '../../helpers/probe';
import { settle, startTestSystem } from '../../helpers/start-test-system';

const tree = () =>
  defineSupervisor({
    id: 'root',
    strategy: 'rest-for-one',
    intensity: { maxRestarts: 5, withinMs: 1_000 },
    children: [
      probe({ id: 'a' }),
      defineSupervisor({ id: 'inner', name: 'inner-sup', children: [probe({ id: 'x' })] }),
      defineQueue({ name: 'mail', workers: { count: 2, processor: () => ok() } }),
    ],
  });

describe('SupervisorHandle.inspect', () => {
  it('tells strategy, intensity and each child with its state and path, oldest first', async () => {
    const t = await startTestSystem(tree());
    expect(await t.sup('root').inspect()).toEqual({
      kind: 'supervisor',
      path: 'root',
      strategy: 'rest-for-one',
      intensity: { maxRestarts: 5, withinMs: 1_000 },
      restartsInWindow: 0,
      children: [
        { id: 'a', type: 'worker', state: 'running', path: 'root/a' },
        { id: 'inner', type: 'supervisor', state: 'running', path: 'root/inner' },
        { id: 'mail', type: 'supervisor', state: 'running', path: 'root/mail' },
      ],
    });
  });

  it('counts the restarts inside the window, and forgets them once the window has passed', async () => {
    const t = await startTestSystem(tree());
    t.system.send('a', { type: 'crash' });
    await settle(t.core);
    t.system.send('a', { type: 'crash' });
    await settle(t.core);
    expect((await t.sup('root').inspect()).restartsInWindow).toBe(2);
    t.clock.advance(1_001);
    expect((await t.sup('root').inspect()).restartsInWindow).toBe(0);
  });

  it('shows a terminated child as stopped, with no path', async () => {
    const t = await startTestSystem(tree());
    await t.sup('root').terminateChild('a');
    expect((await t.sup('root').inspect()).children[0]).toEqual({
      id: 'a',
      type: 'worker',
      state: 'stopped',
      path: undefined,
    });
  });

  it('tells a dynamic supervisor as one-for-one with its children', async () => {
    const t = await startTestSystem(tree());
    const pool = await t.sup('mail.workers').inspect();
    expect(pool).toMatchObject({ kind: 'dynamic-supervisor', strategy: 'one-for-one', restartsInWindow: 0 });
    expect(pool.children.map((c) => [c.id, c.state])).toEqual([
      ['worker', 'running'],
      ['worker', 'running'],
    ]);
  });
});

describe('system.tree and system.queues', () => {
  it('walks every running supervisor from the root down', async () => {
    const t = await startTestSystem(tree());
    const root = await t.system.tree();
    const paths = (n: typeof root): string[] => (n ? [n.path, ...n.subtrees.flatMap(paths)] : []);
    expect(paths(root)).toEqual(['root', 'root/inner', 'root/mail', 'root/mail/workers']);
    expect(root?.subtrees[0]).toMatchObject({ id: 'inner', name: 'inner-sup', strategy: 'one-for-one' });
  });

  it('names the queues of the running tree', async () => {
    const t = await startTestSystem(tree());
    expect(t.system.queues()).toEqual(['mail']);
  });

  it('answers undefined once the system has stopped', async () => {
    const t = await startTestSystem(tree());
    await t.system.stop();
    expect(await t.system.tree()).toBeUndefined();
  });
});
