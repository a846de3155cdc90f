import { Redis } from 'ioredis';
import type { Job } from '../../../src/jobs/job';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { fromShared } from '../../../src/queue/shared-events';
import type { FinishBroadcast, RecordEnd, StoreBroadcast } from '../../../src/stores/job-records';
import { redisStore, type RedisJobStore } from '../../../src/stores/redis-store';
import { makeJob } from '../../contracts/job-store.contract';
import { dropKeys } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

// The Redis store sends a finish's lifecycle event from its FINISH script (finishAndBroadcast):
// what another process receives, what this one does, and nothing for an end that did not apply.
const url = requireRedis();
const prefix = `qui-test:redis-finish-events:${process.pid}:`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });
const listener = new Redis(url, { maxRetriesPerRequest: 1 });
const queue = 'fe';
const channel = `${prefix}{${queue}}:bus`;
const stores: RedisJobStore[] = [];

function open(): RedisJobStore {
  const store = redisStore({ url, prefix }).create({
    queue,
    priorities: ['normal'],
    records: { processId: 'p1', retention: DEFAULT_RETENTION },
  });
  stores.push(store);
  return store;
}

const completed = (value: string): RecordEnd => ({
  state: 'completed',
  result: value,
  error: undefined,
  worker: 'w1',
});
const event = (job: Job, value: string): FinishBroadcast => ({
  type: 'job.event',
  origin: 'p1',
  event: 'job.completed',
  payload: { job, worker: 'w1', attempts: job.attempts + 1, value },
});

/** What another process reads on the bus, in order. */
const heard: string[] = [];
let onHeard: () => void = () => undefined;

beforeAll(async () => {
  await listener.subscribe(channel);
  listener.on('message', (_channel: string, message: string) => {
    heard.push(message);
    onHeard();
  });
});
afterAll(async () => {
  for (const store of stores.splice(0)) await store.close();
  await dropKeys(admin, prefix);
  await Promise.all([admin.quit(), listener.quit()]);
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise<void>((resolve) => (onHeard = resolve));
}

/** The events in what another process heard, in order. */
const events = (): StoreBroadcast[] =>
  heard.flatMap((text) => JSON.parse(text.slice(text.indexOf('\n') + 1)) as StoreBroadcast[]);

describe('redisStore: the events a finish sends', () => {
  it('go out with the finish, once, only for ends that applied; this process gets them directly', async () => {
    heard.length = 0;
    const store = open();
    const records = store.records!;
    const seen: StoreBroadcast[] = [];
    let next: (m: StoreBroadcast) => void = () => undefined;
    records.onBroadcast((m) => {
      seen.push(m);
      next(m);
    });
    await store.whenListening();
    const [a, b, c] = [1, 2, 3].map((n) =>
      makeJob(queue, { priority: 'normal', timeoutMs: Infinity, task: { n } }),
    ) as [Job, Job, Job];
    await store.addMany([a, b, c], 0);
    await store.takeMany(3, 0);

    // One batch where every end applies (the script publishes it), then one where one does not:
    // a second end of `a` (its record ended already), so only b's and c's events go out.
    expect(await records.finishAndBroadcast!(a.id, completed('{"n":1}'), 5, event(a, '{"n":1}'))).toBe(true);
    const second = [
      records.finishAndBroadcast!(a.id, completed('{"n":9}'), 6, event(a, '{"n":9}')),
      records.finishAndBroadcast!(b.id, completed('{"n":2}'), 6, event(b, '{"n":2}')),
      records.finishAndBroadcast!(c.id, completed('{"n":3}'), 6, event(c, '{"n":3}')),
    ].map((answer) => Promise.resolve(answer));
    expect(await Promise.all(second)).toEqual([false, true, true]);
    await until(() => events().length >= 3);

    // Another process: each event with its job and value, which fromShared makes whole again.
    const theirs = events().map((m) => {
      expect(m).toMatchObject({ type: 'job.event', origin: 'p1', event: 'job.completed' });
      return fromShared('job.completed', (m as { payload: unknown }).payload, 'p1')?.event;
    });
    expect(theirs).toEqual(
      [a, b, c].map((job, i) => ({ job, value: { n: i + 1 }, worker: 'w1', origin: 'p1' })),
    );

    // This process: each event delivered directly, once; the echoes are dropped unread (a message
    // published after them, on the same connection, arrives after them).
    const foreign: StoreBroadcast = { type: 'job.cancel', origin: 'p9', jobId: 'x', reason: 'stop' };
    const arrived = new Promise<StoreBroadcast>((resolve) => (next = resolve));
    const client = (store as unknown as { client: Redis }).client;
    await client.publish(channel, `another-process\n${JSON.stringify(foreign)}`);
    await arrived;
    const mine = (job: Job, n: number): StoreBroadcast => event(job, `{"n":${n}}`);
    expect(seen).toEqual([mine(a, 1), mine(b, 2), mine(c, 3), foreign]);
  });

  it('go out after the broadcasts sent before them, though a batch of finishes was already waiting', async () => {
    heard.length = 0;
    const store = open();
    const records = store.records!;
    await records.listening!();
    const [x, y] = [1, 2].map((n) =>
      makeJob(queue, { priority: 'normal', timeoutMs: Infinity, task: { n } }),
    ) as [Job, Job];
    await store.addMany([x, y], 0);
    await store.takeMany(2, 0);
    // x's end opens a batch of finishes; then y fails for good: its job.failed is broadcast, then
    // its end joins that batch. Another process must hear y's failure before y's end.
    const failed: StoreBroadcast = {
      type: 'job.event',
      origin: 'p1',
      event: 'job.failed',
      payload: { job: y, worker: 'w1', error: { name: 'Error', message: 'no' } },
    };
    const dead: FinishBroadcast = {
      type: 'job.event',
      origin: 'p1',
      event: 'job.dead',
      payload: { job: y, attempts: 1, error: { name: 'Error', message: 'no' } },
    };
    const deadEnd: RecordEnd = { state: 'dead', error: { name: 'Error', message: 'no' }, worker: 'w1' };
    const answers = [
      records.finishAndBroadcast!(x.id, completed('{"n":1}'), 5, event(x, '{"n":1}')),
      Promise.resolve(records.broadcast(failed)).then(() => true),
      records.finishAndBroadcast!(y.id, deadEnd, 5, dead),
    ];
    expect(await Promise.all(answers.map((a) => Promise.resolve(a)))).toEqual([true, true, true]);
    // What this test sent (the first test's foreign message may still be on its way).
    const ours = (): { event: string; payload: { job: Job } }[] =>
      events().flatMap((m) => {
        const e = m as { event?: string; payload?: { job?: Job } };
        const id = e.payload?.job?.id;
        return id === x.id || id === y.id ? [e as { event: string; payload: { job: Job } }] : [];
      });
    await until(() => ours().length >= 3);
    const order = ours().map((e) => `${e.payload.job.id === x.id ? 'x' : 'y'} ${e.event}`);
    expect(order.indexOf('y job.failed')).toBeLessThan(order.indexOf('y job.dead'));
    expect(order).toHaveLength(3);
  });
});
