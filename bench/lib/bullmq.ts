/**
 * BullMQ on the local Redis as a QueueAdapter, for the bullmq contender and
 * bench/stores/redis-queue.ts. Producer (a Queue) and worker share one process, each with its
 * own connections. `bullmqAdapter` removes jobs on completion (BullMQ's fastest setting);
 * `bullmqRecordsAdapter` keeps completed jobs the way Qui's DEFAULT_RETENTION keeps completed
 * records (`removeOnComplete: { count: 1000, age: 3600 }`: the last 1,000, for at most an hour;
 * BullMQ's age is in seconds and is applied when a later job completes). A job counts as done on
 * the worker's 'completed' event. Priority: BullMQ runs lower numbers first (1 = high, 2 = low).
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { type AdapterFactory, type JobData, type Priority } from './queue-driver';
import { deleteRedisKeys, REDIS, requireRedis, uniqueName } from './services';

const BULK = 1_000;

/** Completed jobs kept like Qui's DEFAULT_RETENTION keeps completed records: 1,000 or 1 hour. */
const KEEP_COMPLETED = { count: 1_000, age: 3_600 } as const;

/** BullMQ, completed jobs removed at once. */
export const bullmqAdapter: AdapterFactory = (options) => adapter(options, true);
/** BullMQ keeping its completed jobs like Qui's default retention (see KEEP_COMPLETED). */
export const bullmqRecordsAdapter: AdapterFactory = (options) => adapter(options, KEEP_COMPLETED);

const adapter = async (
  { concurrency, onStart, onComplete }: Parameters<AdapterFactory>[0],
  removeOnComplete: true | typeof KEEP_COMPLETED,
): ReturnType<AdapterFactory> => {
  await requireRedis();
  const connection: ConnectionOptions = { ...REDIS, maxRetriesPerRequest: null };
  const prefix = uniqueName('bullmq');
  const queue = new Queue<JobData>('bench', {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete, removeOnFail: true },
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
