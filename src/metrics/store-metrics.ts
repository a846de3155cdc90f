import { InvalidOptionsError } from '../errors';
import { silentLogger, type Logger } from '../logging';
import { JOB_STATES } from '../jobs/job-record';
import type { QueueConnection } from '../queue/connect-queue';
import type { JobCounts } from '../queue/job-control';
import type { ProcessInfo } from '../stores/job-records';
import { checkObject, describe, type Fail } from '../validate';
import type { MetricsRegistry, QuiMetrics } from './create-metrics';
import { loadPromClient, scrapedGauge, scrapeListener, type GaugeSink } from './prometheus-peer';

/** What `createStoreMetrics` takes. */
export interface StoreMetricsOptions {
  /** Where the metrics are registered. @defaultValue a new prom-client `Registry` */
  readonly registry?: MetricsRegistry;
  /** Where a failed scrape is logged. @defaultValue silent */
  readonly logger?: Logger;
}

interface Read {
  readonly counts: JobCounts;
  readonly paused: boolean;
  readonly processes: readonly ProcessInfo[];
}

const fail: Fail = (path, problem) => new InvalidOptionsError(path, problem);

/**
 * Prometheus gauges of queues read straight from their shared store, for a process that runs none
 * of them (`qui dashboard --redis`): what the store holds per queue and state (its totals, shared
 * by every process on it), whether each queue is paused, and the live processes and their workers
 * from their heartbeats. Read at scrape time, one round of store reads per queue; nothing is
 * counted between scrapes, so the per-process counters and histograms of `createMetrics` are not
 * here: scrape the processes that run the queues for those.
 * @throws {InvalidOptionsError} naming the bad option.
 * @throws {QuiError} `ERR_MISSING_PEER` when prom-client is not installed.
 * @example
 * const metrics = createStoreMetrics([await connectQueue({ name: 'emails', store })]);
 * await metrics.render(); // '# HELP qui_queue_jobs …\nqui_queue_jobs{queue="emails",state="waiting"} 3'
 */
export function createStoreMetrics(
  connections: readonly QueueConnection[],
  options?: StoreMetricsOptions,
): QuiMetrics {
  if (!Array.isArray(connections))
    throw fail('connections', `must be an array of queue connections, got ${describe(connections)}`);
  const list: readonly QueueConnection[] = connections;
  list.forEach((c: unknown, i) => {
    if (typeof c !== 'object' || c === null || typeof (c as QueueConnection).counts !== 'function')
      throw fail(`connections[${i}]`, `must be a connection from connectQueue, got ${describe(c)}`);
  });
  const opts = checkObject(options ?? {}, '', ['registry', 'logger'], fail);
  const logger = (opts.logger as Logger | undefined) ?? silentLogger();
  const prom = loadPromClient('createStoreMetrics');
  const registry = (opts.registry as MetricsRegistry | undefined) ?? new prom.Registry();
  if (typeof registry.registerMetric !== 'function' || typeof registry.metrics !== 'function')
    throw fail('registry', `must be a prom-client Registry, got ${describe(registry)}`);

  // One read per queue per scrape, shared by every gauge of that scrape: the registry asks every
  // gauge in the same tick, and the round is dropped once it settles, so the next scrape (through
  // render() or straight through the registry) reads afresh.
  let round: Promise<Array<{ queue: string; read: Read | undefined }>> | undefined;
  const readAll = () => {
    if (round) return round;
    const current = Promise.all(
      list.map(async (c) => {
        try {
          const [counts, paused, processes] = await Promise.all([c.counts(), c.isPaused(), c.processes()]);
          return { queue: c.name, read: { counts, paused, processes } };
        } catch {
          return { queue: c.name, read: undefined }; // left out of this scrape, as a queue restarting is
        }
      }),
    );
    round = current;
    void current.finally(() => {
      if (round === current) round = undefined;
    });
    return current;
  };
  const names: string[] = [];
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    set: (g: GaugeSink, queue: string, read: Read) => void,
  ) => {
    names.push(name);
    scrapedGauge(prom, registry, { name, help, labelNames }, async (g) => {
      for (const { queue, read } of await readAll()) if (read) set(g, queue, read);
    });
  };
  gauge(
    'qui_queue_jobs',
    'Jobs a queue holds in its store, by state (every process).',
    ['queue', 'state'],
    (g, queue, r) => {
      for (const state of JOB_STATES) g.set({ queue, state }, r.counts[state]);
    },
  );
  gauge('qui_queue_paused', 'Whether the queue is paused (1) or not (0).', ['queue'], (g, queue, r) =>
    g.set({ queue }, r.paused ? 1 : 0),
  );
  gauge('qui_processes', 'Live processes running the queue, by their heartbeats.', ['queue'], (g, queue, r) =>
    g.set({ queue }, r.processes.length),
  );
  gauge(
    'qui_workers',
    'Workers of a queue over its live processes: active (running a job) or parked (waiting for one).',
    ['queue', 'state'],
    (g, queue, r) => {
      let busy = 0;
      let total = 0;
      for (const p of r.processes) {
        busy += p.workers.busy;
        total += p.workers.total;
      }
      g.set({ queue, state: 'active' }, busy);
      g.set({ queue, state: 'parked' }, total - busy);
    },
  );

  let closed = false;
  const render = (): Promise<string> => registry.metrics();
  return {
    registry,
    contentType: registry.contentType,
    render,
    requestListener: scrapeListener(render, registry.contentType, logger),
    close() {
      if (closed) return;
      closed = true;
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}
