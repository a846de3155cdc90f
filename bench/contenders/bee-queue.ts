/**
 * Queue contender: bee-queue on the local Redis. One Queue instance produces and processes;
 * jobs are removed on success, and a job counts as done on the queue's 'succeeded' event.
 * bee-queue has no priorities.
 */
import BeeQueue from 'bee-queue';
import { runQueueContender, type JobData } from '../lib/queue-driver';
import { deleteRedisKeys, REDIS, requireRedis, uniqueName } from '../lib/services';

runQueueContender(async ({ concurrency, onStart, onComplete }) => {
  await requireRedis();
  const prefix = uniqueName('bee');
  const queue = new BeeQueue<JobData>('bench', {
    prefix,
    redis: { host: REDIS.host, port: REDIS.port },
    removeOnSuccess: true,
    removeOnFailure: true,
    getEvents: false,
    sendEvents: false,
    activateDelayedJobs: false,
  });
  await queue.ready();
  queue.on('succeeded', onComplete);
  return {
    supportsPriority: false,
    enqueueBulk: async (items) => void (await queue.saveAll(items.map((data) => queue.createJob(data)))),
    enqueue: async (data) => void (await queue.createJob(data).save()),
    startWorkers: async () => void queue.process(concurrency, async (job) => onStart(job.data)),
    async close() {
      await queue.destroy().catch(() => undefined);
      await queue.close();
      await deleteRedisKeys(prefix);
    },
  };
});
