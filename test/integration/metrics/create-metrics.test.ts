import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createMetrics } from '../../../src/metrics/create-metrics';
import { defineQueue } from '../../../src/queue/define-queue';
import { err, ok } from '../../../src/jobs/job-result';
import { defineSupervisor } from '../../../src/supervision/spec';
import { defineTask } from '../../../src/tasks/define-task';
import { defineActor } from '../../../src/actors/define-actor';
import { deferred } from '../../helpers/events';
import { parseExposition, valueOf } from '../../helpers/exposition';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

/** Held attempts of `slow`, released by the test. */
const held: Array<() => void> = [];
const slow = defineTask<{ n: number }>({
  name: 'slow',
  perform: () => {
    const d = deferred();
    held.push(d.resolve);
    return d.promise.then(() => ok());
  },
});
const fast = defineTask<{ n: number }>({ name: 'fast', perform: () => ok() });
const bad = defineTask<{ n: number }>({ name: 'bad', perform: () => 42 as never });
const broken = defineTask<{ n: number }>({ name: 'broken', perform: () => err(new Error('no')) });

async function mailSystem(workers = 1, extra: Parameters<typeof defineSupervisor>[0]['children'] = []) {
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({
          name: 'mail',
          tasks: [slow, fast, broken, bad],
          defaults: { retryDelayMs: 10 },
          workers: { count: workers },
        }),
        ...extra,
      ],
    }),
  );
  const metrics = createMetrics(t.system, { registry: new Registry() });
  return { ...t, metrics, q: t.system.queue('mail'), jobs: new JobEvents(t.system.events) };
}

async function scrape(metrics: { render(): Promise<string> }) {
  return parseExposition(await metrics.render()).samples;
}

describe('createMetrics', () => {
  beforeEach(() => held.splice(0));
  afterEach(() => held.forEach((release) => release())); // before the systems stop

  it('counts jobs enqueued, completed, failed, retried and dead per queue and task', async () => {
    const { metrics, q, jobs, clock } = await mailSystem();
    await q.enqueue(fast.create({ n: 1 }));
    await q.enqueue(fast.create({ n: 2 }));
    await q.enqueue(broken.create({ n: 3 }), { maxRetries: 1 });
    await jobs.wait('job.retrying');
    clock.advance(10);
    await jobs.wait('job.dead');
    const s = await scrape(metrics);
    const of = (name: string, task: string) => valueOf(s, name, { queue: 'mail', task });
    expect(of('qui_jobs_enqueued_total', 'fast')).toBe(2);
    expect(of('qui_jobs_enqueued_total', 'broken')).toBe(1);
    expect(of('qui_jobs_completed_total', 'fast')).toBe(2);
    expect(of('qui_job_attempts_failed_total', 'broken')).toBe(2);
    expect(of('qui_jobs_retried_total', 'broken')).toBe(1);
    expect(of('qui_jobs_dead_total', 'broken')).toBe(1);
    expect(of('qui_jobs_completed_total', 'broken')).toBe(0);
  });

  it('declares counters, gauges and histograms with their types', async () => {
    const { metrics } = await mailSystem();
    const { types } = parseExposition(await metrics.render());
    expect(Object.fromEntries(types)).toEqual({
      qui_jobs_enqueued_total: 'counter',
      qui_jobs_completed_total: 'counter',
      qui_job_attempts_failed_total: 'counter',
      qui_jobs_retried_total: 'counter',
      qui_jobs_dead_total: 'counter',
      qui_jobs_cancelled_total: 'counter',
      qui_jobs_lost_total: 'counter',
      qui_actor_restarts_total: 'counter',
      qui_supervisor_escalations_total: 'counter',
      qui_job_wait_seconds: 'histogram',
      qui_job_duration_seconds: 'histogram',
      qui_queue_jobs: 'gauge',
      qui_workers: 'gauge',
    });
  });

  it('observes wait time (due to start) and run time in seconds', async () => {
    const { metrics, q, jobs, clock } = await mailSystem();
    await q.enqueue(slow.create({ n: 1 }));
    await jobs.wait('job.started');
    await q.enqueue(slow.create({ n: 2 })); // waits for the only worker
    clock.advance(30);
    held[0]?.();
    await jobs.wait('job.started', 2);
    clock.advance(2);
    held[1]?.();
    await jobs.wait('job.completed', 2);
    const s = await scrape(metrics);
    const wait = (le: string) => valueOf(s, 'qui_job_wait_seconds_bucket', { queue: 'mail', le });
    expect(wait('0.0001')).toBe(1); // the first started at once
    expect(wait('0.01')).toBe(1);
    expect(wait('0.05')).toBe(2); // the second waited 30 ms
    expect(valueOf(s, 'qui_job_wait_seconds_count', { queue: 'mail' })).toBe(2);
    expect(valueOf(s, 'qui_job_wait_seconds_sum', { queue: 'mail' })).toBeCloseTo(0.03, 6);
    const run = { queue: 'mail', task: 'slow', outcome: 'success' };
    expect(valueOf(s, 'qui_job_duration_seconds_bucket', { ...run, le: '0.005' })).toBe(1);
    expect(valueOf(s, 'qui_job_duration_seconds_bucket', { ...run, le: '0.05' })).toBe(2);
    expect(valueOf(s, 'qui_job_duration_seconds_bucket', { ...run, le: '+Inf' })).toBe(2);
    expect(valueOf(s, 'qui_job_duration_seconds_sum', run)).toBeCloseTo(0.032, 6);
  });

  it('reads waiting, delayed, active and parked per queue at scrape time', async () => {
    const { metrics, q, jobs } = await mailSystem(2);
    await q.enqueue(slow.create({ n: 1 }));
    await jobs.wait('job.started');
    let s = await scrape(metrics);
    expect(valueOf(s, 'qui_workers', { queue: 'mail', state: 'active' })).toBe(1);
    expect(valueOf(s, 'qui_workers', { queue: 'mail', state: 'parked' })).toBe(1);
    await q.enqueue(slow.create({ n: 2 }));
    await jobs.wait('job.started', 2);
    await q.enqueue(fast.create({ n: 3 }));
    await q.enqueue(fast.create({ n: 4 }), { delayMs: 1_000 });
    s = await scrape(metrics);
    expect(valueOf(s, 'qui_workers', { queue: 'mail', state: 'active' })).toBe(2);
    expect(valueOf(s, 'qui_workers', { queue: 'mail', state: 'parked' })).toBe(0);
    expect(valueOf(s, 'qui_queue_jobs', { queue: 'mail', state: 'waiting' })).toBe(1);
    expect(valueOf(s, 'qui_queue_jobs', { queue: 'mail', state: 'delayed' })).toBe(1);
  });

  it("labels a job that is not a task value 'unknown', and caps distinct task names with 'other'", async () => {
    const plain = defineQueue({ name: 'plain', workers: { count: 1, processor: () => ok() } });
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [plain] }));
    const metrics = createMetrics(t.system, { registry: new Registry(), maxTasks: 2 });
    const jobs = new JobEvents(t.system.events);
    const q = t.system.queue('plain');
    for (const task of [
      { any: 1 },
      { task: 'a', params: 1 },
      { task: 'b', params: 2 },
      { task: 'c', params: 3 },
    ])
      await q.enqueue(task);
    await jobs.wait('job.completed', 4);
    const s = await scrape(metrics);
    const tasks = s.filter((x) => x.name === 'qui_jobs_completed_total').map((x) => x.labels.task);
    expect(tasks.sort()).toEqual(['a', 'other', 'unknown']);
    expect(valueOf(s, 'qui_jobs_completed_total', { task: 'other' })).toBe(2);
  });

  it('counts worker restarts, lost jobs and supervisor escalations', async () => {
    const crashy = defineActor<number, string>({
      id: 'crashy',
      name: 'crashy',
      init: () => 0,
      handle: () => {
        throw new Error('boom');
      },
    });
    const sub = defineSupervisor({
      id: 'sub',
      intensity: { maxRestarts: 1, withinMs: 60_000 },
      children: [crashy],
    });
    const { metrics, system, events, q, jobs } = await mailSystem(1, [sub]);
    await q.enqueue(bad.create({ n: 1 })); // a non-conforming result crashes the worker: the job is lost
    await jobs.wait('job.lost');
    await events.restartOf('worker');
    system.lookup('crashy')?.send('x');
    await events.restartOf('crashy');
    system.lookup('crashy')?.send('x');
    await events.waitFor('supervisor.escalated');
    const s = await scrape(metrics);
    expect(valueOf(s, 'qui_actor_restarts_total', { supervisor: 'root/sub', child: 'crashy' })).toBe(1);
    expect(valueOf(s, 'qui_supervisor_escalations_total', { supervisor: 'root/sub' })).toBe(1);
    expect(valueOf(s, 'qui_jobs_lost_total', { queue: 'mail', task: 'bad', reason: 'error' })).toBe(1);
    expect(valueOf(s, 'qui_actor_restarts_total', { supervisor: 'root/mail/workers', child: 'worker' })).toBe(
      1,
    );
    expect(valueOf(s, 'qui_workers', { queue: 'mail', state: 'active' })).toBe(0);
  });

  it('counts cancelled jobs: a waiting one and a running one', async () => {
    const { metrics, q, jobs } = await mailSystem();
    const running = await q.enqueue(slow.create({ n: 1 }));
    await jobs.wait('job.started');
    const waiting = await q.enqueue(fast.create({ n: 2 })); // the one worker is busy
    await q.cancel(waiting.id);
    await q.cancel(running.id);
    await jobs.wait('job.cancelled', 2);
    const s = await scrape(metrics);
    expect(valueOf(s, 'qui_jobs_cancelled_total', { queue: 'mail', task: 'fast' })).toBe(1);
    expect(valueOf(s, 'qui_jobs_cancelled_total', { queue: 'mail', task: 'slow' })).toBe(1);
  });

  it("labels a job reaped from a process that stopped beating 'process-gone'", async () => {
    const { metrics, system, q } = await mailSystem();
    const job = await q.enqueue(slow.create({ n: 1 }));
    const events = system.events as unknown as { emit(type: string, event: unknown): void };
    events.emit('job.lost', { job, reason: { type: 'process-gone', processId: 'p2' }, worker: undefined });
    const s = await scrape(metrics);
    expect(valueOf(s, 'qui_jobs_lost_total', { queue: 'mail', task: 'slow', reason: 'process-gone' })).toBe(
      1,
    );
    expect(valueOf(s, 'qui_jobs_lost_total', { queue: 'mail', task: 'slow', reason: 'other' }) ?? 0).toBe(0);
  });

  it("does not count other processes' events (on a shared store they reach this bus, with an origin)", async () => {
    const { metrics, system, q } = await mailSystem();
    const job = await q.enqueue(slow.create({ n: 1 }));
    const events = system.events as unknown as { emit(type: string, event: unknown): void };
    const origin = 'another-process';
    events.emit('job.dead', { job, error: new Error('no'), attempts: 1, origin });
    events.emit('job.cancelled', { job, reason: undefined, worker: undefined, origin });
    events.emit('job.lost', {
      job,
      reason: { type: 'process-gone', processId: 'p2' },
      worker: undefined,
      origin,
    });
    const s = await scrape(metrics);
    const of = (name: string) => valueOf(s, name, { queue: 'mail', task: 'slow' });
    expect(of('qui_jobs_dead_total')).toBe(0);
    expect(of('qui_jobs_cancelled_total')).toBe(0);
    expect(
      valueOf(s, 'qui_jobs_lost_total', { queue: 'mail', task: 'slow', reason: 'process-gone' }) ?? 0,
    ).toBe(0);
  });

  it('close() stops counting and removes the metrics from the registry', async () => {
    const registry = new Registry();
    const { system, q, jobs } = await mailSystem();
    const metrics = createMetrics(system, { registry });
    metrics.close();
    await q.enqueue(fast.create({ n: 1 }));
    await jobs.wait('job.completed');
    expect(await registry.metrics()).not.toContain('qui_');
    createMetrics(system, { registry }); // the names are free again
    expect(await registry.metrics()).toContain('qui_jobs_enqueued_total');
  });

  it('serves the text through its node:http request listener', async () => {
    const { metrics } = await mailSystem();
    const server = http.createServer(metrics.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(metrics.contentType);
      expect(parseExposition(await res.text()).types.get('qui_workers')).toBe('gauge');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
