/** Queue contender: the minimal queue on raw nact (see lib/raw-nact-queue.ts). */
import { runQueueContender, type JobData } from '../lib/queue-driver';
import { createRawNactQueue } from '../lib/raw-nact-queue';

runQueueContender(async ({ concurrency, onStart, onComplete }) => {
  const queue = createRawNactQueue<JobData>((job) => {
    onStart(job);
    onComplete();
  });
  return {
    supportsPriority: false,
    enqueueBulk: async (items) => queue.push(items),
    enqueue: async (data) => queue.push([data]),
    startWorkers: async () => queue.startWorkers(concurrency),
    close: async () => queue.stop(),
  };
});
