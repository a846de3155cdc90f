import { Registry } from 'prom-client';
import { ManualClock } from '../../../src/clock';
import { createMetrics } from '../../../src/metrics/create-metrics';
import { defineQueue } from '../../../src/queue/define-queue';
import { ok } from '../../../src/jobs/job-result';
import { defineSupervisor } from '../../../src/supervision/spec';
import { defineTask } from '../../../src/tasks/define-task';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const fast = defineTask<{ n: number }>({ name: 'fast', perform: () => ok() });

/** A ManualClock that counts its wall-clock reads. */
class CountingClock extends ManualClock {
  wallReads = 0;
  override wallNow(): number {
    this.wallReads++;
    return super.wallNow();
  }
}

/** Wall-clock reads made while `jobs` jobs are enqueued one by one and completed, with metrics on or off. */
async function readsFor(jobs: number, metrics: boolean): Promise<number> {
  const clock = new CountingClock();
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'mail', tasks: [fast], workers: { count: 1 } })], // records on
    }),
    { clock },
  );
  if (metrics) createMetrics(t.system, { registry: new Registry() });
  const events = new JobEvents(t.system.events);
  const q = t.system.queue('mail');
  const before = clock.wallReads;
  for (let n = 1; n <= jobs; n++) {
    await q.enqueue(fast.create({ n }));
    await events.wait('job.completed', n);
  }
  const reads = clock.wallReads - before;
  await t.system.stop();
  return reads;
}

describe('metrics and the clock', () => {
  it("make no wall-clock read of their own: an attempt is timed from the queue's take to its end, reads the job record shares", async () => {
    const off = await readsFor(4, false);
    const on = await readsFor(4, true);
    expect(on).toBe(off);
  });
});
