import { ManualClock } from '../../../src/clock';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { connectQueue } from '../../../src/queue/connect-queue';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem } from '../../../src/runtime/start-system';
import { defineSupervisor } from '../../../src/supervision/spec';
import { sharedStoreKinds } from '../../helpers/shared-stores';

/** A job taken with dequeue() on a shared store: its end reaches other processes, and no reaper takes it for lost. */
const kinds = sharedStoreKinds('dequeue-shared');

describe.each(kinds)('dequeue with records on %s', (_kind, make) => {
  it('ends the record for every process (waitFor elsewhere resolves), and a reaper never takes it for lost', async () => {
    const store = make();
    const system = await startSystem(
      defineSupervisor({ id: 'root', children: [defineQueue({ name: 'q', store })] }),
      { clock: new ManualClock() },
    );
    const q = system.queue('q');
    const job = await q.enqueue({ n: 1 });
    const elsewhere = await connectQueue({ name: 'q', store });
    const ended = elsewhere.waitFor(job.id);
    expect(await q.dequeue()).toMatchObject({ id: job.id });
    expect(await ended).toMatchObject({
      state: 'completed',
      reason: 'dequeued',
      processId: system.processId,
    });
    await elsewhere.close();
    await system.stop(); // its lease ends now

    // Another process reaps the active jobs of processes with no lease: the dequeued one is not one.
    const other = await store.create({
      queue: 'q',
      priorities: ['high', 'low'],
      records: { processId: 'other', retention: DEFAULT_RETENTION },
    });
    const records = other.records!;
    expect(await records.reap(Date.now() + 3_600_000, false)).toEqual([]);
    expect(await records.get(job.id)).toMatchObject({ state: 'completed', reason: 'dequeued' });
    expect(await records.counts()).toMatchObject({ active: 0, completed: 1, lost: 0 });
    await other.close();
  });
});
