import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import type { JobStore, JobStoreFactory } from '../../../src/stores/job-store';
import type { JobRecords } from '../../../src/stores/job-records';
import { memoryStore } from '../../../src/stores/memory-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { deferred } from '../../helpers/events';

/** dequeue() with records: its reply waits for the record's end, the queue's mailbox does not. */
let system: QuiSystem | undefined;
let gate = deferred();
afterEach(async () => {
  gate.resolve(); // a failed test must not leave the write, and so the stop, waiting
  await system?.stop();
  system = undefined;
});

it('answers stats and enqueues while a dequeued job’s record write is still in flight', async () => {
  gate = deferred();
  const inner = memoryStore();
  // A memory store whose record ends wait for the gate, as a slow (or failing) Redis write would.
  const store: JobStoreFactory = {
    ...inner,
    create(config) {
      const made = inner.create(config);
      const records = made.records as JobRecords;
      const held: JobRecords = Object.create(records, {
        finish: {
          value: (...args: Parameters<JobRecords['finish']>) =>
            gate.promise.then(() => records.finish(...args)),
        },
      }) as JobRecords;
      return Object.create(made, { records: { value: held } }) as JobStore;
    },
  };
  system = await startSystem(defineSupervisor({ id: 'root', children: [defineQueue({ name: 'q', store })] }));
  const queue = system.queue('q');
  const job = await queue.enqueue({ n: 1 });
  let taken = false;
  const dequeued = queue.dequeue().then((j) => ((taken = true), j));
  // Before the fix the queue actor held its mailbox until the write settled: these never answered.
  expect((await queue.stats()).waiting).toEqual({ high: 0, low: 0 });
  await queue.enqueue({ n: 2 });
  expect(await queue.size()).toBe(1);
  expect(taken).toBe(false);
  gate.resolve();
  expect((await dequeued)?.id).toBe(job.id);
  expect(await queue.getJob(job.id)).toMatchObject({ state: 'completed', reason: 'dequeued' });
});
