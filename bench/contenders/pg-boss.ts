/**
 * Queue contender: pg-boss 10 on the local PostgreSQL, in a schema of its own (dropped after).
 * Concurrency N = N `work()` loops (pg-boss 10's way to run jobs concurrently), each fetching
 * `batchSize` jobs (default 1) and running them one after the other. Each loop fetches at most
 * once per polling interval (0.5 s, pg-boss's minimum), so throughput is bounded by
 * N × batchSize / 0.5 s. A job counts as done when its handler returns. Higher priority first.
 */
import PgBoss from 'pg-boss';
import { runQueueContender, type JobData, type Priority } from '../lib/queue-driver';
import { dropSchema, PG_URL, requirePostgres, uniqueName } from '../lib/services';

const BULK = 1_000;
const NAME = 'bench';

runQueueContender(async ({ concurrency, batchSize = 1, onStart, onComplete }) => {
  await requirePostgres();
  const schema = uniqueName('pgboss');
  const boss = new PgBoss({
    connectionString: PG_URL,
    schema,
    max: Math.min(20, concurrency + 2),
    supervise: false,
    schedule: false,
  });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue(NAME);
  const rank = (priority?: Priority): number => (priority === 'high' ? 1 : 0);
  return {
    supportsPriority: true,
    async enqueueBulk(items, priority) {
      for (let i = 0; i < items.length; i += BULK) {
        await boss.insert(
          items.slice(i, i + BULK).map((data) => ({ name: NAME, data, priority: rank(priority) })),
        );
      }
    },
    enqueue: async (data, priority) => void (await boss.send(NAME, data, { priority: rank(priority) })),
    async startWorkers() {
      for (let i = 0; i < concurrency; i++) {
        await boss.work<JobData>(NAME, { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs) => {
          for (const job of jobs) {
            onStart(job.data);
            onComplete();
          }
        });
      }
    },
    async close() {
      await boss.stop({ graceful: false, wait: true, timeout: 5_000 }).catch(() => undefined);
      await dropSchema(schema);
    },
  };
});
