/**
 * Queue contender: Qui with `createMetrics` on (prom-client registry, every listener attached),
 * otherwise the same as contenders/qui.ts: one queue, N workers, no-op processor. Scraped once
 * at the end, so the registry's output is part of the run.
 */
import { runQueueContender, type JobData } from '../lib/queue-driver';
import { SkipError } from '../lib/child';
import { createGate, loadQui } from '../lib/qui';

const BULK = 10_000;

runQueueContender(async ({ concurrency, onStart, onComplete }) => {
  const qui = await loadQui();
  if (typeof qui.createMetrics !== 'function') throw new SkipError('createMetrics not available');
  const gate = createGate();
  const run = (task: JobData): ReturnType<typeof qui.ok> => {
    onStart(task);
    onComplete();
    return qui.ok();
  };
  const queueSpec = qui.defineQueue({
    name: 'bench',
    priorities: ['high', 'low'],
    workers: {
      count: concurrency,
      processor: (job) => (gate.open ? run(job.task as JobData) : gate.wait(() => run(job.task as JobData))),
    },
  });
  const system = await qui.startSystem(qui.defineSupervisor({ id: 'root', children: [queueSpec] }));
  const metrics = qui.createMetrics(system);
  const queue = system.queue<JobData>('bench');
  return {
    supportsPriority: true,
    heldAtStart: () => gate.held,
    async enqueueBulk(items, priority) {
      const options = priority ? { priority } : undefined;
      for (let i = 0; i < items.length; i += BULK) {
        await queue.enqueueMany(items.slice(i, i + BULK).map((task) => ({ task, options })));
      }
    },
    enqueue: async (data, priority) => void (await queue.enqueue(data, priority ? { priority } : undefined)),
    startWorkers: async () => gate.release(),
    async close() {
      if (!(await metrics.render()).includes('qui_jobs_completed_total'))
        throw new Error('no metrics rendered');
      metrics.close();
      await system.stop();
    },
  };
});
