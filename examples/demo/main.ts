/**
 * `npm start`: runs a few thousand jobs through the demo tree (qui.config.ts) with a live progress
 * line, then prints a summary. `runDemo` is exported so a test can run a tiny version in-process.
 *
 *   npm start                      3,000 jobs
 *   DEMO_JOBS=20000 npm start      more
 *   LOG_LEVEL=warn npm start 2>qui.log   pino logs (JSON) to stderr; silent by default so the
 *                                  progress line stays readable
 */
import pino from 'pino';
import { describeExit, startSystem, type Logger, type QuiSystem } from 'qui-actors';
import {
  demoTree,
  QUEUES,
  type DemoConfigOptions,
  type Outcome,
  type StatsMessage,
  type StatsState,
} from './qui.config';
import { accountedFor, formatSummary, type DemoSummary } from './summary';
import { batches, buildWorkload } from './workload';

export { accountedFor, formatSummary, type DemoSummary };

/** Where the demo prints: `process.stdout`, or anything with `write` (a test's buffer). */
export interface DemoOutput {
  write(text: string): unknown;
  /** When true the progress line is rewritten in place (`\r`); otherwise one line a second. */
  readonly isTTY?: boolean;
  /** Terminal width: the in-place line is cut to fit, so `\r` can rewrite it. */
  readonly columns?: number;
}

export interface DemoOptions extends DemoConfigOptions {
  /** Jobs to enqueue in all. @defaultValue 3000 */
  readonly jobs?: number;
  /** @defaultValue process.stdout */
  readonly output?: DemoOutput;
  /** @defaultValue a silent pino logger */
  readonly logger?: Logger;
  /** Aborting it stops the demo early (Ctrl-C): the system shuts down gracefully. */
  readonly signal?: AbortSignal;
}

type Counters = {
  -readonly [K in 'enqueued' | 'completed' | 'failed' | 'retried' | 'dead' | 'lost' | 'restarts']: number;
};

/** Runs the demo: starts the tree, enqueues the workload, waits until every job is accounted for. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const out = options.output ?? process.stdout;
  const jobs = options.jobs ?? 3000;
  const workload = buildWorkload(jobs);
  const logger = options.logger ?? pino({ level: 'silent' });
  const started = performance.now();
  const system = await startSystem(demoTree(options), { logger, name: 'demo' });

  const c: Counters = { enqueued: 0, completed: 0, failed: 0, retried: 0, dead: 0, lost: 0, restarts: 0 };
  let allEnqueued = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let resolveFailed!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => (resolveFailed = reject));
  failed.catch(() => undefined);
  let crashes = 0;
  // Done when every job is accounted for and every crashed worker has been restarted.
  const check = (): void => {
    if (allEnqueued && c.completed + c.dead + c.lost === c.enqueued && c.restarts >= crashes) resolveDone();
  };
  const ours = (queue: string): boolean => queue === 'cpu' || queue === 'io';
  const record = (task: unknown, outcome: Outcome): void => {
    const name = (task as { task?: unknown }).task;
    system.send<StatsMessage>('stats', { type: 'stats.record', task: String(name), outcome });
  };
  const on = system.events.on.bind(system.events);
  const off = [
    on('job.enqueued', (e) => {
      if (ours(e.job.queue)) c.enqueued++;
    }),
    on('job.completed', (e) => {
      c.completed++;
      record(e.job.task, 'completed');
      check();
    }),
    on('job.failed', (e) => {
      c.failed++;
      record(e.job.task, 'failed');
    }),
    on('job.retrying', () => {
      c.retried++;
    }),
    on('job.dead', (e) => {
      c.dead++;
      record(e.job.task, 'dead');
      check();
    }),
    on('job.lost', (e) => {
      c.lost++;
      if (e.reason.type === 'error') crashes++;
      if (e.job) record(e.job.task, 'lost');
      check();
    }),
    on('actor.restarted', () => {
      c.restarts++;
      check();
    }),
    on('system.failed', (e) =>
      resolveFailed(new Error(`the demo's root supervisor gave up: ${describeExit(e.reason)}`)),
    ),
  ];

  const progress = startProgress(out, () => progressLine(c, jobs, performance.now() - started));
  const aborted = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  let finished = false;
  try {
    for (const batch of batches(workload, 250)) {
      if (options.signal?.aborted) break;
      await system.queue(batch.queue).enqueueMany(batch.items);
    }
    allEnqueued = true;
    check();
    finished = await Promise.race([done.then(() => true), aborted.then(() => false), failed]);
    // One snapshot for the last line and the summary (jobs still run meanwhile if stopped early).
    const wallMs = performance.now() - started;
    const at: Counters = { ...c };
    progress.stop(progressLine(at, jobs, wallMs));
    return await summarize(system, at, workload.nonConforming, wallMs, finished);
  } finally {
    progress.stop();
    for (const unsubscribe of off) unsubscribe();
    await system.stop();
  }
}

async function summarize(
  system: QuiSystem,
  c: Counters,
  nonConforming: number,
  wallMs: number,
  finished: boolean,
): Promise<DemoSummary> {
  const queues = await Promise.all(QUEUES.map((name) => system.queue(name).stats()));
  const deadLettered = await system.queue('dead').size();
  const snapshot = await system.ask<StatsState, StatsMessage>(
    'stats',
    (replyTo) => ({ type: 'stats.snapshot', replyTo }),
    5_000,
  );
  return {
    ...c,
    deadLettered,
    nonConforming,
    wallMs,
    jobsPerSecond: Math.round((c.completed + c.dead + c.lost) / (wallMs / 1000)),
    byTask: snapshot.byTask,
    queues,
    finished,
  };
}

function progressLine(c: Counters, jobs: number, elapsedMs: number): string {
  const accounted = c.completed + c.dead + c.lost;
  const pct = Math.floor((100 * accounted) / jobs);
  return (
    `${(elapsedMs / 1000).toFixed(1).padStart(4)}s ${String(pct).padStart(3)}% ${accounted}/${jobs}  ` +
    `completed ${c.completed}  retried ${c.retried}  dead ${c.dead}  lost ${c.lost}  restarts ${c.restarts}`
  );
}

/** A progress line rewritten in place on a TTY (10 times a second), else printed once a second. */
function startProgress(out: DemoOutput, line: () => string): { stop(last?: string): void } {
  const tty = out.isTTY === true;
  const width = Math.max(20, (out.columns ?? 200) - 1);
  const print = (text: string): unknown =>
    tty ? out.write(`\r\x1b[K${text.slice(0, width)}`) : out.write(`${text}\n`);
  const timer = setInterval(() => print(line()), tty ? 100 : 1000);
  timer.unref();
  let stopped = false;
  return {
    stop(last) {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (last !== undefined) print(last);
      if (tty && last !== undefined) out.write('\n');
    },
  };
}

async function main(): Promise<void> {
  const level = process.env.LOG_LEVEL ?? 'silent';
  const logger = pino({ level }, pino.destination(2));
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const jobs = process.env.DEMO_JOBS === undefined ? undefined : Number(process.env.DEMO_JOBS);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs > 0)) {
    throw new Error(`DEMO_JOBS must be a positive integer, got ${JSON.stringify(process.env.DEMO_JOBS)}`);
  }
  process.stdout.write(`qui demo: ${jobs ?? 3000} jobs → queues cpu (4 workers) and io (50 workers)\n`);
  const summary = await runDemo({ jobs, logger, signal: controller.signal });
  process.stdout.write(formatSummary(summary));
  process.exit(summary.finished && !accountedFor(summary) ? 1 : 0);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
