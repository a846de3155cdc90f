import { InvalidOptionsError } from '../../src/errors';
import type { Job } from '../../src/jobs/job';
import type { JobRecord } from '../../src/jobs/job-record';
import { DEFAULT_RETENTION } from '../../src/jobs/job-retention';
import { zeroCounts, type JobRecords } from '../../src/stores/job-records';
import type { JobStore, JobStoreFactory } from '../../src/stores/job-store';
import { describeRecordsControlContract } from './job-records-control.contract';
import { PROCESS, retention, type RecordsHarness, type RecordsTraits } from './job-records-harness';
import { makeJob } from './job-store.contract';

const PRIORITIES = ['high', 'normal', 'low'] as const;
let queueCounter = 0;

/**
 * The records conformance suite every store keeping {@link JobRecords} passes. Time is driven by
 * explicit `nowMs`. A store file adds it with one line; `traits.pending` skips it, naming who will
 * implement it.
 */
export function describeJobRecordsContract(
  name: string,
  makeFactory: () => JobStoreFactory,
  traits: RecordsTraits,
): void {
  const suite = traits.pending === undefined ? describe : describe.skip;
  suite(`${name} store records contract${traits.pending ? ` (${traits.pending})` : ''}`, () => {
    let factory: JobStoreFactory;
    let queue: string;
    const stores: JobStore[] = [];
    const h: RecordsHarness = {
      async open(options = {}) {
        const store = await factory.create({
          queue,
          priorities: PRIORITIES,
          records: {
            processId: options.processId ?? PROCESS,
            retention: options.retention ?? DEFAULT_RETENTION,
          },
        });
        stores.push(store);
        if (store.records === undefined)
          throw new Error('a store given StoreConfig.records must expose records');
        return store as JobStore & { records: JobRecords };
      },
      async openPlain() {
        const store = await factory.create({ queue, priorities: PRIORITIES });
        stores.push(store);
        return store;
      },
      job: (overrides = {}) => makeJob(queue, overrides),
      counts: (partial) => ({ ...zeroCounts(), ...partial }),
      traits,
    };

    beforeEach(() => {
      factory = makeFactory();
      queue = `r${++queueCounter}-${process.pid}`;
    });
    afterEach(async () => {
      for (const store of stores.splice(0)) {
        try {
          await store.close();
        } catch {
          // closed by the test already
        }
      }
    });

    describeTransitions(h);
    describePages(h);
    describeRetention(h);
    describeRecordsControlContract(h);
  });
}

function describeTransitions(h: RecordsHarness): void {
  it('keeps no records when the config has none, and hands out jobs as before', async () => {
    const store = await h.openPlain();
    expect(store.records).toBeUndefined();
    const job = h.job();
    await store.add(job, 0);
    expect(await store.take(0)).toEqual(job);
  });

  it('writes a waiting or delayed record per added job, every field as enqueued', async () => {
    const store = await h.open();
    const { records } = store;
    const due = h.job({ task: { task: 'send', params: { to: 'a' } }, priority: 'high', timeoutMs: Infinity });
    const later = h.job({
      runAtMs: 500,
      deadLetterOf: { queue: 'src', jobId: 'j-0', error: { name: 'Error', message: 'boom' } },
      trace: { traceparent: '00-abc-def-01' },
    });
    await store.add(due, 0);
    await store.addMany([later], 0);
    expect(await records.get(due.id)).toEqual<JobRecord>({
      id: due.id,
      queue: due.queue,
      task: due.task,
      taskName: 'send',
      priority: 'high',
      options: { maxRetries: 3, retryDelayMs: 100, backoff: { type: 'fixed' }, timeoutMs: Infinity },
      state: 'waiting',
      attempts: 0,
      enqueuedAtMs: 1_000,
      runAtMs: undefined,
      startedAtMs: undefined,
      finishedAtMs: undefined,
      error: undefined,
      history: undefined,
      result: undefined,
      progress: undefined,
      processId: undefined,
      worker: undefined,
      reason: undefined,
      deadLetterOf: undefined,
      trace: undefined,
    });
    expect(await records.get(later.id)).toMatchObject({
      state: 'delayed',
      runAtMs: 500,
      taskName: 'noop',
      deadLetterOf: later.deadLetterOf,
      trace: later.trace,
    });
    expect(await records.counts()).toEqual(h.counts({ waiting: 1, delayed: 1 }));
    expect(await records.get('no-such-job')).toBeUndefined();
  });

  it('marks each taken job active with the process id in the same step: take and takeMany', async () => {
    const store = await h.open();
    const { records } = store;
    const jobs = [h.job(), h.job(), h.job(), h.job()];
    await store.addMany(jobs, 0);
    const first = await store.take(10);
    const more = store.takeMany ? await store.takeMany(2, 20) : [await store.take(20), await store.take(20)];
    expect(await records.get(first!.id)).toMatchObject({
      state: 'active',
      processId: PROCESS,
      startedAtMs: 10,
      attempts: 1,
    });
    for (const job of more) {
      expect(await records.get(job!.id)).toMatchObject({
        state: 'active',
        processId: PROCESS,
        startedAtMs: 20,
      });
    }
    expect(await records.get(jobs[3]!.id)).toMatchObject({ state: 'waiting', processId: undefined });
    expect(await records.counts()).toEqual(h.counts({ waiting: 1, active: 3 }));
  });

  it('moves a delayed record to waiting when its job is promoted, then active when taken', async () => {
    const store = await h.open();
    const { records } = store;
    const later = h.job({ runAtMs: 100 });
    const due = h.job({ runAtMs: 40 });
    const other = h.job({ priority: 'high', runAtMs: 50 });
    await store.addMany([later, due, other], 0);
    // The take at 60 promotes both due jobs and hands out the higher one; the other now waits.
    expect((await store.take(60))?.id).toBe(other.id);
    expect((await records.get(due.id))?.state).toBe('waiting');
    expect((await records.get(later.id))?.state).toBe('delayed');
    expect(await records.counts()).toEqual(h.counts({ waiting: 1, delayed: 1, active: 1 }));
    expect((await store.take(100))?.id).toBe(due.id);
    expect((await store.take(100))?.id).toBe(later.id);
    expect(await records.get(later.id)).toMatchObject({ state: 'active', attempts: 1 });
    expect(await records.counts()).toEqual(h.counts({ active: 3 }));
  });

  it.each([
    [
      'completed',
      { state: 'completed', result: '{"sent":3}', error: undefined, worker: 'w/1' },
      { result: { sent: 3 } },
    ],
    [
      'dead',
      { state: 'dead', error: { name: 'Error', message: 'boom' }, worker: 'w/1' },
      { error: { name: 'Error', message: 'boom' } },
    ],
    [
      'lost',
      { state: 'lost', reason: 'worker-crashed', error: undefined, worker: 'w/1' },
      { reason: 'worker-crashed' },
    ],
    ['cancelled', { state: 'cancelled', reason: 'user', worker: 'w/1' }, { reason: 'user' }],
  ] as const)('finishes an active job as %s, with its fields and counts', async (state, end, fields) => {
    const store = await h.open();
    const { records } = store;
    const job = h.job();
    await store.add(job, 0);
    await store.take(10);
    expect(await records.finish(job.id, end, 30)).toBe(true);
    expect(await records.get(job.id)).toMatchObject({
      state,
      finishedAtMs: 30,
      startedAtMs: 10,
      worker: 'w/1',
      ...fields,
    });
    expect(await records.counts()).toEqual(h.counts({ [state]: 1 }));
  });

  it('keeps a completed job whose result could not be kept, with the error that says why', async () => {
    const store = await h.open();
    const { records } = store;
    const job = h.job();
    await store.add(job, 0);
    await store.take(0);
    const error = { name: 'QuiError', message: 'too large', code: 'ERR_RESULT_TOO_LARGE' };
    await records.finish(job.id, { state: 'completed', result: undefined, error, worker: undefined }, 5);
    expect(await records.get(job.id)).toMatchObject({ state: 'completed', result: undefined, error });
  });

  it('changes nothing, and says so, when an attempt write names a job not active here', async () => {
    const store = await h.open();
    const { records } = store;
    const job = h.job();
    await store.add(job, 0);
    const end = { state: 'completed', result: undefined, error: undefined, worker: undefined } as const;
    expect(await records.finish(job.id, end, 5)).toBe(false);
    expect(await records.finish('no-such-job', end, 5)).toBe(false);
    expect(await records.progress(job.id, '1', 5)).toBe(false);
    const retry = { ...job, attempts: 1 };
    expect(await records.retryLater(retry, { name: 'Error', message: 'x' }, undefined, 5)).toBe(false);
    expect(await records.get(job.id)).toMatchObject({ state: 'waiting', progress: undefined });
    expect(await store.size()).toBe(1);
  });

  it('stores a retry and marks the record failed, then active again with the next attempt', async () => {
    const store = await h.open();
    const { records } = store;
    const job = h.job();
    await store.add(job, 0);
    await store.take(0);
    const error = { name: 'Error', message: 'flaky', stack: 'Error: flaky\n    at x' };
    expect(await records.retryLater({ ...job, attempts: 1, runAtMs: 100 }, error, 'w/2', 10)).toBe(true);
    expect(await records.get(job.id)).toMatchObject({
      state: 'failed',
      attempts: 1,
      runAtMs: 100,
      error,
      worker: 'w/2',
    });
    expect(await records.counts()).toEqual(h.counts({ failed: 1 }));
    expect(await store.take(50)).toBeUndefined();
    expect((await store.take(100))?.attempts).toBe(1);
    expect(await records.get(job.id)).toMatchObject({
      state: 'active',
      attempts: 2,
      startedAtMs: 100,
      error,
    });
  });

  it('stores progress on an active job', async () => {
    const store = await h.open();
    const { records } = store;
    const job = h.job();
    await store.add(job, 0);
    await store.take(0);
    expect(await records.progress(job.id, '{"done":40}', 5)).toBe(true);
    expect((await records.get(job.id))?.progress).toEqual({ done: 40 });
  });
}

function describePages(h: RecordsHarness): void {
  it('pages through a state newest first, with a cursor, undefined after the last page', async () => {
    const store = await h.open();
    const { records } = store;
    const jobs = Array.from({ length: 5 }, () => h.job());
    for (const job of jobs) await store.add(job, 0);
    const newestFirst = jobs.map((j) => j.id).reverse();
    const first = await records.list({ state: 'waiting', limit: 2 });
    expect(first.records.map((r) => r.id)).toEqual(newestFirst.slice(0, 2));
    const second = await records.list({ state: 'waiting', limit: 2, cursor: first.cursor! });
    expect(second.records.map((r) => r.id)).toEqual(newestFirst.slice(2, 4));
    const last = await records.list({ state: 'waiting', limit: 2, cursor: second.cursor! });
    expect(last.records.map((r) => r.id)).toEqual(newestFirst.slice(4));
    expect(last.cursor).toBeUndefined();
    expect(await records.list({ state: 'dead', limit: 10 })).toEqual({ records: [], cursor: undefined });
  });

  it('orders by when each record entered the state, and keeps a cursor good after its record moved on', async () => {
    const store = await h.open();
    const { records } = store;
    const [a, b, c, d] = [h.job(), h.job(), h.job(), h.job()];
    await store.addMany([a, b, c, d], 0);
    const page = await records.list({ state: 'waiting', limit: 2 });
    expect(page.records.map((r) => r.id)).toEqual([d.id, c.id]);
    // a, b, c are taken (c, the cursor's record, leaves waiting); d stays.
    await store.take(0);
    await store.take(0);
    await store.take(0);
    const rest = await records.list({ state: 'waiting', limit: 2, cursor: page.cursor! });
    expect(rest.records).toEqual([]);
    const active = await records.list({ state: 'active', limit: 10 });
    expect(active.records.map((r) => r.id)).toEqual([c.id, b.id, a.id]);
  });

  it.each([
    [{ state: 'done', limit: 1 }, 'state'],
    [{ state: 'waiting', limit: 0 }, 'limit'],
    [{ state: 'waiting', limit: 1_001 }, 'limit'],
    [{ state: 'waiting', limit: 1, cursor: 'not a cursor' }, 'cursor'],
  ])('rejects the query %p, naming %s', async (query, path) => {
    const { records } = await h.open();
    await expect(async () => records.list(query as never)).rejects.toThrow(InvalidOptionsError);
    await expect(async () => records.list(query as never)).rejects.toMatchObject({ path });
  });
}

function describeRetention(h: RecordsHarness): void {
  const done = async (store: JobStore & { records: JobRecords }, nowMs: number): Promise<Job> => {
    const job = h.job();
    await store.add(job, nowMs);
    await store.take(nowMs);
    await store.records.finish(
      job.id,
      { state: 'completed', result: undefined, error: undefined, worker: undefined },
      nowMs,
    );
    return job;
  };

  it('keeps at most maxCount ended records per state, pruning the oldest as each ends', async () => {
    const store = await h.open({ retention: retention({ completed: { maxAgeMs: Infinity, maxCount: 2 } }) });
    const jobs = [await done(store, 1), await done(store, 2), await done(store, 3), await done(store, 4)];
    expect(await store.records.get(jobs[0]!.id)).toBeUndefined();
    expect(await store.records.get(jobs[1]!.id)).toBeUndefined();
    expect((await store.records.list({ state: 'completed', limit: 10 })).records.map((r) => r.id)).toEqual([
      jobs[3]!.id,
      jobs[2]!.id,
    ]);
    expect(await store.records.counts()).toEqual(h.counts({ completed: 2 }));
  });

  it('keeps the count cap exact when many jobs end at once, the last to end kept', async () => {
    const store = await h.open({ retention: retention({ completed: { maxAgeMs: Infinity, maxCount: 2 } }) });
    const jobs = [h.job(), h.job(), h.job(), h.job(), h.job()];
    await store.addMany(jobs, 1);
    for (let i = 0; i < jobs.length; i++) await store.take(1);
    // Not awaited one by one: a store may write the ends of one turn together (Redis does).
    const ended = jobs.map((job) =>
      Promise.resolve(
        store.records.finish(
          job.id,
          { state: 'completed', result: undefined, error: undefined, worker: 'w' },
          2,
        ),
      ),
    );
    expect(await Promise.all(ended)).toEqual(jobs.map(() => true));
    expect((await store.records.list({ state: 'completed', limit: 10 })).records.map((r) => r.id)).toEqual([
      jobs[4]!.id,
      jobs[3]!.id,
    ]);
    expect(await store.records.get(jobs[0]!.id)).toBeUndefined();
    expect(await store.records.counts()).toEqual(h.counts({ completed: 2 }));
  });

  it('keeps none with maxCount 0', async () => {
    const store = await h.open({ retention: retention({ completed: { maxAgeMs: Infinity, maxCount: 0 } }) });
    const job = await done(store, 1);
    expect(await store.records.get(job.id)).toBeUndefined();
    expect(await store.records.counts()).toEqual(h.counts({}));
  });

  it('prunes records older than maxAgeMs, by the nowMs it is given', async () => {
    const store = await h.open({
      retention: retention({ completed: { maxAgeMs: 100, maxCount: Infinity } }),
    });
    const old = await done(store, 0);
    const young = await done(store, 50);
    expect(await store.records.prune(100, 10)).toBe(0);
    expect(await store.records.prune(120, 10)).toBe(1);
    expect(await store.records.get(old.id)).toBeUndefined();
    expect((await store.records.get(young.id))?.state).toBe('completed');
    expect(await store.records.prune(151, 10)).toBe(1);
    expect(await store.records.counts()).toEqual(h.counts({}));
  });

  it('prunes at most max records per call, oldest first, across end states', async () => {
    const store = await h.open({
      retention: retention({
        completed: { maxAgeMs: 10, maxCount: Infinity },
        dead: { maxAgeMs: 10, maxCount: Infinity },
      }),
    });
    for (let i = 0; i < 4; i++) await done(store, i);
    const dead = h.job();
    await store.add(dead, 0);
    await store.take(0);
    await store.records.finish(
      dead.id,
      { state: 'dead', error: { name: 'Error', message: 'x' }, worker: undefined },
      0,
    );
    expect(await store.records.prune(1_000, 2)).toBe(2);
    expect((await store.records.counts()).completed).toBe(2);
    expect(await store.records.prune(1_000, 2)).toBe(2);
    expect(await store.records.prune(1_000, 2)).toBe(1);
    expect(await store.records.prune(1_000, 2)).toBe(0);
    expect(await store.records.counts()).toEqual(h.counts({}));
  });

  it('never prunes records that have not ended', async () => {
    const store = await h.open({ retention: retention({ completed: { maxAgeMs: 0, maxCount: 0 } }) });
    const waiting = h.job();
    await store.add(waiting, 0);
    expect(await store.records.prune(1e12, 100)).toBe(0);
    expect((await store.records.get(waiting.id))?.state).toBe('waiting');
  });
}
