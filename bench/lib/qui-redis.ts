/**
 * Qui on `redisStore` as a QueueAdapter, for the qui-redis contender and
 * bench/stores/redis-queue.ts. Two systems in one process, each with its own `redisStore`
 * instance of the queue 'bench' under a prefix unique to the run: the producer (no workers)
 * enqueues, the consumer holds the workers and starts with `startWorkers`. A job enqueued by the
 * producer therefore wakes parked consumer workers through Redis pub/sub, as it would from
 * another machine. Jobs are enqueued with `enqueueMany` in batches of 1,000; the queue has the
 * default single priority. Keys are deleted on close.
 */
import type { AdapterFactory, JobData } from './queue-driver';
import { loadQui } from './qui';
import { deleteRedisKeys, REDIS, requireRedis, uniqueName } from './services';

const BATCH = 1_000;

export const quiRedisAdapter: AdapterFactory = async ({ concurrency, onStart, onComplete }) => {
  await requireRedis();
  const qui = await loadQui();
  const url = `redis://${REDIS.host}:${REDIS.port}`;
  const prefix = `${uniqueName('qui')}:`;
  const start = (
    workers?: NonNullable<Parameters<typeof qui.defineQueue>[0]['workers']>,
  ): ReturnType<typeof qui.startSystem> => {
    const store = qui.redisStore({ url, prefix });
    const queue = qui.defineQueue({ name: 'bench', store, ...(workers ? { workers } : {}) });
    return qui.startSystem(qui.defineSupervisor({ id: 'root', children: [queue] }));
  };
  const producer = await start();
  const queue = producer.queue<JobData>('bench');
  let consumer: Awaited<ReturnType<typeof start>> | undefined;
  return {
    supportsPriority: false,
    async enqueueBulk(items) {
      for (let i = 0; i < items.length; i += BATCH) {
        await queue.enqueueMany(items.slice(i, i + BATCH).map((task) => ({ task })));
      }
    },
    enqueue: async (data) => void (await queue.enqueue(data)),
    async startWorkers() {
      consumer = await start({
        count: concurrency,
        processor: (job) => {
          onStart(job.task as JobData);
          onComplete();
          return qui.ok();
        },
      });
    },
    async close() {
      try {
        await Promise.all([consumer?.stop(), producer.stop()]);
      } finally {
        await deleteRedisKeys(prefix);
      }
    },
  };
};
