import type { Server } from 'node:http';
import { QuiError, toError } from '../errors';
import { JOB_END_STATES, type RetentionOptions } from '../jobs/job-retention';
import { defineQueue } from '../queue/define-queue';
import type { QuiSystem } from '../runtime/start-system';
import { loadIoredis, redisStore } from '../stores/redis-store';
import { defineSupervisor } from '../supervision/spec';
import { describe } from '../validate';
import type { RedisDashboardSource } from './parse-dashboard';
import { listenDashboard, type ServeDashboardDeps, type ServeDashboardOptions } from './serve-dashboard';
import { runTree } from './run-tree';

/** Keys scanned per SCAN round when looking for queues. */
const SCAN_COUNT = 1_000;

/** `s` with Redis glob characters escaped, for a SCAN MATCH pattern. */
function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

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
  const found = new Set<string>();
  try {
    await client.connect().catch((thrown: unknown) => {
      const error = socketError ?? toError(thrown);
      throw new QuiError('ERR_STORE', `redis at ${url}: ${error.message}`, { cause: error });
    });
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(
        cursor,
        'MATCH',
        `${globEscape(prefix)}{*}:*`,
        'COUNT',
        SCAN_COUNT,
      );
      cursor = next;
      for (const key of keys) {
        const end = key.indexOf('}', prefix.length + 1);
        if (key.startsWith(`${prefix}{`) && end > prefix.length + 1)
          found.add(key.slice(prefix.length + 1, end));
      }
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return [...found].sort();
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
 * Redis, without running their workers: a tree of the queues alone (no workers, so it takes no
 * job; retention that prunes nothing), on `redisStore({ url, prefix })`. The queues are
 * `source.queues`, or every queue found under the prefix. Read-only, as `qui dashboard` is.
 * Like every process on the store, it holds a lease (it shows on the processes page with no
 * workers) and reaps the jobs of processes whose lease ran out.
 * @throws {QuiError} `ERR_INVALID_OPTIONS` when no queue is named and none is found under the prefix;
 * `ERR_STORE` when the Redis cannot be reached to look.
 */
export async function serveRedisDashboard(
  source: RedisDashboardSource,
  options: ServeDashboardOptions,
  deps: ServeDashboardDeps = {},
): Promise<{ system: QuiSystem; server: Server; url: string; queues: readonly string[] }> {
  const queues =
    source.queues.length > 0 ? source.queues : await discoverRedisQueues(source.url, source.prefix);
  if (queues.length === 0)
    throw new QuiError(
      'ERR_INVALID_OPTIONS',
      `no queue has keys under prefix ${describe(source.prefix)} on ${source.url}: name one with --queue`,
    );
  const store = redisStore({ url: source.url, prefix: source.prefix });
  const tree = defineSupervisor({
    id: 'dashboard',
    children: queues.map((name) => defineQueue({ name, store, retain: KEEP_ALL })),
  });
  const system = await runTree({ tree }, deps);
  return { ...(await listenDashboard(system, options, deps)), queues };
}
