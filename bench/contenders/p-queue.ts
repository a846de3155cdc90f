/** Queue contender: p-queue 8 (in-process, ESM-only, loaded with import()), concurrency N. */
import { runQueueContender, type JobData, type Priority } from '../lib/queue-driver';

runQueueContender(async ({ concurrency, onStart, onComplete }) => {
  const { default: PQueue } = await import('p-queue');
  const queue = new PQueue({ concurrency, autoStart: false });
  const add = (job: JobData, priority?: Priority): void => {
    const run = async (): Promise<void> => {
      onStart(job);
      onComplete();
    };
    void queue.add(run, { priority: priority === 'high' ? 1 : 0 });
  };
  return {
    supportsPriority: true,
    enqueueBulk: async (items, priority) => items.forEach((job) => add(job, priority)),
    enqueue: async (data, priority) => add(data, priority),
    startWorkers: async () => void queue.start(),
    close: async () => queue.clear(),
  };
});
