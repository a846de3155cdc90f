import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createMetrics } from '../../../src/metrics/create-metrics';
import { defineQueue } from '../../../src/queue/define-queue';
import { ok } from '../../../src/jobs/job-result';
import type { JobStore, JobStoreFactory } from '../../../src/stores/job-store';
import { memoryStore } from '../../../src/stores/memory-store';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { defineTask } from '../../../src/tasks/define-task';
import { parseExposition, valueOf } from '../../helpers/exposition';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const fast = defineTask<{ n: number }>({ name: 'fast', perform: () => ok() });

async function scrape(metrics: { render(): Promise<string> }) {
  return parseExposition(await metrics.render()).samples;
}

describe('createMetrics on queues started after it', () => {
  it('watches the attempts of a queue added to the tree later', async () => {
    const first = defineQueue({ name: 'first', tasks: [fast], workers: { count: 1 } });
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [first] }));
    const metrics = createMetrics(t.system, { registry: new Registry() });
    const jobs = new JobEvents(t.system.events);
    const late = defineQueue({ name: 'late', tasks: [fast], workers: { count: 1 } });
    expect(await t.sup('root').startChild(late)).toMatchObject({ status: 'ok' });
    await t.system.queue('late').enqueue(fast.create({ n: 1 }));
    await jobs.wait('job.completed');
    const s = await scrape(metrics);
    const labels = { queue: 'late', task: 'fast' };
    expect(valueOf(s, 'qui_jobs_enqueued_total', labels)).toBe(1);
    expect(valueOf(s, 'qui_jobs_completed_total', labels)).toBe(1);
    expect(valueOf(s, 'qui_job_duration_seconds_count', { ...labels, outcome: 'success' })).toBe(1);
    expect(valueOf(s, 'qui_job_wait_seconds_count', { queue: 'late' })).toBe(1);
  });
});

/** A task value named `name`, for a queue whose processor runs anything (no task registry). */
const taskOf = (name: string) => ({ task: name, params: 0 });
/** An `enqueueMany` item of task `name`. */
const ofTask = (name: string) => ({ task: taskOf(name) });

describe("createMetrics and a queue's one task label", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('counts jobs enqueued before it began under their own task, though every job since has another', async () => {
    const q = defineQueue({ name: 'q', workers: { count: 1, processor: () => ok() } });
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [q] }));
    const client = t.system.queue('q');
    await client.pause();
    await client.enqueue(taskOf('early'));
    const metrics = createMetrics(t.system, { registry: new Registry() });
    const jobs = new JobEvents(t.system.events);
    await client.enqueueMany([ofTask('late'), ofTask('late')]);
    await client.resume();
    await jobs.wait('job.completed', 3);
    const s = await scrape(metrics);
    expect(valueOf(s, 'qui_jobs_completed_total', { queue: 'q', task: 'early' })).toBe(1);
    expect(valueOf(s, 'qui_jobs_completed_total', { queue: 'q', task: 'late' })).toBe(2);
  });

  it("counts another process's jobs on a shared store under their own task", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qui-one-label-'));
    dirs.push(dir);
    const store = () => sqliteStore({ path: join(dir, 'jobs.db') });
    const worker = defineQueue({ name: 'q', store: store(), workers: { count: 1, processor: () => ok() } });
    const w = await startTestSystem(defineSupervisor({ id: 'w', children: [worker] }));
    const metrics = createMetrics(w.system, { registry: new Registry() });
    const jobs = new JobEvents(w.system.events);
    // Another system on the same file only enqueues: its jobs never pass this one's enqueue watch.
    const producer = await startTestSystem(
      defineSupervisor({ id: 'p', children: [defineQueue({ name: 'q', store: store() })] }),
    );
    await producer.system.queue('q').enqueue(taskOf('theirs'));
    await w.system.queue('q').enqueueMany([ofTask('ours'), ofTask('ours')]);
    await jobs.wait('job.completed', 3);
    const s = await scrape(metrics);
    expect(valueOf(s, 'qui_jobs_completed_total', { queue: 'q', task: 'theirs' })).toBe(1);
    expect(valueOf(s, 'qui_jobs_completed_total', { queue: 'q', task: 'ours' })).toBe(2);
  });

  it("counts jobs of a store that only calls itself 'memory' (here one shared by two systems) under their own task", async () => {
    let one: JobStore | undefined;
    const factory: JobStoreFactory = {
      kind: 'memory',
      serializes: false,
      create: (config) => (one ??= memoryStore().create(config)),
    };
    const worker = defineQueue({ name: 'q', store: factory, workers: { count: 1, processor: () => ok() } });
    const w = await startTestSystem(defineSupervisor({ id: 'w', children: [worker] }));
    const metrics = createMetrics(w.system, { registry: new Registry() });
    const jobs = new JobEvents(w.system.events);
    const client = w.system.queue('q');
    await client.pause();
    await client.enqueue(taskOf('ours'));
    const producer = await startTestSystem(
      defineSupervisor({ id: 'p', children: [defineQueue({ name: 'q', store: factory })] }),
    );
    await producer.system.queue('q').enqueue(taskOf('theirs'));
    await client.resume();
    await jobs.wait('job.completed', 2);
    const s = await scrape(metrics);
    expect(valueOf(s, 'qui_jobs_completed_total', { queue: 'q', task: 'theirs' })).toBe(1);
    expect(valueOf(s, 'qui_jobs_completed_total', { queue: 'q', task: 'ours' })).toBe(1);
  });

  it('counts each task under its own label once a queue has more than one', async () => {
    const q = defineQueue({ name: 'q', workers: { count: 1, processor: () => ok() } });
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [q] }));
    const metrics = createMetrics(t.system, { registry: new Registry() });
    const jobs = new JobEvents(t.system.events);
    const client = t.system.queue('q');
    await client.pause();
    await client.enqueueMany([ofTask('a'), ofTask('a')]);
    await client.enqueue(taskOf('b'));
    await client.resume();
    await jobs.wait('job.completed', 3);
    const s = await scrape(metrics);
    expect(valueOf(s, 'qui_jobs_completed_total', { queue: 'q', task: 'a' })).toBe(2);
    expect(valueOf(s, 'qui_jobs_completed_total', { queue: 'q', task: 'b' })).toBe(1);
  });
});
