/**
 * Qui on `redisStore` as a QueueAdapter, for the qui-redis contender and
 * bench/stores/redis-queue.ts. Two systems in one process, each with its own `redisStore`
 * instance of the queue 'bench' under a prefix unique to the run: the producer (no workers)
 * enqueues, the consumer holds the workers and starts with `startWorkers`. A job enqueued by the
 * producer therefore wakes parked consumer workers through Redis pub/sub, as it would from
 * another machine. Jobs are enqueued with `enqueueMany` in batches of 1,000; the queue has the
 * default single priority. Keys are deleted on close.
 *
 * `quiRedisAdapter` defines the queue with `retain: false` (no job records: the hand-off alone);
 * `quiRedisRecordsAdapter` leaves `retain` at its default, DEFAULT_RETENTION (completed: 1 hour
 * or 1,000 jobs), as BullMQ with `removeOnComplete: { count: 1000, age: 3600 }` keeps its jobs.
 */
import type { AdapterFactory, JobData } from './queue-driver';
import { loadQui } from './qui';
import { deleteRedisKeys, REDIS, requireRedis, uniqueName } from './services';

const BATCH = 1_000;

/** Qui on `redisStore` with `retain: false`. */
export const quiRedisAdapter: AdapterFactory = (options) => adapter(options, false);
/** Qui on `redisStore` keeping job records with the default retention. */
export const quiRedisRecordsAdapter: AdapterFactory = (options) => adapter(options, true);

const adapter = async (
  { concurrency, onStart, onComplete }: Parameters<AdapterFactory>[0],
  records: boolean,
): ReturnType<AdapterFactory> => {
  await requireRedis();
  const qui = await loadQui();
  const url = `redis://${REDIS.host}:${REDIS.port}`;
  const prefix = `${uniqueName('qui')}:`;
  const start = (
    workers?: NonNullable<Parameters<typeof qui.defineQueue>[0]['workers']>,
  ): ReturnType<typeof qui.startSystem> => {
    const queue = qui.defineQueue({
      name: 'bench',
      store: qui.redisStore({ url, prefix }),
      ...(records ? {} : { retain: false as const }),
      ...(workers ? { workers } : {}),
    });
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
