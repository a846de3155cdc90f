import type { Server } from 'node:http';
import { createDashboard } from '../dashboard/create-dashboard';
import { QuiError, toError } from '../errors';
import { JOB_END_STATES, type RetentionOptions } from '../jobs/job-retention';
import { silentLogger, type Logger } from '../logging';
import { createStoreMetrics } from '../metrics/store-metrics';
import { connectQueue, type QueueConnection } from '../queue/connect-queue';
import { loadIoredis, redisStore } from '../stores/redis-store';
import { describe } from '../validate';
import type { RedisDashboardSource } from './parse-dashboard';
import {
  listen,
  noPromClient,
  type Handler,
  type ServeDashboardDeps,
  type ServeDashboardOptions,
} from './serve-dashboard';
import { redisQueueNames } from './store-queues';

/**
 * The queues that have keys under `prefix` on the Redis at `url`: each key of a queue is
 * `<prefix>{<queue>}:…` (see redis-keys.ts), so the queue is what lies between the first `{` and
 * `}` after the prefix. SCANs (never KEYS), so a big Redis is not blocked. Sorted.
 * @throws {QuiError} `ERR_MISSING_PEER` without ioredis; `ERR_STORE` naming the URL and the socket's
 * error when Redis cannot be reached.
 */
export async function discoverRedisQueues(url: string, prefix: string): Promise<string[]> {
  const Redis = loadIoredis();
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  // Without a listener ioredis prints "[ioredis] Unhandled error event" itself; the socket's error
  // is what the one line names.
  let socketError: Error | undefined;
  client.on('error', (error: Error) => (socketError ??= error));
  try {
    await client.connect().catch((thrown: unknown) => {
      const error = socketError ?? toError(thrown);
      throw new QuiError('ERR_STORE', `redis at ${url}: ${error.message}`, { cause: error });
    });
    return await redisQueueNames(client, prefix);
  } finally {
    client.disconnect();
  }
}

/**
 * Keeps every record whatever its age or number: the watching process never prunes (the queue's
 * own processes prune by their retention, which this one does not know).
 */
const KEEP_ALL: RetentionOptions = Object.fromEntries(
  JOB_END_STATES.map((s) => [s, { maxAgeMs: Infinity, maxCount: Infinity }]),
);

/**
 * `qui dashboard --redis`: serves the dashboard of queues that other processes run on a shared
 * Redis, through one `connectQueue` per queue (`redisStore({ url, prefix })`, a retention that
 * prunes nothing): it runs no tree and no workers, holds no lease and reaps nothing, so it changes
 * no job (and it is read-only). The queues are `source.queues`, or every queue found under the
 * prefix. Signals (SIGTERM, SIGINT) close the server and the connections, then `exit(0)`.
 * @throws {QuiError} `ERR_INVALID_OPTIONS` when no queue is named and none is found under the prefix;
 * `ERR_STORE` when the Redis cannot be reached; `ERR_RECORDS_OFF` for a queue that runs without records.
 */
export async function serveRedisDashboard(
  source: RedisDashboardSource,
  options: ServeDashboardOptions,
  deps: ServeDashboardDeps = {},
): Promise<{
  connections: readonly QueueConnection[];
  server: Server;
  url: string;
  queues: readonly string[];
}> {
  const queues =
    source.queues.length > 0 ? source.queues : await discoverRedisQueues(source.url, source.prefix);
  if (queues.length === 0)
    throw new QuiError(
      'ERR_INVALID_OPTIONS',
      `no queue has keys under prefix ${describe(source.prefix)} on ${source.url}: name one with --queue`,
    );
  const store = redisStore({ url: source.url, prefix: source.prefix });
  const connections: QueueConnection[] = [];
  const closeAll = () => Promise.all(connections.map((c) => c.close()));
  try {
    for (const name of queues) connections.push(await connectQueue({ name, store, retain: KEEP_ALL }));
  } catch (error) {
    await closeAll();
    throw error;
  }
  const logger = deps.logger ?? silentLogger();
  const dashboard = createDashboard({ connections, logger });
  const metrics = deps.metrics ?? storeMetricsOf(connections, logger);
  const listening = await listen(dashboard, metrics, options, logger, async () => {
    dashboard.close();
    await closeAll();
  });
  const signals = deps.signals ?? process;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return exit(130);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    dashboard.close();
    listening.server.closeAllConnections();
    listening.server.close();
    void closeAll().then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: toError(error) }, 'closing the connections failed');
        exit(1);
      },
    );
  };
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
  listening.server.once('close', () => {
    // Closed by a signal: the listeners stay until the process exits, so a second signal while
    // the connections are still closing exits 130 rather than taking Node's default action.
    if (stopping) return;
    signals.off('SIGTERM', onSignal);
    signals.off('SIGINT', onSignal);
  });
  return { connections, server: listening.server, url: listening.url, queues };
}

/**
 * `/metrics` on `--redis`: the store's gauges of the watched queues (`createStoreMetrics`: jobs
 * per state, paused, live processes and their workers), or, without prom-client, a 501 that says
 * how to get it. The per-process counters and histograms live in the processes that run the queues.
 */
function storeMetricsOf(connections: readonly QueueConnection[], logger: Logger): Handler {
  try {
    return createStoreMetrics(connections, { logger }).requestListener;
  } catch (error) {
    if (!(error instanceof QuiError && error.code === 'ERR_MISSING_PEER')) throw error;
    logger.info('prom-client is not installed: /metrics answers 501');
    return noPromClient;
  }
}
