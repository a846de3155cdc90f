/**
 * Issue 8, defect 7: a queue pool's `workers.intensity` is the supervisor's intensity, and a
 * partial one takes the default window (5,000 ms): restarts older than that expire. (Before, a
 * missing `withinMs` made the threshold NaN, so no restart ever left the window.)
 */
import type { JobResult } from '../../../src/jobs/job-result';
import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { defineSupervisor } from '../../../src/supervision/spec';
import { startTestSystem, type TestSystem } from '../../helpers/start-test-system';

/** A pool of one worker that crashes on a `bad` job (a non-conforming result), at most 1 restart. */
function start(): Promise<TestSystem> {
  const queue = defineQueue({
    name: 'q',
    workers: {
      count: 1,
      processor: (job) => (job.task === 'bad' ? (undefined as unknown as JobResult) : ok()),
      intensity: { maxRestarts: 1 },
    },
  });
  return startTestSystem(defineSupervisor({ id: 'root', children: [queue] }), { logLevel: 'warn' });
}

/** The worker's `nth` restart, or the pool giving up, whichever comes first. */
function restartOrEscalation(t: TestSystem, nth: number): Promise<string> {
  return Promise.race([
    t.events.restartOf('worker', nth).then(() => 'restarted'),
    t.events.waitFor('supervisor.escalated').then((e) => `escalated ${e.path}`),
  ]);
}

describe('a pool with a partial intensity { maxRestarts: 1 }', () => {
  it('forgets a restart once the default 5,000 ms window has passed', async () => {
    const t = await start();
    await t.system.queue('q').enqueue('bad');
    expect(await restartOrEscalation(t, 1)).toBe('restarted');
    t.clock.advance(5_001);
    await t.system.queue('q').enqueue('bad');
    expect(await restartOrEscalation(t, 2)).toBe('restarted');
    expect(t.events.of('supervisor.escalated')).toEqual([]);
  });

  it('gives up on a second crash within the window', async () => {
    const t = await start();
    await t.system.queue('q').enqueue('bad');
    expect(await restartOrEscalation(t, 1)).toBe('restarted');
    t.clock.advance(4_999);
    await t.system.queue('q').enqueue('bad');
    expect(await restartOrEscalation(t, 2)).toBe('escalated root/q/workers');
  });
});
