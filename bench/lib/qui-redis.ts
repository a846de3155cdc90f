/**
 * Qui on `redisStore` as a QueueAdapter, for the qui-redis contender and
 * bench/stores/redis-queue.ts. Two systems in one process, each with its own `redisStore`
 * instance of the queue 'bench' under a prefix unique to the run: the producer (no workers)
 * enqueues, the consumer holds the workers and starts with `startWorkers`. A job enqueued by the
 * producer therefore wakes parked consumer workers through Redis pub/sub, as it would from
 * another machine. Jobs are enqueued with `enqueueMany` in batches of 1,000; the queue has the
 * default single priority. Keys are deleted on close.
 *
 * `quiRedisRecordsAdapter` keeps job records with the default retention (completed: 1 hour or
 * 1,000 jobs), as BullMQ keeps its job hashes. When the queue itself asks its store for records
 * (its default `retain`), the adapter changes nothing; on a Qui whose queue does not yet, it turns
 * them on in the store and, from the processor, ends each record `completed` and broadcasts
 * `job.completed`, without holding up the worker, as the queue's ledger does on a shared store:
 * the same Redis work per job (records written by add and take, one finish, one event).
 */
import { randomUUID } from 'node:crypto';
import type { JobRecords, JobStore, JobStoreFactory } from '../../src/index';
import type { AdapterFactory, JobData } from './queue-driver';
import { loadQui } from './qui';
import { deleteRedisKeys, REDIS, requireRedis, uniqueName } from './services';

const BATCH = 1_000;

const COMPLETED = { state: 'completed', result: undefined, error: undefined, worker: undefined } as const;

/**
 * What the queue's ledger writes when an attempt completes on a shared store, without holding up
 * the worker: the record's end, then the `job.completed` event for the other processes.
 */
function emulateLedger(records: JobRecords, jobId: string): void {
  void Promise.resolve(records.finish(jobId, COMPLETED, Date.now()))
    .then((applied) => {
      if (!applied) return undefined;
      const payload = { jobId, attempts: 1, worker: undefined };
      return records.broadcast({ type: 'job.event', origin: 'bench', event: 'job.completed', payload });
    })
    .catch(() => undefined);
}

/** Qui on `redisStore`, records as the queue's defaults say. */
export const quiRedisAdapter: AdapterFactory = (options) => adapter(options, false);
/** Qui on `redisStore` with job records kept (default retention). */
export const quiRedisRecordsAdapter: AdapterFactory = (options) => adapter(options, true);

const adapter = async (
  { concurrency, onStart, onComplete }: Parameters<AdapterFactory>[0],
  records: boolean,
): ReturnType<AdapterFactory> => {
  await requireRedis();
  const qui = await loadQui();
  const url = `redis://${REDIS.host}:${REDIS.port}`;
  const prefix = `${uniqueName('qui')}:`;
  /** The consumer's store, when the adapter (not the queue) turned its records on. */
  let finishing: JobStore | undefined;
  const withRecords = (factory: JobStoreFactory, consumer: boolean): JobStoreFactory => ({
    kind: factory.kind,
    serializes: factory.serializes,
    async create(config) {
      if (config.records !== undefined) return factory.create(config);
      const processId = randomUUID();
      const store = await factory.create({
        ...config,
        records: { processId, retention: qui.DEFAULT_RETENTION },
      });
      if (consumer) finishing = store;
      return store;
    },
  });
  const start = (
    workers?: NonNullable<Parameters<typeof qui.defineQueue>[0]['workers']>,
  ): ReturnType<typeof qui.startSystem> => {
    const plain = qui.redisStore({ url, prefix });
    const store = records ? withRecords(plain, workers !== undefined) : plain;
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
          if (finishing?.records !== undefined) emulateLedger(finishing.records, job.id);
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
