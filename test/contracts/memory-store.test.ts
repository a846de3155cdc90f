import { memoryStore } from '../../src/stores/memory-store';
import { describeJobRecordsContract } from './job-records.contract';
import { withRecords } from './job-records-harness';
import { describeJobStoreContract, makeJob } from './job-store.contract';

describeJobStoreContract(
  'memory',
  () => memoryStore(),
  () => undefined,
  { durable: false, shared: false },
);
// With records on, the store keeps every rule it keeps without them.
describeJobStoreContract(
  'memory with records',
  () => withRecords(memoryStore()),
  () => undefined,
  { durable: false, shared: false },
);
describeJobRecordsContract('memory', () => memoryStore(), { shared: false });

describe('memoryStore', () => {
  it('answers synchronously, never with a promise', () => {
    const store = memoryStore().create({ queue: 'sync', priorities: ['high', 'low'] });
    expect(store).not.toBeInstanceOf(Promise);
    const job = makeJob('sync');
    expect(store.add(job, 0)).toBeUndefined();
    expect(store.addMany([makeJob('sync', { runAtMs: 5 })], 0)).toBeUndefined();
    expect(store.counts(0)).toEqual({ waiting: { high: 0, low: 1 }, delayed: 1 });
    expect(store.nextDueAtMs()).toBe(5);
    expect(store.size()).toBe(2);
    expect(store.take(0)).toBe(job);
  });

  it('hands out 100,000 jobs in FIFO order across priorities', () => {
    const store = memoryStore().create({ queue: 'big', priorities: ['high', 'low'] });
    const jobs = Array.from({ length: 100_000 }, (_, i) =>
      makeJob('big', { priority: i % 2 ? 'low' : 'high' }),
    );
    store.addMany(jobs, 0);
    const expected = [
      ...jobs.filter((j) => j.priority === 'high'),
      ...jobs.filter((j) => j.priority === 'low'),
    ];
    let i = 0;
    for (let job = store.take(0); job !== undefined; job = store.take(0)) {
      if (job !== expected[i++]) throw new Error(`out of order at ${i}`);
    }
    expect(i).toBe(100_000);
  });
});
