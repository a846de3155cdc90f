import { asJobId } from '../../../src/ids';
import { toJobError } from '../../../src/jobs/job-error';
import { connectQueue, type ConnectQueueOptions } from '../../../src/queue/connect-queue';
import { defineQueue } from '../../../src/queue/define-queue';
import type { StoreBroadcast } from '../../../src/stores/job-records';
import type { JobStoreFactory, StoreConfig } from '../../../src/stores/job-store';
import { memoryStore, type MemoryJobStore } from '../../../src/stores/memory-store';
import { jobFixture } from '../../helpers/job-fixture';

/** A memory store factory that lets the test reach the store it made (as another process's worker would). */
function sharedMemory(): { factory: JobStoreFactory; store(): MemoryJobStore; configs: StoreConfig[] } {
  let made: MemoryJobStore | undefined;
  const configs: StoreConfig[] = [];
  const factory: JobStoreFactory = {
    kind: 'memory',
    serializes: false,
    create(config) {
      configs.push(config);
      return (made = memoryStore().create(config));
    },
  };
  return { factory, store: () => made as MemoryJobStore, configs };
}

async function connected(extra: Partial<ConnectQueueOptions> = {}) {
  const mem = sharedMemory();
  const c = await connectQueue({ name: 'emails', store: mem.factory, ...extra });
  const heard: StoreBroadcast[] = [];
  mem.store().records!.onBroadcast((m) => heard.push(m));
  return { c, store: mem.store(), heard, configs: mem.configs };
}

/** Takes the next job and ends it dead, as a worker elsewhere would. */
function endDead(store: MemoryJobStore): string {
  const job = store.take(Date.now());
  if (!job) throw new Error('no job to take');
  store.records!.finish(
    job.id,
    { state: 'dead', error: toJobError(new Error('boom')), worker: 'w' },
    Date.now(),
  );
  return job.id;
}

describe('connectQueue options', () => {
  it.each([
    [{ store: memoryStore() }, 'name: must be a non-empty string, got undefined'],
    [{ name: 'q', store: {} }, 'store: must be a store factory such as sqliteStore() or redisStore()'],
    [
      { name: 'q', store: memoryStore(), priorities: [] },
      'priorities: must be a non-empty array of names, got an array',
    ],
    [
      { name: 'q', store: memoryStore(), retain: false },
      'retain: must keep records: a connection reads them',
    ],
    [{ name: 'q', store: memoryStore(), nope: 1 }, 'nope'],
  ])('rejects %p naming the field', async (options, message) => {
    await expect(connectQueue(options as ConnectQueueOptions)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringContaining(message) as string,
    });
  });

  it("closes the store it opened when reading the queue's mode throws at once (as SQLite's can)", async () => {
    let closed = 0;
    const factory: JobStoreFactory = {
      kind: 'memory',
      serializes: false,
      create(config) {
        const store = memoryStore().create(config);
        return Object.create(store, {
          queueMode: {
            value: () => {
              throw new Error('SQLITE_BUSY: database is locked');
            },
          },
          close: { value: () => void closed++ },
        }) as MemoryJobStore;
      },
    };
    await expect(connectQueue({ name: 'emails', store: factory })).rejects.toThrow('SQLITE_BUSY');
    expect(closed).toBe(1);
  });

  it('refuses a queue spec that keeps no records with ERR_RECORDS_OFF', async () => {
    const spec = defineQueue({ name: 'bare', retain: false });
    await expect(connectQueue(spec)).rejects.toMatchObject({ code: 'ERR_RECORDS_OFF' });
  });

  it("takes a spec's priorities, defaults and retention, and opens its store with records", async () => {
    const mem = sharedMemory();
    const spec = defineQueue({
      name: 'mail',
      priorities: ['urgent', 'bulk'],
      defaults: { maxRetries: 7 },
      retain: { completed: { maxCount: 5 } },
      store: mem.factory,
    });
    const c = await connectQueue(spec);
    expect(mem.configs[0]).toMatchObject({ queue: 'mail', priorities: ['urgent', 'bulk'] });
    expect(mem.configs[0]!.records!.retention.completed.maxCount).toBe(5);
    const job = await c.enqueue({ n: 1 });
    expect(job).toMatchObject({ queue: 'mail', priority: 'bulk', maxRetries: 7 });
    expect(await c.getJob(job.id)).toMatchObject({ id: job.id, state: 'waiting' });
    await c.close();
  });
});

describe('a connection', () => {
  it('reads records, pages and counts', async () => {
    const { c } = await connected();
    const a = await c.enqueue({ n: 1 });
    const b = await c.enqueue({ n: 2 }, { priority: 'high' });
    expect(await c.size()).toBe(2);
    expect((await c.counts()).waiting).toBe(2);
    const page = await c.getJobs({ state: 'waiting', limit: 1 });
    expect(page.records.map((r) => r.id)).toEqual([b.id]);
    const next = await c.getJobs({ state: 'waiting', cursor: page.cursor! });
    expect(next.records.map((r) => r.id)).toEqual([a.id]);
    expect(await c.getJob('nope')).toBeUndefined();
    await expect(c.getJob('')).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS', path: 'id' });
    await c.close();
  });

  it('cancels a waiting job at once and tells every process (job.cancelled)', async () => {
    const { c, heard } = await connected();
    const job = await c.enqueue({ n: 1 });
    expect(await c.cancel(job.id, 'dup')).toMatchObject({ state: 'cancelled', reason: 'dup' });
    expect(await c.size()).toBe(0);
    expect(heard).toEqual([expect.objectContaining({ type: 'job.event', event: 'job.cancelled' })]);
    await expect(c.cancel(job.id)).rejects.toMatchObject({ code: 'ERR_JOB_STATE' });
    await c.close();
  });

  it('asks the process running an active job to abort it (job.cancel)', async () => {
    const { c, store, heard } = await connected();
    const job = await c.enqueue({ n: 1 });
    store.take(Date.now());
    expect(await c.cancel(job.id, 'stop')).toMatchObject({ state: 'active' });
    expect(heard).toEqual([
      { type: 'job.cancel', origin: expect.any(String) as string, jobId: job.id, reason: 'stop' },
    ]);
    await c.close();
  });

  it('retries a dead job, refuses a dead-letter copy, and resolves waitFor when a job ends', async () => {
    const { c, store } = await connected();
    const job = await c.enqueue({ n: 1 });
    const ended = c.waitFor(job.id);
    const id = endDead(store);
    // The worker's process broadcasts the end (as its ledger does); the connection reads the record.
    store.records!.broadcast({ type: 'job.event', origin: 'w', event: 'job.dead', payload: { job } });
    expect(await ended).toMatchObject({ id, state: 'dead' });
    expect(await c.retryJob(id)).toMatchObject({ id, state: 'waiting' });
    await expect(c.retryJob(id)).rejects.toMatchObject({ code: 'ERR_JOB_STATE' });
    // A dead-letter copy, as a source queue's ledger stores it.
    const copy = jobFixture({
      id: asJobId('copy-1'),
      queue: 'emails',
      deadLetterOf: { queue: 'src', jobId: 'j0', error: toJobError(new Error('x')) },
    });
    store.add(copy, Date.now());
    await expect(c.retryJob(copy.id)).rejects.toMatchObject({
      code: 'ERR_QUEUE_NOT_FOUND',
      message: expect.stringContaining(
        'dead-letter copy of job "j0" of queue "src": to retry it there, connect with',
      ) as string,
    });
    expect(await c.getJob(copy.id)).toMatchObject({ state: 'waiting' });
    await c.close();
  });

  it('retries a dead-letter copy back into its source queue given in sources, and removes the copy', async () => {
    // One memory store per queue, shared by every connection to it (as a shared store would be):
    // closing a connection leaves it open, as closing a Redis connection leaves Redis's keys.
    const one = (): JobStoreFactory => {
      let made: MemoryJobStore | undefined;
      const open = (store: MemoryJobStore): MemoryJobStore => {
        jest.spyOn(store, 'close').mockImplementation(() => undefined);
        return store;
      };
      return {
        kind: 'memory',
        serializes: false,
        create: (config) => (made ??= open(memoryStore().create(config))),
      };
    };
    const src = one();
    const dlq = one();
    const source = await connectQueue({ name: 'src', store: src });
    const job = await source.enqueue({ n: 1 });
    const srcStore = await src.create({ queue: 'src', priorities: ['high', 'low'] });
    endDead(srcStore as MemoryJobStore);
    const c = await connectQueue({ name: 'dlq', store: dlq }, { sources: [{ name: 'src', store: src }] });
    const copy = jobFixture({
      id: asJobId('copy-2'),
      queue: 'dlq',
      deadLetterOf: { queue: 'src', jobId: job.id, error: toJobError(new Error('x')) },
    });
    (await dlq.create({ queue: 'dlq', priorities: ['high', 'low'] })).add(copy, Date.now());
    expect(await c.retryJob(copy.id)).toMatchObject({
      id: job.id,
      queue: 'src',
      state: 'waiting',
      attempts: 1,
    });
    expect(await c.getJob(copy.id)).toBeUndefined();
    expect(await source.size()).toBe(1);
    // Its source record pruned: the task comes back as a new job of the source queue.
    const gone = jobFixture({
      id: asJobId('copy-3'),
      queue: 'dlq',
      deadLetterOf: { queue: 'src', jobId: 'pruned', error: undefined },
    });
    (await dlq.create({ queue: 'dlq', priorities: ['high', 'low'] })).add(gone, Date.now());
    expect(await c.retryJob(gone.id)).toMatchObject({ queue: 'src', state: 'waiting', task: gone.task });
    expect(await source.size()).toBe(2);
    await c.close();
    await source.close();
  });

  it('refuses to retry a dead-letter copy into a source queue that keeps no records, and keeps the copy', async () => {
    const dlq = sharedMemory();
    // The source's store keeps no records, as one of a queue run with retain: false.
    const src: JobStoreFactory = {
      kind: 'memory',
      serializes: false,
      create: (config) => memoryStore().create({ ...config, records: undefined }),
    };
    const c = await connectQueue(
      { name: 'dlq', store: dlq.factory },
      { sources: [{ name: 'src', store: src }] },
    );
    const copy = jobFixture({
      id: asJobId('copy-4'),
      queue: 'dlq',
      deadLetterOf: { queue: 'src', jobId: 'j0', error: undefined },
    });
    dlq.store().add(copy, Date.now());
    await expect(c.retryJob(copy.id)).rejects.toMatchObject({ code: 'ERR_RECORDS_OFF' });
    expect(await c.getJob(copy.id)).toMatchObject({ state: 'waiting' });
    await c.close();
  });

  it('names the bad field of sources', async () => {
    await expect(
      connectQueue({ name: 'dlq', store: memoryStore() }, { sources: [{ store: memoryStore() }] as never }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS', path: 'sources[0].name' });
    await expect(
      connectQueue({ name: 'dlq', store: memoryStore() }, { sources: 'x' } as never),
    ).rejects.toMatchObject({ path: 'sources' });
  });

  it('answers stats from the store (no books of its own) and the processes holding a lease', async () => {
    const { c, store } = await connected();
    await c.enqueue({ n: 1 }, { priority: 'high' });
    await c.enqueue({ n: 2 }, { delayMs: 60_000 });
    expect(await c.stats()).toMatchObject({
      name: 'emails',
      waiting: { high: 1, low: 0 },
      delayed: 1,
      parkedPolls: 0,
      totals: expect.objectContaining({ enqueued: 0, completed: 0 }) as unknown,
    });
    const beat = { processId: 'p1', host: 'h', pid: 1, startedAtMs: 0, workers: { busy: 0, total: 2 } };
    store.records!.heartbeat(beat, Date.now(), 60_000);
    expect((await c.processes()).map((p) => p.processId)).toEqual(['p1']);
    await c.close();
  });

  it('times waitFor out with ERR_WAIT_TIMEOUT and an unknown job with ERR_JOB_NOT_FOUND', async () => {
    const { c } = await connected();
    const job = await c.enqueue({ n: 1 });
    await expect(c.waitFor(job.id, { timeoutMs: 1 })).rejects.toMatchObject({ code: 'ERR_WAIT_TIMEOUT' });
    await expect(c.waitFor('nope')).rejects.toMatchObject({ code: 'ERR_JOB_NOT_FOUND' });
    await c.close();
  });

  it('pauses for every process and broadcasts it; after close, calls reject with ERR_STOPPED', async () => {
    const { c, store, heard } = await connected();
    await c.enqueue({ n: 1 });
    await c.pause();
    expect(await c.isPaused()).toBe(true);
    expect(store.take(Date.now())).toBeUndefined();
    await c.resume();
    expect(heard.map((m) => m.type === 'queue.paused' && m.paused)).toEqual([true, false]);
    const close = jest.spyOn(store, 'close');
    await c.close();
    await c.close();
    expect(close).toHaveBeenCalledTimes(1);
    await expect(c.counts()).rejects.toMatchObject({ code: 'ERR_STOPPED' });
  });
});
