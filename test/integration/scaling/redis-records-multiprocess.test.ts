import type { ChildProcess } from 'node:child_process';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { redisStore } from '../../../src/stores/redis-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { exited, killAll, startQuiProcess } from '../../helpers/qui-process';
import { dropKeysAt } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

/**
 * Issue 10's multi-process test: a producer and three `qui start` consumers on one Redis queue
 * keeping records.
 */

const REDIS_URL = requireRedis();
const PREFIX = `qui-test:records-mp:${process.pid}:`;
const WORKERS = 4;
// 1 s, not less: a surviving consumer whose event loop stalls past its lease (1.5 beats) under a loaded
// machine would have its own jobs reaped, which the last test would read as a failure.
const HEARTBEAT_MS = 1000;
const JOBS = 300;

interface Consumer {
  readonly child: ChildProcess;
  readonly started: Set<number>;
  readonly done: Set<number>;
  readonly aborted: Set<number>;
  readonly ready: Promise<void>;
}

/** Lines of every consumer, for tests that wait on one. */
const lineWaiters: Array<() => void> = [];

function startConsumer(queue: string): Consumer {
  const started = new Set<number>();
  const done = new Set<number>();
  const aborted = new Set<number>();
  const more = { QUI_TEST_HEARTBEAT_MS: String(HEARTBEAT_MS) };
  const env = { url: REDIS_URL, prefix: PREFIX, queue, workers: WORKERS, more };
  const { child, ready } = startQuiProcess('test/fixtures/redis-records-worker.config.ts', env, (kind, n) => {
    if (kind === 'start') started.add(n);
    if (kind === 'done') done.add(n);
    if (kind === 'aborted') aborted.add(n);
    for (const fn of lineWaiters.splice(0)) fn();
  });
  return { child, started, done, aborted, ready };
}

/** Resolves once `check()` holds, looking again after each line a consumer prints. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise<void>((resolve) => lineWaiters.push(resolve));
}

function producer(queue: string): Promise<QuiSystem> {
  return startSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({
          name: queue,
          store: redisStore({ url: REDIS_URL, prefix: PREFIX }),
          lease: { heartbeatMs: HEARTBEAT_MS },
        }),
      ],
    }),
  );
}

const consumers: Consumer[] = [];
let system: QuiSystem | undefined;

async function startAll(queue: string): Promise<QuiSystem> {
  for (let i = 0; i < 3; i++) consumers.push(startConsumer(queue));
  await Promise.all(consumers.map((c) => c.ready));
  system = await producer(queue);
  return system;
}

afterEach(async () => {
  await killAll(consumers);
  await system?.stop();
  system = undefined;
});

afterAll(async () => {
  await dropKeysAt(REDIS_URL, PREFIX);
});

describe('job records across processes on Redis (issue 10)', () => {
  it("the producer sees every job's final state and the counts the consumers made", async () => {
    const sys = await startAll('records-all');
    const q = sys.queue('records-all');
    const origins = new Set<string | undefined>();
    const completions = new Map<string, { job: unknown; value: unknown }>();
    let allCompleted: () => void = () => undefined;
    const completedAll = new Promise<void>((resolve) => (allCompleted = resolve));
    sys.events.on('job.completed', (e) => {
      origins.add(e.origin);
      completions.set(e.job.id, { job: e.job, value: e.value });
      if (completions.size === JOBS) allCompleted();
    });
    const jobs = await q.enqueueMany(Array.from({ length: JOBS }, (_, n) => ({ task: { n } })));
    const records = await Promise.all(jobs.map((j) => q.waitFor(j.id, { timeoutMs: 60_000 })));
    expect(records.every((r) => r.state === 'completed')).toBe(true);
    expect(new Set(records.map((r) => r.processId)).size).toBeGreaterThan(1);
    expect(records.map((r) => r.processId)).not.toContain(sys.processId);
    // A consumer prints `done n` before its processor returns, but the producer can see the record
    // end (through Redis) before this process has read that line from the consumer's pipe: wait on
    // the lines. Every job must have been run by exactly one consumer.
    const doneByConsumers = (): number => consumers.reduce((sum, c) => sum + c.done.size, 0);
    await until(() => doneByConsumers() >= JOBS);
    expect(doneByConsumers()).toBe(JOBS);
    const runs = consumers.flatMap((c) => [...c.done]);
    expect(new Set(runs).size).toBe(JOBS);
    expect(await q.counts()).toMatchObject({ completed: JOBS, waiting: 0, active: 0, lost: 0 });
    // Events crossed from the consumers, marked with where they came from, each with the job as
    // it was enqueued and the value its processor returned.
    await completedAll;
    expect([...origins].every((o) => o !== undefined && o !== sys.processId)).toBe(true);
    for (const job of jobs)
      expect(completions.get(job.id)).toEqual({ job, value: { n: (job.task as { n: number }).n } });
  }, 120_000);

  it('cancel of a running job from the producer aborts it in its consumer; it ends cancelled', async () => {
    const sys = await startAll('records-cancel');
    const q = sys.queue('records-cancel');
    const job = await q.enqueue({ n: 1, hold: true });
    await until(() => consumers.some((c) => c.started.has(1)));
    expect((await q.cancel(job.id, 'from the producer')).state).toBe('active');
    const record = await q.waitFor(job.id, { timeoutMs: 10_000 });
    expect(record).toMatchObject({ state: 'cancelled', reason: 'from the producer' });
    await until(() => consumers.some((c) => c.aborted.has(1)));
    expect((await q.counts()).cancelled).toBe(1);
  }, 60_000);

  it('a SIGKILLed consumer: its active jobs show lost (process-gone) from the producer within two heartbeats', async () => {
    const sys = await startAll('records-kill');
    const q = sys.queue('records-kill');
    const lost: string[] = [];
    sys.events.on('job.lost', (e) => {
      if (e.job && e.reason.type === 'process-gone') lost.push(e.job.id);
    });
    const jobs = await q.enqueueMany(
      Array.from({ length: 3 * WORKERS }, (_, n) => ({ task: { n: 100 + n, hold: true } })),
    );
    await until(() => consumers.every((c) => c.started.size === WORKERS));
    const victim = consumers[0] as Consumer;
    const held = jobs.filter((j) => victim.started.has((j.task as { n: number }).n)).map((j) => j.id);
    expect(held).toHaveLength(WORKERS);
    victim.child.kill('SIGKILL');
    await exited(victim.child);
    const records = await Promise.all(held.map((id) => q.waitFor(id, { timeoutMs: 2 * HEARTBEAT_MS + 500 })));
    expect(records.every((r) => r.state === 'lost' && r.reason === 'process-gone')).toBe(true);
    expect(lost.sort()).toEqual([...held].sort());
    // The survivors' jobs still run.
    const others = jobs.filter((j) => !held.includes(j.id));
    for (const j of others) expect((await q.getJob(j.id))?.state).toBe('active');
  }, 60_000);
});
