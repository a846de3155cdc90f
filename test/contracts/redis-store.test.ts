import { Redis } from 'ioredis';
import { InvalidOptionsError } from '../../src/errors';
import { DEFAULT_RETENTION } from '../../src/jobs/job-retention';
import { TAKE } from '../../src/stores/redis-scripts';
import { redisStore } from '../../src/stores/redis-store';
import { describeJobRecordsContract } from './job-records.contract';
import { withRecords } from './job-records-harness';
import { describeJobStoreContract, makeJob } from './job-store.contract';
import { dropKeys } from '../helpers/redis-admin';
import { requireRedis } from '../helpers/services';

// First: fails the file in one line, before any client is made, when Redis is down.
const url = requireRedis();
const prefix = `qui-test:redis-store:${process.pid}:`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });

beforeAll(async () => {
  // Fails (not skips) the file when Redis is unreachable: CI is expected to start it.
  await expect(admin.ping()).resolves.toBe('PONG');
});
afterAll(async () => {
  await dropKeys(admin, prefix);
  await admin.quit();
});

describeJobStoreContract(
  'redis',
  () => redisStore({ url, prefix }),
  () => undefined,
  { durable: true, shared: true },
);
// With records on, the store keeps every rule it keeps without them.
describeJobStoreContract(
  'redis with records',
  () => withRecords(redisStore({ url, prefix })),
  () => undefined,
  { durable: true, shared: true },
);
describeJobRecordsContract('redis', () => redisStore({ url, prefix }), { shared: true });

describe('redisStore', () => {
  const priorities = ['high', 'low'];

  it.each([
    [42, 'options', /must be an object/],
    [{ url: '' }, 'url', /non-empty string/],
    [{ prefix: '' }, 'prefix', /non-empty string/],
    [{ prefix: 7 }, 'prefix', /non-empty string/],
    [{ prefix: 'X:{q}:' }, 'prefix', /must not contain '\{' or '\}'/],
    [{ prefix: 'X:}' }, 'prefix', /must not contain/],
    [{ client: {} }, 'client', /ioredis client/],
    [{ client: admin, url }, 'client', /together with url/],
    [{ uri: url }, 'uri', /not a known option/],
  ])('rejects %p, naming %s', (options, field, message) => {
    const call = () => redisStore(options as never);
    expect(call).toThrow(InvalidOptionsError);
    expect(call).toThrow(message);
    expect(call).toThrow(expect.objectContaining({ path: field }));
  });

  it('wakes other instances of the queue when jobs are added, but not the one that added', async () => {
    const factory = redisStore({ url, prefix });
    const producer = factory.create({ queue: 'wake', priorities });
    const consumer = factory.create({ queue: 'wake', priorities });
    let producerWakes = 0;
    let onProducerWake = (): void => undefined;
    producer.onAvailable(() => {
      producerWakes++;
      onProducerWake();
    });
    let onConsumerWake = (): void => undefined;
    consumer.onAvailable(() => onConsumerWake());
    try {
      await Promise.all([producer.whenListening(), consumer.whenListening()]);
      // A connection's 'ready' wakes its store too: run a command on each first, so those are behind us.
      await Promise.all([producer.size(), consumer.size()]);
      producerWakes = 0;
      const consumerWoken = new Promise<void>((resolve) => (onConsumerWake = resolve));
      const job = makeJob('wake', { priority: 'high' });
      await producer.add(job, 0);
      await consumerWoken;
      expect(await consumer.take(0)).toEqual(job);
      // The consumer's publish reaches the producer after the producer's own (one connection, in order).
      const producerWoken = new Promise<void>((resolve) => (onProducerWake = resolve));
      await consumer.add(makeJob('wake', { priority: 'low' }), 0);
      await producerWoken;
      expect(producerWakes).toBe(1);
    } finally {
      await producer.close();
      await consumer.close();
    }
  });

  it('leaves a client it was given open, and closes only its own subscriber', async () => {
    const client = new Redis(url);
    const store = redisStore({ client, prefix }).create({ queue: 'given', priorities });
    store.onAvailable(() => undefined);
    await store.whenListening();
    await store.add(makeJob('given', { priority: 'low' }), 0);
    await store.close();
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('recovers the jobs of a take whose reply was lost: the first to the next take, the rest back in line', async () => {
    const queue = 'orphan';
    const store = redisStore({ url, prefix }).create({ queue, priorities });
    const jobs = Array.from({ length: 5 }, (_, i) => makeJob(queue, { priority: i === 4 ? 'high' : 'low' }));
    await store.addMany(jobs, 0);
    // A takeMany(3) that ran in Redis but whose reply never came back: its token is an orphan.
    const base = `${prefix}{${queue}}`;
    const keys = [
      ...priorities.map((p) => `${base}:wait:${p}`),
      ...priorities.map((p) => `${base}:delayed:${p}`),
    ];
    const token = `${base}:token:lost`;
    const lost = (await admin
      .evalsha(TAKE.sha, keys.length, ...keys, 2, 0, token, 3, 0, 0)
      .catch(() => admin.eval(TAKE.lua, keys.length, ...keys, 2, 0, token, 3, 0, 0))) as string[];
    expect(lost).toHaveLength(3);
    (store as unknown as { orphans: string[] }).orphans.push(token);
    const taken = [await store.take(0), ...(await store.takeMany(10, 0))];
    expect(taken.map((j) => j?.id)).toEqual(
      [jobs[4]!, jobs[0]!, jobs[1]!, jobs[2]!, jobs[3]!].map((j) => j.id),
    );
    await store.close();
  });

  it.each(['q}:{q2', '{q}', 'a}'])('refuses the queue name %p, naming queue', (name) => {
    const create = () => redisStore({ url, prefix }).create({ queue: name, priorities });
    expect(create).toThrow(InvalidOptionsError);
    expect(create).toThrow(expect.objectContaining({ path: 'queue' }));
  });

  it('reports each entry of a take it cannot decode, with its id when it has one, and hands out the good ones', async () => {
    const queue = 'undecodable';
    const reported: { id: string | undefined; error: Error }[] = [];
    const store = redisStore({ url, prefix }).create({
      queue,
      priorities,
      onUndecodable: (entry) => reported.push(entry),
    });
    const jobs = Array.from({ length: 5 }, () => makeJob(queue, { priority: 'low' }));
    const lost = makeJob(queue, { priority: 'low' });
    await store.addMany(jobs.slice(0, 2), 0);
    const wait = `${prefix}{${queue}}:wait:low`;
    await admin.rpush(wait, '{not json', JSON.stringify({ id: lost.id }));
    await store.addMany(jobs.slice(2), 0);
    const taken = await store.takeMany(4, 0);
    expect(taken.map((j) => j.id)).toEqual(jobs.slice(0, 4).map((j) => j.id));
    expect(reported.map((r) => r.id)).toEqual([undefined, lost.id]);
    expect(reported.map((r) => (r.error as { code?: string }).code)).toEqual(['ERR_STORE', 'ERR_STORE']);
    await admin.lpush(wait, 'garbage');
    expect((await store.take(0))?.id).toBe(jobs[4]!.id);
    expect(reported).toHaveLength(3);
    expect(await store.size()).toBe(0);
    await store.close();
  });

  it('with records, reports a spoiled record in a batch take by its id and hands out the good ones', async () => {
    // Records are the default: the take pops ids and reads each job's body from its record.
    const queue = 'undecodable-records';
    const reported: { id: string | undefined; error: Error }[] = [];
    const store = redisStore({ url, prefix }).create({
      queue,
      priorities,
      records: { processId: 'p1', retention: DEFAULT_RETENTION },
      onUndecodable: (entry) => reported.push(entry),
    });
    const jobs = Array.from({ length: 5 }, () => makeJob(queue, { priority: 'low' }));
    await store.addMany(jobs, 0);
    await admin.hset(`${prefix}{${queue}}:job:${jobs[1]!.id}`, 'b', '{not json');
    await admin.hset(`${prefix}{${queue}}:job:${jobs[3]!.id}`, 'b', JSON.stringify({ id: jobs[3]!.id }));
    const taken = await store.takeMany(5, 0);
    expect(taken.map((j) => j.id)).toEqual([jobs[0]!.id, jobs[2]!.id, jobs[4]!.id]);
    expect(reported.map((r) => r.id)).toEqual([jobs[1]!.id, jobs[3]!.id]);
    expect(reported.map((r) => (r.error as { code?: string }).code)).toEqual(['ERR_STORE', 'ERR_STORE']);
    expect(await store.size()).toBe(0);
    await store.close();
  });

  it('asks for ioredis when it is not installed', async () => {
    jest.resetModules();
    jest.doMock('ioredis', () => {
      throw Object.assign(new Error("Cannot find module 'ioredis'"), { code: 'MODULE_NOT_FOUND' });
    });
    const isolated = jest.requireActual<typeof import('../../src/stores/redis-store')>(
      '../../src/stores/redis-store',
    );
    const factory = isolated.redisStore({ url, prefix });
    await expect(async () => factory.create({ queue: 'q', priorities })).rejects.toMatchObject({
      code: 'ERR_MISSING_PEER',
      message: 'redisStore needs ioredis: npm install ioredis@5',
    });
    jest.dontMock('ioredis');
  });
});
