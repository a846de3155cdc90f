/** Queue contender: fastq (in-process, promise API), concurrency N, no priorities. */
import fastq from 'fastq';
import { runQueueContender, type JobData } from '../lib/queue-driver';

runQueueContender(async ({ concurrency, onStart, onComplete }) => {
  const queue = fastq.promise(async (job: JobData) => {
    onStart(job);
    onComplete();
  }, concurrency);
  queue.pause();
  const push = (job: JobData): void => void queue.push(job);
  return {
    supportsPriority: false,
    enqueueBulk: async (items) => items.forEach(push),
    enqueue: async (data) => push(data),
    startWorkers: async () => void queue.resume(),
    close: async () => void queue.kill(),
  };
});
