import { defineQueue } from '../../../src/queue/define-queue';
import { ok } from '../../../src/jobs/job-result';
import type { Job } from '../../../src/jobs/job';
import type { JobStore, JobStoreFactory, StoreConfig } from '../../../src/stores/job-store';
import { memoryStore } from '../../../src/stores/memory-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

interface Calls {
  takeMany: number[];
  failNext: boolean;
  /** When set, takeMany waits for it before answering. */
  gate?: Promise<void>;
  inner?: JobStore;
  closed?: boolean;
}

/** A memory store that answers with promises, as Redis does; `failNext` makes takeMany reject once. */
function asyncStore(calls: Calls): JobStoreFactory {
  return {
    kind: 'async-memory',
    serializes: false,
    create(config: StoreConfig): JobStore {
      const inner = memoryStore().create(config);
      calls.inner = inner;
      return {
        add: async (job, now) => {
          if (calls.closed) throw new Error('store closed');
          inner.add(job, now);
        },
        addMany: async (jobs, now) => inner.addMany(jobs, now),
        take: async (now) => inner.take(now),
        takeMany: async (n, now) => {
          calls.takeMany.push(n);
          if (calls.gate) await calls.gate;
          if (calls.failNext) {
            calls.failNext = false;
            throw new Error('connection lost');
          }
          const out: Job[] = [];
          for (
            let job = out.length < n ? inner.take(now) : undefined;
            job;
            job = out.length < n ? inner.take(now) : undefined
          )
            out.push(job);
          return out;
        },
        nextDueAtMs: async () => inner.nextDueAtMs(),
        counts: async (now) => inner.counts(now),
        size: async () => inner.size(),
        close: async () => void (calls.closed = true), // the inner store stays readable for tests
      };
    },
  };
}

async function queueOn(calls: Calls, count: number) {
  const started: unknown[] = [];
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({
          name: 'q',
          store: asyncStore(calls),
          workers: { count, processor: (job) => (started.push(job.task), ok()) },
        }),
      ],
    }),
    { account: true },
  );
  return { ...t, started, q: t.system.queue('q'), jobs: new JobEvents(t.system.events) };
}

describe('a queue on a store that answers with promises', () => {
  it('serves all parked polls with one takeMany, in priority then FIFO order, each job once', async () => {
    const calls: Calls = { takeMany: [], failNext: false };
    const { q, jobs, started } = await queueOn(calls, 4);
    let stats = await q.stats();
    while (stats.parkedPolls < 4) stats = await q.stats();
    calls.takeMany.length = 0;
    await q.enqueueMany([
      { task: 'l1' },
      { task: 'h1', options: { priority: 'high' } },
      { task: 'l2' },
      { task: 'h2', options: { priority: 'high' } },
      { task: 'l3' },
      { task: 'l4' },
    ]);
    await jobs.wait('job.completed', 6);
    expect(calls.takeMany[0]).toBe(4);
    expect(started.slice(0, 4)).toEqual(['h1', 'h2', 'l1', 'l2']);
    expect([...started].sort()).toEqual(['h1', 'h2', 'l1', 'l2', 'l3', 'l4']);
    expect((await q.stats()).totals).toMatchObject({ handedOut: 6, completed: 6 });
  });

  it('takes for all the workers that poll again within two turns in one round, not one round for the first and one for the rest', async () => {
    const calls: Calls = { takeMany: [], failNext: false };
    const { q, jobs } = await queueOn(calls, 4);
    let stats = await q.stats();
    while (stats.parkedPolls < 4) stats = await q.stats();
    calls.takeMany.length = 0;
    await q.enqueueMany(Array.from({ length: 40 }, (_, i) => ({ task: i })));
    await jobs.wait('job.completed', 40);
    // Ten rounds of four jobs, and the round that finds nothing more; never a round for fewer polls.
    expect(calls.takeMany.every((n) => n === 4)).toBe(true);
    expect(calls.takeMany.length).toBeLessThanOrEqual(12);
  });

  it('takes again after the store failed, once the retry delay has passed', async () => {
    const calls: Calls = { takeMany: [], failNext: false };
    const { q, jobs, clock, log } = await queueOn(calls, 2);
    let stats = await q.stats();
    while (stats.parkedPolls < 2) stats = await q.stats();
    calls.failNext = true;
    await q.enqueue('survivor');
    while (log.find('taking jobs failed; retrying', 'warn').length === 0) await q.stats();
    expect(jobs.count('job.started')).toBe(0);
    clock.advance(1_000);
    expect((await jobs.wait('job.completed')).job.task).toBe('survivor');
  });

  it('puts back jobs a round took for workers that stopped meanwhile: a shutdown loses none', async () => {
    const calls: Calls = { takeMany: [], failNext: false };
    const { system, q, jobs } = await queueOn(calls, 3);
    let stats = await q.stats();
    while (stats.parkedPolls < 3) stats = await q.stats();
    let open!: () => void;
    calls.gate = new Promise<void>((resolve) => (open = resolve));
    const asked = calls.takeMany.length;
    await q.enqueueMany([{ task: 1 }, { task: 2 }, { task: 3 }]);
    while (calls.takeMany.length === asked) await new Promise<void>((resolve) => setImmediate(resolve));
    const stopped = system.stop(); // the pool stops first, while the round is in flight
    await new Promise<void>((resolve) => setImmediate(resolve));
    open();
    await stopped;
    expect(jobs.count('job.started')).toBe(0);
    expect(await calls.inner?.size()).toBe(3);
  });
});
