import { Redis } from 'ioredis';
import type { Job } from '../../../src/jobs/job';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { zeroCounts, type StoreBroadcast } from '../../../src/stores/job-records';
import type { StoreConfig } from '../../../src/stores/job-store';
import { ADD_RECORDS, FINISH, TAKE_RECORDS } from '../../../src/stores/redis-record-scripts';
import { redisStore, type RedisJobStore } from '../../../src/stores/redis-store';
import { runScript } from '../../../src/stores/redis-scripts';
import { makeJob } from '../../contracts/job-store.contract';
import { dropKeys } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

// The Redis store's own records rules, beyond the shared records suite: key layout, the cost with
// records off, lost replies, races between processes, and pub/sub broadcasts.
const url = requireRedis();
const prefix = `qui-test:redis-records:${process.pid}:`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });
const priorities = ['high', 'low'];
const COMPLETED = { state: 'completed', result: undefined, error: undefined, worker: undefined } as const;
let counter = 0;
let queue: string;
const stores: RedisJobStore[] = [];

function open(processId: string | null = 'p1'): RedisJobStore {
  const config: StoreConfig = {
    queue,
    priorities,
    ...(processId === null ? {} : { records: { processId, retention: DEFAULT_RETENTION } }),
  };
  const store = redisStore({ url, prefix }).create(config);
  stores.push(store);
  return store;
}
const base = (): string => `${prefix}{${queue}}`;
/** The KEYS every records script gets. */
const keys = (): string[] => [
  `${base()}:seq`,
  ...priorities.map((p) => `${base()}:wait:${p}`),
  ...priorities.map((p) => `${base()}:delayed:${p}`),
];
const head = (nowMs: number): (string | number)[] => [base(), priorities.length, nowMs];
const job = (overrides: Partial<Job> = {}): Job => makeJob(queue, { priority: 'low', ...overrides });
const counts = (partial: Partial<ReturnType<typeof zeroCounts>>) => ({ ...zeroCounts(), ...partial });

beforeAll(async () => {
  await expect(admin.ping()).resolves.toBe('PONG');
});
beforeEach(() => {
  queue = `rr${++counter}`;
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
afterAll(async () => {
  await dropKeys(admin, prefix);
  await admin.quit();
});

describe('redisStore records: keys', () => {
  it('writes no record keys when records are off', async () => {
    const store = open(null);
    await store.addMany([job(), job({ runAtMs: 50 })], 0);
    await store.take(0);
    const written = await admin.keys(`${base()}*`);
    expect(written.filter((k) => /:(job|state):|:paused$|:leases$|:procs$/.test(k))).toEqual([]);
  });

  it('keeps every key of the queue under its hash tag', async () => {
    const store = open();
    const [a, b] = [job(), job({ runAtMs: 50 })];
    await store.addMany([a, b], 0);
    await store.take(0);
    await store.records!.finish(a.id, COMPLETED, 1);
    await store.records!.heartbeat(
      { processId: 'p1', host: 'h', pid: 1, startedAtMs: 0, workers: { busy: 0, total: 1 } },
      0,
      1_000,
    );
    await store.records!.setPaused(true);
    const written = await admin.keys(`*${queue}*`);
    expect(written.length).toBeGreaterThan(5);
    for (const key of written) expect(key.startsWith(`${base()}:`)).toBe(true);
  });
});

describe('redisStore records: active jobs', () => {
  const beat = { host: 'h', pid: 1, startedAtMs: 0, workers: { busy: 0, total: 1 } };

  it('keeps active jobs in a set per process, listed in :actives, and no active sorted set', async () => {
    const store = open();
    const [a, b] = [job(), job()];
    await store.addMany([a, b], 0);
    await store.takeMany(2, 5);
    const written = await admin.keys(`${base()}*`);
    expect(written.filter((k) => /:(state|active|actives)(:|$)/.test(k)).sort()).toEqual([
      `${base()}:active:p1`,
      `${base()}:actives`,
    ]);
    expect((await admin.smembers(`${base()}:active:p1`)).sort()).toEqual([a.id, b.id].sort());
    expect(await admin.smembers(`${base()}:actives`)).toEqual(['p1']);
    // Ended, a job leaves its process's set (and an empty set is no key at all).
    await store.records!.finish(a.id, COMPLETED, 6);
    await store.records!.finish(b.id, COMPLETED, 6);
    expect(await admin.exists(`${base()}:active:p1`)).toBe(0);
  });

  it('shows the active jobs of two processes to a third: record, counts and pages newest first', async () => {
    const [one, two, reader] = [open(), open('p2'), open('p3')];
    const jobs = [job(), job(), job()];
    await one.addMany(jobs, 0);
    await one.take(10);
    await two.takeMany(2, 20);
    expect(await reader.records!.get(jobs[0]!.id)).toMatchObject({
      state: 'active',
      processId: 'p1',
      startedAtMs: 10,
      attempts: 1,
    });
    expect(await reader.records!.get(jobs[2]!.id)).toMatchObject({ state: 'active', processId: 'p2' });
    expect(await reader.records!.counts()).toEqual(counts({ active: 3 }));
    const first = await reader.records!.list({ state: 'active', limit: 2 });
    expect(first.records.map((r) => r.id)).toEqual([jobs[2]!.id, jobs[1]!.id]);
    const rest = await reader.records!.list({ state: 'active', limit: 2, cursor: first.cursor });
    expect(rest.records.map((r) => r.id)).toEqual([jobs[0]!.id]);
    expect(rest.cursor).toBeUndefined();
  });

  it('pages completed records by the order they completed in, not the order they started', async () => {
    const store = open();
    const [a, b, c] = [job(), job(), job()];
    await store.addMany([a, b, c], 0);
    await store.takeMany(3, 0);
    for (const j of [c, a, b]) await store.records!.finish(j.id, COMPLETED, 1);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.records!.list({ state: 'completed', limit: 1, cursor });
      seen.push(...page.records.map((r) => r.id));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(seen).toEqual([b.id, a.id, c.id]);
  });

  it('reaps only the jobs of a process without a lease, and drops it from :actives', async () => {
    const [live, gone] = [open(), open('p2')];
    const [a, b] = [job(), job()];
    await live.addMany([a, b], 0);
    await live.take(0);
    await gone.take(0);
    await live.records!.heartbeat({ processId: 'p1', ...beat }, 0, 1_000);
    await gone.records!.heartbeat({ processId: 'p2', ...beat }, 0, 100);
    const lost = await live.records!.reap(500, false);
    expect(lost.map((r) => [r.id, r.state, r.processId, r.reason])).toEqual([
      [b.id, 'lost', 'p2', 'process-gone'],
    ]);
    expect(await live.records!.get(a.id)).toMatchObject({ state: 'active', processId: 'p1' });
    expect(await admin.smembers(`${base()}:actives`)).toEqual(['p1']);
    expect(await live.records!.counts()).toEqual(counts({ active: 1, lost: 1 }));
    // The dead process's finish, come too late, changes nothing.
    expect(await gone.records!.finish(b.id, COMPLETED, 600)).toBe(false);
  });
});

describe('redisStore records: lost replies', () => {
  it('answers a re-sent take with the same jobs and counts their attempt once', async () => {
    const store = open();
    const a = job();
    await store.add(a, 0);
    const token = `${base()}:token:resent`;
    const args = [...head(5), 'p1', token, 1, 0, 0];
    const first = (await runScript(admin, TAKE_RECORDS, keys(), args)) as string[];
    const again = (await runScript(admin, TAKE_RECORDS, keys(), args)) as string[];
    expect(again).toEqual(first);
    // With records, a take answers each job's id, then its body.
    expect(first[0]).toBe(a.id);
    expect(JSON.parse(first[1]!).id).toBe(a.id);
    expect(await store.records!.get(a.id)).toMatchObject({ state: 'active', attempts: 1 });
    expect(await store.records!.counts()).toEqual(counts({ active: 1 }));
  });

  it('puts the jobs of a lost take it does not hand out back to waiting, attempts as before', async () => {
    const store = open();
    const jobs = [job(), job(), job()];
    await store.addMany(jobs, 0);
    const token = `${base()}:token:lost`;
    await runScript(admin, TAKE_RECORDS, keys(), [...head(0), 'p1', token, 3, 0, 0]);
    (store as unknown as { orphans: string[] }).orphans.push(token);
    expect((await store.take(0))?.id).toBe(jobs[0]!.id);
    expect(await store.records!.get(jobs[1]!.id)).toMatchObject({ state: 'waiting', attempts: 0 });
    expect(await store.records!.counts()).toEqual(counts({ active: 1, waiting: 2 }));
    expect((await store.takeMany(5, 0)).map((j) => j.id)).toEqual([jobs[1]!.id, jobs[2]!.id]);
  });

  it('writes no second record for a re-sent add', async () => {
    const store = open();
    const a = job();
    const token = `${base()}:token:add`;
    const args = [...head(0), `${base()}:added`, 'x', token, -1, 0, 2, '', a.id, 0, JSON.stringify(a)];
    expect(await runScript(admin, ADD_RECORDS, keys(), args)).toBe(1);
    expect(await runScript(admin, ADD_RECORDS, keys(), args)).toBe(0);
    expect(await store.size()).toBe(1);
    expect(await store.records!.counts()).toEqual(counts({ waiting: 1 }));
  });

  it('changes nothing when a finish runs twice', async () => {
    const store = open();
    const a = job();
    await store.add(a, 0);
    await store.take(0);
    // Process id, max age and max count of each end state (none), the bus channel and no
    // broadcast, then the job: id, now, state, no sets or dels.
    const rules = Array<number>(8).fill(-1);
    const args = [...head(0), 'p1', ...rules, `${base()}:bus`, '', a.id, 7, 'completed', 0, 0];
    expect(await runScript(admin, FINISH, keys(), args)).toEqual([1]);
    expect(await runScript(admin, FINISH, keys(), args)).toEqual([0]);
    expect(await store.records!.counts()).toEqual(counts({ completed: 1 }));
  });
});

describe('redisStore records: processes racing', () => {
  it('requeues each reaped job once when two processes reap at once', async () => {
    const [one, two, gone] = [open(), open('p2'), open('p3')];
    const jobs = Array.from({ length: 20 }, () => job());
    await gone.addMany(jobs, 0);
    expect(await gone.takeMany(20, 0)).toHaveLength(20);
    const [a, b] = await Promise.all([one.records!.reap(10, true), two.records!.reap(10, true)]);
    const ids = [...a, ...b].map((r) => r.id).sort();
    expect(ids).toEqual(jobs.map((j) => j.id).sort());
    expect(await one.records!.counts()).toEqual(counts({ waiting: 20 }));
    expect(await one.size()).toBe(20);
    const again = await one.takeMany(50, 10);
    expect(again.map((j) => j.attempts)).toEqual(jobs.map(() => 1));
  });

  it('cancels a job once when two processes cancel it at once', async () => {
    const [one, two] = [open(), open('p2')];
    const a = job();
    await one.add(a, 0);
    const outcomes = await Promise.allSettled([
      one.records!.cancel(a.id, 'x', 1),
      two.records!.cancel(a.id, 'y', 1),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await one.records!.counts()).toEqual(counts({ cancelled: 1 }));
    expect(await one.size()).toBe(0);
  });

  it('answers every finish of one turn, and close waits for the finishes asked before it', async () => {
    const store = open();
    const jobs = Array.from({ length: 30 }, () => job());
    await store.addMany(jobs, 0);
    await store.takeMany(30, 0);
    const applied = jobs.slice(0, 20).map((j) => Promise.resolve(store.records!.finish(j.id, COMPLETED, 5)));
    expect(await Promise.all(applied)).toEqual(jobs.slice(0, 20).map(() => true));
    // A second instance of the same process, with nothing of its own to acknowledge at close.
    const closing = open();
    const late = jobs.slice(20).map((j) => Promise.resolve(closing.records!.finish(j.id, COMPLETED, 6)));
    await closing.close();
    expect(await Promise.all(late)).toEqual(late.map(() => true));
    expect(await open().records!.counts()).toEqual(counts({ completed: 30 }));
  });
});

describe('redisStore records: broadcasts', () => {
  it('delivers a broadcast from another process through pub/sub, and its own only once', async () => {
    const store = open();
    const seen: StoreBroadcast[] = [];
    let next: (m: StoreBroadcast) => void = () => undefined;
    store.records!.onBroadcast((m) => {
      seen.push(m);
      next(m);
    });
    await store.whenListening();
    const mine: StoreBroadcast = { type: 'queue.paused', origin: 'p1', paused: true };
    await store.records!.broadcast(mine);
    const theirs: StoreBroadcast = { type: 'job.cancel', origin: 'p9', jobId: 'j-1', reason: 'stop' };
    const arrived = new Promise<StoreBroadcast>((resolve) => (next = resolve));
    // Sent on the store's own connection, so it reaches the subscriber after the echo of `mine`.
    const client = (store as unknown as { client: Redis }).client;
    await client.publish(`${base()}:bus`, `another-process\n${JSON.stringify(theirs)}`);
    expect(await arrived).toEqual(theirs);
    expect(seen).toEqual([mine, theirs]);
  });

  it('delivers every broadcast of a batch another process published at once', async () => {
    const store = open();
    const seen: StoreBroadcast[] = [];
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (done = resolve));
    store.records!.onBroadcast((m) => {
      if (seen.push(m) === 2) done();
    });
    await store.whenListening();
    const batch: StoreBroadcast[] = [
      { type: 'job.event', origin: 'p9', event: 'job.completed', payload: { jobId: 'a' } },
      { type: 'job.event', origin: 'p9', event: 'job.dead', payload: { jobId: 'b' } },
    ];
    await admin.publish(`${base()}:bus`, `another-process\n${JSON.stringify(batch)}`);
    await all;
    expect(seen).toEqual(batch);
  });
});
