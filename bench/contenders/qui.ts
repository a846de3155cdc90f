/**
 * Queue contender: Qui. One queue with priorities ['high', 'low'] and a pool of N workers whose
 * processor does nothing and returns ok(). Qui's workers start with the system and poll at
 * once, so "start the workers after the bulk enqueue" is a gate: a processor called before
 * `startWorkers` waits for it. At most N jobs (one per worker) are held that way; they are
 * reported as `heldAtStart` and, in the priority workload, left out of the inversion count
 * (each was handed out while it was the only kind of job waiting). A `retain` parameter of
 * 'off' defines the queue with `retain: false` (no job records); absent, the queue keeps records
 * with the default retention, as a user's queue does. A `metrics` parameter of true turns
 * `createMetrics` on (prom-client registry, every listener attached), scraped once at the end so
 * the registry's output is part of the run.
 */
import { readParams, SkipError } from '../lib/child';
import { runQueueContender, type JobData } from '../lib/queue-driver';
import { createGate, loadQui } from '../lib/qui';

const BULK = 10_000;
const { retain, metrics: withMetrics } = readParams<{ retain?: 'off' | 'default'; metrics?: boolean }>();

runQueueContender(async ({ concurrency, onStart, onComplete }) => {
  const qui = await loadQui();
  if (withMetrics && typeof qui.createMetrics !== 'function')
    throw new SkipError('createMetrics not available');
  const gate = createGate();
  const run = (task: JobData): ReturnType<typeof qui.ok> => {
    onStart(task);
    onComplete();
    return qui.ok();
  };
  const queueSpec = qui.defineQueue({
    name: 'bench',
    priorities: ['high', 'low'],
    ...(retain === 'off' ? { retain: false as const } : {}),
    workers: {
      count: concurrency,
      processor: (job) => (gate.open ? run(job.task as JobData) : gate.wait(() => run(job.task as JobData))),
    },
  });
  const system = await qui.startSystem(qui.defineSupervisor({ id: 'root', children: [queueSpec] }));
  const metrics = withMetrics ? qui.createMetrics(system) : undefined;
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
      if (metrics) {
        if (!(await metrics.render()).includes('qui_jobs_completed_total'))
          throw new Error('no metrics rendered');
        metrics.close();
      }
      await system.stop();
    },
  };
});
