import type { ExitReason } from '../../../src/actors/exit-reason';
import type { RestartType } from '../../../src/actors/child-options';
import { defineSupervisor } from '../../../src/supervision/spec';
import { probe } from '../../helpers/probe';
import { settle, startTestSystem } from '../../helpers/start-test-system';

type Case = { label: string; reason: ExitReason };
const REASONS: Case[] = [
  { label: 'normal', reason: { type: 'normal' } },
  { label: 'shutdown', reason: { type: 'shutdown' } },
  { label: 'shutdown with a detail', reason: { type: 'shutdown', detail: { why: 'done' } } },
  { label: 'killed', reason: { type: 'killed' } },
  { label: 'error', reason: { type: 'error', error: new Error('boom') } },
];

/** §1.4: what the supervisor does, per restart type and exit reason. */
const EXPECTED: Record<RestartType, Record<string, 'restarted' | 'kept' | 'deleted'>> = {
  permanent: {
    normal: 'restarted',
    shutdown: 'restarted',
    'shutdown with a detail': 'restarted',
    killed: 'restarted',
    error: 'restarted',
  },
  transient: {
    normal: 'kept',
    shutdown: 'kept',
    'shutdown with a detail': 'kept',
    killed: 'restarted',
    error: 'restarted',
  },
  temporary: {
    normal: 'deleted',
    shutdown: 'deleted',
    'shutdown with a detail': 'deleted',
    killed: 'deleted',
    error: 'deleted',
  },
};

const rows = (['permanent', 'transient', 'temporary'] as const).flatMap((restart) =>
  REASONS.map((c) => ({ restart, ...c, outcome: EXPECTED[restart][c.label] })),
);

describe('the restart-type table (§1.4)', () => {
  it.each(rows)('a $restart child exiting $label is $outcome', async ({ restart, reason, outcome }) => {
    const t = await startTestSystem(
      defineSupervisor({ id: 'root', children: [probe({ id: 'other' }), probe({ id: 'child', restart })] }),
    );
    const first = t.system.lookup('child')!;
    first.send({ type: 'exit', reason });
    const exit = await t.events.exitOf('child');
    expect(exit.reason).toEqual(reason);
    await settle(t.core);

    const rows = await t.sup('root').whichChildren();
    const row = rows.find((r) => r.id === 'child');
    const counts = await t.sup('root').countChildren();
    switch (outcome) {
      case 'restarted':
        expect(t.events.of('actor.restarted', (e) => e.id === 'child')).toHaveLength(1);
        expect(row?.ref).toBe(t.system.lookup('child'));
        expect(row?.ref).not.toBe(first);
        expect(counts).toEqual({ specs: 2, active: 2, supervisors: 0, workers: 2 });
        break;
      case 'kept':
        expect(row).toEqual({ id: 'child', ref: undefined, type: 'worker' });
        expect(counts).toEqual({ specs: 2, active: 1, supervisors: 0, workers: 2 });
        break;
      case 'deleted':
        expect(row).toBeUndefined();
        expect(counts).toEqual({ specs: 1, active: 1, supervisors: 0, workers: 1 });
        break;
    }
    if (outcome !== 'restarted') expect(t.events.of('actor.restarted')).toEqual([]);
    // The sibling is never touched under one-for-one.
    expect(t.events.exitOrder(['other'])).toEqual([]);
  });

  it('logs child terminated at error level for a crash and at info for a normal exit', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        children: [probe({ id: 'a' }), probe({ id: 'b', restart: 'transient' })],
      }),
    );
    t.system.send('a', { type: 'crash' });
    t.system.send('b', { type: 'stop' });
    await t.events.restartOf('a');
    await t.events.exitOf('b');
    await settle(t.core);
    expect(t.log.find('child terminated', 'error').map((r) => [r.child, r.reason])).toEqual([
      ['a', 'error: a crashed'],
    ]);
    expect(t.log.find('child terminated', 'info').map((r) => [r.child, r.reason])).toEqual([['b', 'normal']]);
  });

  it('treats a rejected handler promise like a throw', async () => {
    const t = await startTestSystem(
      defineSupervisor({ id: 'root', children: [probe({ id: 'a', restart: 'transient' })] }),
    );
    t.system.send('a', { type: 'reject' });
    const exit = await t.events.exitOf('a');
    expect(exit.reason).toMatchObject({ type: 'error', error: { message: 'a rejected' } });
    await t.events.restartOf('a');
  });
});
