import { Redis } from 'ioredis';
import type { QuiError } from '../../../src/errors';
import type { Job } from '../../../src/jobs/job';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { redisStore, type RedisJobStore } from '../../../src/stores/redis-store';
import { makeJob } from '../../contracts/job-store.contract';
import { dropKeys } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

// First: fails the file in one line, before any client is made, when Redis is down.
const url = requireRedis();
const prefix = `qui-test:redis-limit:${process.pid}:`;
const priorities = ['high', 'low'];
const admin = new Redis(url, { maxRetriesPerRequest: 1 });

const opened: RedisJobStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
  await dropKeys(admin, prefix);
  await admin.quit();
});

// Without records and with them (the default): each keeps its jobs with its own add script.
it.each([
  ['without records', 'race', false],
  ['with records', 'race-records', true],
])(
  'holds at most limit jobs when several clients race to add (%s), refusing the rest with ERR_QUEUE_FULL',
  async (_label, queue, records) => {
    expect(await admin.ping()).toBe('PONG'); // fails, not skips, without Redis
    const LIMIT = 1_000;
    // Five store instances, each with its own connection, as five processes would have.
    const stores: RedisJobStore[] = [];
    for (let i = 0; i < 5; i++) {
      const store = redisStore({ url, prefix }).create({
        queue,
        priorities,
        records: records ? { processId: `p${i}`, retention: DEFAULT_RETENTION } : undefined,
      });
      stores.push(store);
      opened.push(store);
    }
    const attempts: Promise<Job[] | string>[] = [];
    for (let i = 0; i < 1_250; i++) {
      const store = stores[i % stores.length] as RedisJobStore;
      const jobs =
        i % 5 === 4
          ? [makeJob(queue), makeJob(queue, { priority: 'high' })]
          : [makeJob(queue, { runAtMs: i % 3 === 0 ? 10_000 : undefined })];
      const add = jobs.length === 1 ? store.add(jobs[0]!, 0, LIMIT) : store.addMany(jobs, 0, LIMIT);
      attempts.push(
        add.then(
          () => jobs,
          (error: QuiError) => error.code,
        ),
      );
    }
    const outcomes = await Promise.all(attempts);
    const refused = outcomes.filter((o) => typeof o === 'string');
    expect(new Set(refused)).toEqual(new Set(['ERR_QUEUE_FULL']));
    expect(await stores[0]!.size()).toBe(LIMIT);
    // What was refused was not stored: the jobs held are exactly those whose add resolved.
    const added = outcomes.flatMap((o) => (typeof o === 'string' ? [] : o.map((j) => j.id)));
    const held: Job[] = [];
    for (let batch = await stores[1]!.takeMany(1_000, 20_000); batch.length > 0;) {
      held.push(...batch);
      batch = await stores[1]!.takeMany(1_000, 20_000);
    }
    expect(new Set(held.map((j) => j.id))).toEqual(new Set(added));
    expect(held).toHaveLength(LIMIT);
  },
);
