import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { err, ok, type JobResult } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { findQueueRuntime } from '../../../src/queue/queue-runtime';
import { memoryStore } from '../../../src/stores/memory-store';
import type { JobStoreFactory } from '../../../src/stores/job-store';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import type { Processor } from '../../../src/tasks/run-attempt';
import type { ManualClock } from '../../../src/clock';
import { expectAllAccounted } from '../../helpers/expect-all-accounted';
import { faultyStore } from '../../helpers/faulty-store';
import { deferred, flush } from '../../helpers/events';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qui-ledger-'));
  dirs.push(dir);
  return join(dir, 'jobs.db');
}

/** Lets event-loop turns pass until the clock has a timer armed, then fires the due ones. */
async function fireNextTimer(clock: ManualClock, ms: number): Promise<void> {
  while (clock.pendingTimers === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  clock.advance(ms);
}

async function pool(store: JobStoreFactory, processor: Processor, count = 1, extra: object = {}) {
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'q', store, workers: { count, processor, shutdown: 5_000 }, ...extra })],
    }),
    { account: true },
  );
  return { ...t, q: t.system.queue('q'), jobs: new JobEvents(t.system.events) };
}

describe('graceful stop keeps every outcome (defect 1)', () => {
  it('stores the retry of every attempt that fails while the system stops (SQLite, 4 workers)', async () => {
    const path = tempFile();
    const failLater: Processor = () =>
      new Promise<JobResult>((resolve) => setTimeout(() => resolve(err(new Error('boom'))), 50));
    const t = await pool(sqliteStore({ path }), failLater, 4);
    await t.q.enqueueMany([1, 2, 3, 4].map((task) => ({ task, options: { retryDelayMs: 0 } })));
    await t.jobs.wait('job.started', 4);
    await expectAllAccounted(t.core); // stops the system while the four attempts run
    expect(t.jobs.count('job.retrying')).toBe(4);
    expect(t.jobs.count('job.lost')).toBe(0);
    const reopened = sqliteStore({ path }).create({ queue: 'q', priorities: ['high', 'low'] });
    try {
      expect(reopened.size()).toBe(4);
      const tasks = reopened.takeMany(10, Date.now() + 1_000).map((j) => [j.task, j.attempts]);
      expect(tasks.sort()).toEqual([
        [1, 1],
        [2, 1],
        [3, 1],
        [4, 1],
      ]);
    } finally {
      reopened.close();
    }
  });
});

describe('closing the stores', () => {
  it('waits for the ledger writes in flight: a retry stored during stop() is in the store before it closes', async () => {
    const { factory, faults, calls, added } = faultyStore({ async: true });
    const t = await pool(factory, () => err(new Error('fails')));
    const slow = deferred();
    await t.q.enqueue('job', { retryDelayMs: 0, maxRetries: 1 });
    faults.hold = slow.promise; // the retry's write hangs
    await t.jobs.wait('job.retrying');
    const stopped = t.system.stop();
    await flush();
    expect(calls).not.toContain('close');
    faults.hold = undefined;
    slow.resolve();
    await stopped;
    expect(calls.slice(-2)).toEqual(['add', 'close']);
    expect(added.map((j) => j.attempts)).toEqual([0, 1]);
    expect(t.jobs.count('job.lost')).toBe(0);
  });
});

describe('store failures (defect 3)', () => {
  it('retries a retry that the store rejects and keeps the queue actor running', async () => {
    const { factory, faults } = faultyStore({ async: true });
    let calls = 0;
    const t = await pool(factory, () => (++calls === 1 ? err(new Error('first try fails')) : ok('done')));
    const queueCell = t.system.lookup('q');
    faults.add = 0;
    await t.q.enqueue('job', { retryDelayMs: 0 });
    faults.add = 2; // the retry's add fails twice
    await t.jobs.wait('job.retrying');
    await fireNextTimer(t.clock, 50);
    await fireNextTimer(t.clock, 200);
    await t.jobs.wait('job.completed');
    expect(t.system.lookup('q')).toBe(queueCell);
    expect(t.jobs.count('job.lost')).toBe(0);
    const books = await expectAllAccounted(t.core);
    expect(books[0]).toMatchObject({ enqueued: 1, completed: 1, lost: 0 });
  });

  it('reports a retry the store never takes as job.lost (reason store, with the error)', async () => {
    const { factory, faults } = faultyStore({ async: true });
    const t = await pool(factory, () => err(new Error('fails')));
    const queueCell = t.system.lookup('q');
    await t.q.enqueue('job', { retryDelayMs: 0 });
    faults.add = Infinity;
    await t.jobs.wait('job.retrying');
    for (const ms of [50, 200, 800, 2_000]) await fireNextTimer(t.clock, ms);
    const lost = await t.jobs.wait('job.lost');
    expect(lost.reason).toMatchObject({ type: 'store', error: { code: 'ERR_STORE' } });
    expect(lost.job?.task).toBe('job');
    expect(t.system.lookup('q')).toBe(queueCell);
    faults.add = 0;
    expect((await t.q.stats()).totals.lost).toBe(1);
    await expectAllAccounted(t.core);
  });

  it('answers an enqueue the store rejects with ERR_STORE, the store error as cause, maxSize or not', async () => {
    for (const extra of [{}, { maxSize: 10 }]) {
      const { factory, faults } = faultyStore({ async: true });
      const t = await startTestSystem(defineQueue({ name: 'q', store: factory, ...extra }), {
        account: true,
      });
      faults.add = 1;
      const error = await t.system
        .queue('q')
        .enqueue(1)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_STORE', cause: { message: /injected fault/ } });
      await expectAllAccounted(t.core);
    }
  });

  it('answers dequeue, stats and size with ERR_STORE when the store rejects, without crashing', async () => {
    const { factory, faults } = faultyStore({ async: true });
    const t = await startTestSystem(defineQueue({ name: 'q', store: factory }), { account: true });
    const cell = t.system.lookup('q');
    faults.take = 1;
    await expect(t.system.queue('q').dequeue()).rejects.toMatchObject({ code: 'ERR_STORE' });
    expect(t.system.lookup('q')).toBe(cell);
    await expectAllAccounted(t.core);
  });
});

describe('decode losses', () => {
  it('reports an entry the store could not decode as job.lost with its id, and counts it', async () => {
    const inner = memoryStore();
    const store: JobStoreFactory = {
      kind: 'memory',
      serializes: false,
      create: (config) => {
        const s = inner.create(config) as ReturnType<typeof inner.create> & object;
        return {
          ...s,
          take: (now: number) => {
            config.onUndecodable?.({ id: 'bad-1', error: new Error('not JSON') });
            return (s as { take(n: number): never }).take(now);
          },
          add: s.add.bind(s),
          addMany: s.addMany.bind(s),
          nextDueAtMs: s.nextDueAtMs.bind(s),
          counts: s.counts.bind(s),
          size: s.size.bind(s),
          close: s.close.bind(s),
        };
      },
    };
    // Not `account`: the undecodable entry was never enqueued here (another process would have).
    const t = await startTestSystem(defineQueue({ name: 'q', store }));
    const jobs = new JobEvents(t.system.events);
    expect(await t.system.queue('q').dequeue()).toBeUndefined();
    expect(jobs.seen['job.lost']).toEqual([
      {
        job: undefined,
        jobId: 'bad-1',
        reason: { type: 'decode', error: expect.any(Error) },
        worker: undefined,
      },
    ]);
    expect((await t.system.queue('q').stats()).totals.lost).toBe(1);
    expect(findQueueRuntime(t.core, 'q')?.ledger.totals.lost).toBe(1);
  });
});

describe('dead letters', () => {
  /** Queue `q` (dead-lettering to `graveyard`, no retries) running `processor`, and `graveyard`. */
  function withGraveyard(processor: Processor, extra: object = {}) {
    const q = { name: 'q', deadLetter: 'graveyard', defaults: { maxRetries: 0 }, ...extra };
    const children = [
      defineQueue({ ...q, workers: { count: 1, processor } }),
      defineQueue({ name: 'graveyard' }),
    ];
    return startTestSystem(defineSupervisor({ id: 'root', children }), { account: true });
  }

  it('stores the task of a dead job in the dead-letter queue, counted there as enqueued', async () => {
    const t = await withGraveyard(() => err(new Error('x')));
    const jobs = new JobEvents(t.system.events);
    await t.system.queue('q').enqueue({ n: 1 });
    await jobs.wait('job.enqueued', 2);
    expect((await t.system.queue('graveyard').dequeue())?.task).toEqual({ n: 1 });
    const books = await expectAllAccounted(t.core);
    expect(books.map((b) => [b.queue, b.dead, b.dequeued])).toEqual(
      expect.arrayContaining([
        ['q', 1, 0],
        ['graveyard', 0, 1],
      ]),
    );
  });

  it('retrying a copy of a queue run with retain: false stores its task as a new job of that queue', async () => {
    // Fails its first job only: the retried copy's task then completes.
    let runs = 0;
    const t = await withGraveyard(() => (++runs === 1 ? err(new Error('x')) : ok('again')), {
      retain: false,
    });
    const jobs = new JobEvents(t.system.events);
    const job = await t.system.queue('q').enqueue({ n: 1 });
    await jobs.wait('job.enqueued', 2);
    const graveyard = t.system.queue('graveyard');
    const [copy] = (await graveyard.getJobs({ state: 'waiting' })).records;
    const back = await graveyard.retryJob(copy?.id as string);
    expect(back).toMatchObject({ queue: 'q', state: 'waiting', task: { n: 1 } });
    expect(back.id).not.toBe(job.id);
    expect(await graveyard.getJob(copy?.id as string)).toBeUndefined();
    await jobs.wait('job.completed', 1);
    expect((await t.system.queue('q').stats()).totals).toMatchObject({ enqueued: 2, completed: 1, dead: 1 });
    expect((await graveyard.stats()).totals).toMatchObject({ enqueued: 1, removed: 1 });
  });
});
