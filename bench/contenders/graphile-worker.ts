/**
 * Queue contender: graphile-worker 0.17 on the local PostgreSQL, in a schema of its own
 * (dropped after). Jobs are added with `addJobs` in bulk; the runner uses LISTEN/NOTIFY and
 * its default settings with `concurrency` N. A job counts as done when its task returns.
 * graphile-worker runs lower priority numbers first.
 */
import { Logger, makeWorkerUtils, run, type Runner, type WorkerUtils } from 'graphile-worker';
import { runQueueContender, type JobData, type Priority } from '../lib/queue-driver';
import { dropSchema, PG_URL, requirePostgres, uniqueName } from '../lib/services';

const BULK = 1_000;
const silent = new Logger(() => () => undefined);

runQueueContender(async ({ concurrency, onStart, onComplete }) => {
  await requirePostgres();
  const schema = uniqueName('gw');
  const utils: WorkerUtils = await makeWorkerUtils({ connectionString: PG_URL, schema, logger: silent });
  await utils.migrate();
  let runner: Runner | undefined;
  const rank = (priority?: Priority): number => (priority === 'high' ? 0 : 1);
  return {
    supportsPriority: true,
    async enqueueBulk(items, priority) {
      for (let i = 0; i < items.length; i += BULK) {
        const specs = items
          .slice(i, i + BULK)
          .map((data) => ({ identifier: 'j', payload: data, priority: rank(priority) }));
        await utils.addJobs(specs);
      }
    },
    enqueue: async (data, priority) => void (await utils.addJob('j', data, { priority: rank(priority) })),
    async startWorkers() {
      runner = await run({
        connectionString: PG_URL,
        schema,
        concurrency,
        logger: silent,
        noHandleSignals: true,
        pollInterval: 500,
        taskList: {
          j: async (payload) => {
            onStart(payload as JobData);
            onComplete();
          },
        },
      });
    },
    async close() {
      await runner?.stop().catch(() => undefined);
      await utils.release();
      await dropSchema(schema);
    },
  };
});
