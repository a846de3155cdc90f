/**
 * BullMQ on the local Redis as a QueueAdapter, for the bullmq contender and
 * bench/stores/redis-queue.ts. Producer (a Queue) and worker share one process, each with its
 * own connections; jobs are removed on completion (BullMQ's fastest setting). A job counts as
 * done on the worker's 'completed' event. Priority: BullMQ runs lower numbers first (1 = high, 2 = low).
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { type AdapterFactory, type JobData, type Priority } from './queue-driver';
import { deleteRedisKeys, REDIS, requireRedis, uniqueName } from './services';

const BULK = 1_000;

export const bullmqAdapter: AdapterFactory = async ({ concurrency, onStart, onComplete }) => {
  await requireRedis();
  const connection: ConnectionOptions = { ...REDIS, maxRetriesPerRequest: null };
  const prefix = uniqueName('bullmq');
  const queue = new Queue<JobData>('bench', {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
  await queue.waitUntilReady();
  let worker: Worker<JobData> | undefined;
  const opts = (priority?: Priority): { priority?: number } =>
    priority ? { priority: priority === 'high' ? 1 : 2 } : {};
  return {
    supportsPriority: true,
    async enqueueBulk(items, priority) {
      for (let i = 0; i < items.length; i += BULK) {
        await queue.addBulk(
          items.slice(i, i + BULK).map((data) => ({ name: 'j', data, opts: opts(priority) })),
        );
      }
    },
    enqueue: async (data, priority) => void (await queue.add('j', data, opts(priority))),
    async startWorkers() {
      worker = new Worker<JobData>('bench', async (job) => onStart(job.data), {
        connection,
        prefix,
        concurrency,
      });
      worker.on('completed', onComplete);
      await worker.waitUntilReady();
    },
    async close() {
      await worker?.close(true);
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await deleteRedisKeys(prefix);
    },
  };
};
