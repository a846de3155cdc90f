import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as PromClient from 'prom-client';
import { InvalidOptionsError } from '../errors';
import { checkInteger, checkObject, describe, type Fail } from '../validate';
import { queueRuntimes } from '../queue/queue-runtime';
import { watchAttempts, watchEnqueued } from '../queue/queue-watch';
import type { QueueStats } from '../queue/queue-messages';
import { coreOf, type QuiSystem } from '../runtime/start-system';
import type { JobLostEvent } from '../events';
import type { AttemptHook } from '../tasks/attempt-watches';
import { HistogramMetric, type HistogramSeries } from './histogram-metric';
import { loadPromClient, scrapedGauge, scrapeListener, type GaugeSink } from './prometheus-peer';
import {
  CappedCounts,
  DEFAULT_DURATION_BUCKETS,
  DEFAULT_WAIT_BUCKETS,
  SeriesBook,
  type LostReason,
  type TaskSeries,
} from './metric-series';

/**
 * The part of a prom-client `Registry` Qui uses; a `new Registry()` (or prom-client's global
 * `register`) fits. Kept structural so Qui's types do not need prom-client installed.
 */
export interface MetricsRegistry {
  readonly contentType: string;
  metrics(): Promise<string>;
  registerMetric(metric: unknown): void;
  removeSingleMetric(name: string): void;
}

/** What `createMetrics` takes. */
export interface MetricsOptions {
  /** The prom-client registry to register into. @defaultValue a new prom-client `Registry` */
  readonly registry?: MetricsRegistry;
  /** Most distinct `task` label values (across queues); later task names count as `'other'`. @defaultValue 100 */
  readonly maxTasks?: number;
  /** Most distinct supervisors (and children) in the supervision metrics; later ones count as `'other'`. @defaultValue 100 */
  readonly maxSupervisors?: number;
  /** Upper bounds in seconds of `qui_job_wait_seconds`, ascending. @defaultValue {@link DEFAULT_WAIT_BUCKETS} */
  readonly waitBuckets?: readonly number[];
  /** Upper bounds in seconds of `qui_job_duration_seconds`, ascending. @defaultValue {@link DEFAULT_DURATION_BUCKETS} */
  readonly durationBuckets?: readonly number[];
}

/** A running metrics exporter: see {@link createMetrics}. */
export interface QuiMetrics {
  /** The registry the metrics live in. */
  readonly registry: MetricsRegistry;
  /** The Content-Type of {@link QuiMetrics.render}'s text. */
  readonly contentType: string;
  /** The registry's metrics in the Prometheus text format (queue gauges are read now). */
  render(): Promise<string>;
  /** A `node:http` request listener that answers any request with {@link QuiMetrics.render}. */
  readonly requestListener: (request: IncomingMessage, response: ServerResponse) => void;
  /** Unsubscribes from the system's events and removes the metrics from the registry. */
  close(): void;
}

const fail: Fail = (path, problem) => new InvalidOptionsError(path, problem);
const OPTION_KEYS = ['registry', 'maxTasks', 'maxSupervisors', 'waitBuckets', 'durationBuckets'];
const LOST_REASONS: ReadonlySet<string> = new Set([
  'error',
  'killed',
  'shutdown',
  'store',
  'decode',
  'process-gone',
]);

/**
 * Exports a system's queue and supervision metrics to Prometheus through prom-client (an optional
 * peer dependency). Counters and histograms are plain numbers bumped by an attempt hook (one probe
 * per worker), a watcher of the ledger's enqueued batches and a few event listeners, and copied
 * into the registry at scrape time; queue gauges ask each queue for its stats at scrape
 * time. See docs/guides/metrics.md for every metric and its labels.
 * @throws {InvalidOptionsError} naming the bad option.
 * @throws {QuiError} `ERR_MISSING_PEER` when prom-client is not installed; `ERR_INVALID_OPTIONS`
 * when `system` was not made by `startSystem`.
 * @example
 * const metrics = createMetrics(system);
 * http.createServer(metrics.requestListener).listen(9464); // GET /metrics
 * await metrics.render(); // '# HELP qui_jobs_enqueued_total …'
 */
export function createMetrics(system: QuiSystem, options?: MetricsOptions): QuiMetrics {
  const core = coreOf(system);
  if (!core) throw fail('system', 'must be a system returned by startSystem');
  const opts = checkObject(options ?? {}, '', OPTION_KEYS, fail);
  const maxTasks = opts.maxTasks === undefined ? 100 : checkInteger(opts.maxTasks, 'maxTasks', 1, fail);
  const maxSupervisors =
    opts.maxSupervisors === undefined ? 100 : checkInteger(opts.maxSupervisors, 'maxSupervisors', 1, fail);
  const waitBuckets = checkBuckets(opts.waitBuckets, 'waitBuckets', DEFAULT_WAIT_BUCKETS);
  const durationBuckets = checkBuckets(opts.durationBuckets, 'durationBuckets', DEFAULT_DURATION_BUCKETS);
  const prom = loadPromClient('createMetrics');
  const registry = (opts.registry as MetricsRegistry | undefined) ?? new prom.Registry();
  if (typeof registry.registerMetric !== 'function' || typeof registry.metrics !== 'function')
    throw fail('registry', `must be a prom-client Registry, got ${describe(registry)}`);

  const book = new SeriesBook(maxTasks, waitBuckets, durationBuckets);
  const restarts = new CappedCounts(maxSupervisors, { supervisor: 'other', child: 'other' });
  const escalations = new CappedCounts(maxSupervisors, { supervisor: 'other' });
  const events = system.events;
  const tasks = function* (): Iterable<TaskSeries> {
    for (const q of book.queues.values()) yield* q.tasks.values();
  };

  // Attempts are watched through a hook the worker calls, not through job.started/completed
  // events: those would build two event objects per job. Each worker incarnation gets its own
  // probe when it first runs an attempt, keeps it (no lookup per job) and closes it when it ends.
  // Times are wall-clock reads (Date.now on the system clock), in whole milliseconds as job
  // timestamps are, and metrics make none of their own: the queue's read as it takes a job from
  // its store (the record's startedAtMs) ends the wait (against the job's due time) and starts the
  // run time, and the attempt's read as it ends (the record's end time too) ends it. A clock read
  // was the largest single cost per job left (about 1.5 % of a no-op job's time each, by profile);
  // performance.now() costs four times as much on Node 20. Whole-ms reads of random phase keep
  // the sums unbiased; a time under a millisecond counts as 0 or 1 ms.
  const hook: AttemptHook = { watch: (_worker, queue) => book.probe(queue) };
  const removeHook = watchAttempts(core, hook);
  // Enqueues are counted from the ledger's batches, not from job.enqueued (an object per job).
  // Told as it begins on each queue whether it sees all of that queue's jobs: then a queue whose
  // jobs all carry one task label spares each attempt the read of its job's task.
  const removeEnqueued = watchEnqueued(
    core,
    (jobs) => book.enqueued(jobs),
    (queue, whole) => book.begun(queue, whole),
  );
  // On a shared store, other processes' lifecycle events reach this system's bus too, marked
  // with their `origin`: each process counts only what happened in it, so the sum over the
  // processes a Prometheus server scrapes counts each job once.
  const unsubscribe = [
    events.on('job.retrying', ({ job }) => void book.task(job).retried++),
    events.on('job.dead', ({ job, origin }) => void (origin === undefined && book.task(job).dead++)),
    events.on(
      'job.cancelled',
      ({ job, origin }) => void (origin === undefined && book.task(job).cancelled++),
    ),
    events.on('job.lost', (event) => event.origin === undefined && lost(book, event)),
    events.on('actor.restarted', ({ supervisor, id }) =>
      restarts.add(`${supervisor}\u0000${id}`, () => ({ supervisor, child: id })),
    ),
    events.on('supervisor.escalated', ({ path }) => escalations.add(path, () => ({ supervisor: path }))),
  ];

  const names: string[] = [];
  const counter = (name: string, help: string, labelNames: string[], read: (c: CounterLike) => void) => {
    names.push(name);
    new prom.Counter({
      name,
      help,
      labelNames,
      registers: [registry as PromClient.Registry],
      collect() {
        this.reset();
        read(this);
      },
    });
  };
  const perTask = (name: string, help: string, value: (t: TaskSeries) => number): void =>
    counter(name, help, ['queue', 'task'], (c) => {
      for (const t of tasks()) c.inc({ queue: t.queue, task: t.task }, value(t));
    });
  perTask('qui_jobs_enqueued_total', 'Jobs accepted by a queue.', (t) => t.enqueued);
  perTask('qui_jobs_completed_total', 'Jobs whose attempt completed.', (t) => t.completed);
  perTask('qui_job_attempts_failed_total', 'Failed attempts, retried or not.', (t) => t.failed);
  perTask('qui_jobs_retried_total', 'Attempts rescheduled after a failure.', (t) => t.retried);
  perTask('qui_jobs_dead_total', 'Jobs failed for good (retries used up, or unrecoverable).', (t) => t.dead);
  perTask('qui_jobs_cancelled_total', 'Jobs cancelled before they completed.', (t) => t.cancelled);
  counter('qui_jobs_lost_total', 'Jobs lost (at-most-once), by reason.', ['queue', 'task', 'reason'], (c) => {
    for (const t of tasks())
      for (const [reason, n] of t.lost) c.inc({ queue: t.queue, task: t.task, reason }, n);
  });
  counter('qui_actor_restarts_total', 'Children restarted by a supervisor.', ['supervisor', 'child'], (c) => {
    for (const { labels, value } of restarts.counts.values()) c.inc(labels, value);
  });
  counter('qui_supervisor_escalations_total', 'Supervisors that gave up.', ['supervisor'], (c) => {
    for (const { labels, value } of escalations.counts.values()) c.inc(labels, value);
  });

  const histogram = (name: string, help: string, read: () => Iterable<HistogramSeries>): void => {
    names.push(name);
    registry.registerMetric(new HistogramMetric(name, help, read));
  };
  histogram('qui_job_wait_seconds', 'From due (enqueued, or runAt) to taken by a worker.', function* () {
    for (const q of book.queues.values()) yield { labels: { queue: q.queue }, histogram: q.wait };
  });
  histogram('qui_job_duration_seconds', 'Attempt run time (taken to outcome), by outcome.', function* () {
    for (const t of tasks()) {
      yield { labels: { queue: t.queue, task: t.task, outcome: 'success' }, histogram: t.succeeded };
      yield { labels: { queue: t.queue, task: t.task, outcome: 'failure' }, histogram: t.failedRuns };
    }
  });

  const gauge = (name: string, help: string, labelNames: string[], read: (g: GaugeSink) => Promise<void>) => {
    names.push(name);
    scrapedGauge(prom, registry, { name, help, labelNames }, read);
  };
  gauge('qui_queue_jobs', 'Jobs held by a queue, by state.', ['queue', 'state'], async (g) => {
    for (const stats of await allStats(system, core)) {
      let waiting = 0;
      for (const n of Object.values(stats.waiting)) waiting += n;
      g.set({ queue: stats.name, state: 'waiting' }, waiting);
      g.set({ queue: stats.name, state: 'delayed' }, stats.delayed);
    }
  });
  gauge(
    'qui_workers',
    'Workers of a queue: active (running a job) or parked (waiting for one).',
    ['queue', 'state'],
    async (g) => {
      for (const stats of await allStats(system, core)) {
        g.set({ queue: stats.name, state: 'active' }, book.active(stats.name));
        g.set({ queue: stats.name, state: 'parked' }, stats.parkedPolls);
      }
    },
  );

  let closed = false;
  const render = () => registry.metrics();
  return {
    registry,
    contentType: registry.contentType,
    render,
    requestListener: scrapeListener(render, registry.contentType, system.logger),
    close() {
      if (closed) return;
      closed = true;
      for (const off of unsubscribe) off();
      removeHook();
      removeEnqueued();
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}

type CounterLike = { inc(labels: Record<string, string>, value: number): void };

function lost(book: SeriesBook, event: JobLostEvent): void {
  if (event.job === undefined) return; // an undecodable entry: no queue or task to count it under
  const type = event.reason.type;
  const reason = (LOST_REASONS.has(type) ? type : 'other') as LostReason;
  const t = book.task(event.job);
  t.lost.set(reason, (t.lost.get(reason) ?? 0) + 1);
}

/** The stats of every queue that answers now (a queue restarting is skipped this scrape). */
async function allStats(
  system: QuiSystem,
  core: NonNullable<ReturnType<typeof coreOf>>,
): Promise<QueueStats[]> {
  if (system.stopped) return [];
  const asked = queueRuntimes(core).map((rt) => system.queue(rt.config.name).stats());
  const settled = await Promise.allSettled(asked);
  return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
}

function checkBuckets(value: unknown, path: string, fallback: readonly number[]): readonly number[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length === 0)
    throw fail(path, `must be a non-empty array of ascending numbers of seconds, got ${describe(value)}`);
  value.forEach((bound: unknown, i) => {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= 0)
      throw fail(`${path}[${i}]`, `must be a finite number > 0, got ${describe(bound)}`);
    if (i > 0 && bound <= (value[i - 1] as number))
      throw fail(`${path}[${i}]`, `must be greater than the bound before it (${value[i - 1] as number})`);
  });
  return Object.freeze([...(value as number[])]);
}
