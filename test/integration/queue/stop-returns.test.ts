import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { defineSupervisor } from '../../../src/supervision/spec';
import { expectAllAccounted } from '../../helpers/expect-all-accounted';
import { faultyStore } from '../../helpers/faulty-store';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

describe('graceful stop keeps jobs that never ran (defect 2)', () => {
  it.each([1, 2, 3, 4, 5])(
    'a batched store, 8 workers, stopped mid-run: every job taken is completed or back in the store (run %i)',
    async (run) => {
      const { factory } = faultyStore({ async: true });
      const t = await startTestSystem(
        defineSupervisor({
          id: 'root',
          children: [
            defineQueue({
              name: 'q',
              store: factory,
              workers: { count: 8, processor: () => Promise.resolve(ok()), shutdown: 5_000 },
            }),
          ],
        }),
        { account: true },
      );
      const jobs = new JobEvents(t.system.events);
      await t.system.queue('q').enqueueMany(Array.from({ length: 500 }, (_, i) => ({ task: i })));
      await jobs.wait('job.completed', 40 * run);
      const books = await expectAllAccounted(t.core);
      expect(books[0]?.lost).toBe(0);
      expect(jobs.count('job.lost')).toBe(0);
    },
  );
});
