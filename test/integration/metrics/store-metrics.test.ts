import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { JOB_STATES } from '../../../src/jobs/job-record';
import { ok } from '../../../src/jobs/job-result';
import { createStoreMetrics } from '../../../src/metrics/store-metrics';
import { connectQueue, type QueueConnection } from '../../../src/queue/connect-queue';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { deferred } from '../../helpers/events';
import { parseExposition, valueOf } from '../../helpers/exposition';

/** createStoreMetrics: the gauges `qui dashboard --redis` serves, read from a shared store (here a SQLite file). */
const dir = mkdtempSync(join(tmpdir(), 'qui-store-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let system: QuiSystem | undefined;
const connections: QueueConnection[] = [];
const held: Array<() => void> = [];
afterEach(async () => {
  held.splice(0).forEach((release) => release());
  await Promise.all(connections.splice(0).map((c) => c.close()));
  await system?.stop();
  system = undefined;
});

it("exports the store's jobs per state, paused, and the live processes and their workers of each queue", async () => {
  const store = sqliteStore({ path: join(dir, 'gauges.db') });
  system = await startSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({
          name: 'mail',
          store,
          workers: {
            count: 2,
            processor: (job) => {
              if ((job.task as { hold?: boolean }).hold !== true) return ok();
              const d = deferred();
              held.push(d.resolve);
              return d.promise.then(() => ok());
            },
          },
        }),
        defineQueue({ name: 'idle', store }),
      ],
    }),
  );
  const done = await system.queue('mail').enqueue({ hold: false });
  await system.queue('mail').waitFor(done.id);
  const events = system.events;
  const started = new Promise((resolve) => events.once('job.started', resolve));
  const running = await system.queue('mail').enqueue({ hold: true });
  await started;
  await system.queue('idle').enqueueMany([{ task: { n: 1 } }, { task: { n: 2 } }]);
  await system.queue('idle').pause();
  for (const name of ['mail', 'idle']) connections.push(await connectQueue({ name, store }));
  const metrics = createStoreMetrics(connections, { registry: new Registry() });

  const { samples, types } = parseExposition(await metrics.render());
  const of = (name: string, labels: Record<string, string>) => valueOf(samples, name, labels);
  expect((await system.queue('mail').getJob(running.id))?.state).toBe('active');
  expect(of('qui_queue_jobs', { queue: 'mail', state: 'completed' })).toBe(1);
  expect(of('qui_queue_jobs', { queue: 'mail', state: 'active' })).toBe(1);
  expect(of('qui_queue_jobs', { queue: 'idle', state: 'waiting' })).toBe(2);
  expect(of('qui_queue_jobs', { queue: 'idle', state: 'dead' })).toBe(0);
  expect(of('qui_queue_paused', { queue: 'idle' })).toBe(1);
  expect(of('qui_queue_paused', { queue: 'mail' })).toBe(0);
  expect(of('qui_processes', { queue: 'mail' })).toBe(1);
  // Workers come from the processes' last heartbeats (the first, at start, had none busy).
  const workers =
    (of('qui_workers', { queue: 'mail', state: 'active' }) ?? NaN) +
    (of('qui_workers', { queue: 'mail', state: 'parked' }) ?? NaN);
  expect(workers).toBe(2);
  expect(types.get('qui_queue_jobs')).toBe('gauge');
  metrics.close();
});

it("sums the workers of every live process's heartbeat: busy ones active, the rest parked", async () => {
  const beat = (busy: number, total: number) => ({
    processId: `p${total}`,
    host: 'h',
    pid: 1,
    startedAtMs: 0,
    lastBeatAtMs: 0,
    expiresAtMs: 0,
    workers: { busy, total },
  });
  const connection = {
    name: 'mail',
    counts: () => Promise.resolve(Object.fromEntries(JOB_STATES.map((s) => [s, 0]))),
    isPaused: () => Promise.resolve(false),
    processes: () => Promise.resolve([beat(1, 4), beat(3, 3)]),
  } as unknown as QueueConnection;
  const { samples } = parseExposition(
    await createStoreMetrics([connection], { registry: new Registry() }).render(),
  );
  expect(valueOf(samples, 'qui_workers', { queue: 'mail', state: 'active' })).toBe(4);
  expect(valueOf(samples, 'qui_workers', { queue: 'mail', state: 'parked' })).toBe(3);
  expect(valueOf(samples, 'qui_processes', { queue: 'mail' })).toBe(2);
});

/** A connection stand-in whose store answers `counts` (every state 0 unless given) and no processes. */
function fakeConnection(name: string, counts: () => Partial<Record<string, number>>, paused = false) {
  return {
    name,
    counts: () => Promise.resolve({ ...Object.fromEntries(JOB_STATES.map((s) => [s, 0])), ...counts() }),
    isPaused: () => Promise.resolve(paused),
    processes: () => Promise.resolve([]),
  } as unknown as QueueConnection;
}

it.each([
  ['render()', (metrics: QuiMetricsLike) => metrics.render()],
  ["the user's registry", (metrics: QuiMetricsLike) => metrics.registry.metrics()],
])('reads the store afresh at every scrape, through %s', async (_, scrape) => {
  waiting = 1;
  const metrics = createStoreMetrics([connection], { registry: new Registry() });
  const waitingNow = async () =>
    valueOf(parseExposition(await scrape(metrics)).samples, 'qui_queue_jobs', {
      queue: 'mail',
      state: 'waiting',
    });
  expect(await waitingNow()).toBe(1);
  waiting = 5;
  expect(await waitingNow()).toBe(5);
});
type QuiMetricsLike = ReturnType<typeof createStoreMetrics>;
let waiting = 1;
const connection = fakeConnection('mail', () => ({ waiting }));

it('leaves a queue whose store cannot be read out of that scrape, and keeps the others', async () => {
  const good = fakeConnection('good', () => Object.fromEntries(JOB_STATES.map((s) => [s, 7])), true);
  const bad = {
    ...good,
    name: 'bad',
    counts: () => Promise.reject(new Error('store down')),
  } as unknown as QueueConnection;
  const { samples } = parseExposition(
    await createStoreMetrics([bad, good], { registry: new Registry() }).render(),
  );
  expect(valueOf(samples, 'qui_queue_jobs', { queue: 'good', state: 'waiting' })).toBe(7);
  expect(valueOf(samples, 'qui_queue_paused', { queue: 'good' })).toBe(1);
  expect(samples.some((s) => s.labels.queue === 'bad')).toBe(false);
});

it('refuses what is not a list of connections or a registry, naming the field', () => {
  expect(() => createStoreMetrics('mail' as never)).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', path: 'connections' }),
  );
  expect(() => createStoreMetrics([{}] as never)).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', path: 'connections[0]' }),
  );
  expect(() => createStoreMetrics([], { registry: {} as never })).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', path: 'registry' }),
  );
  expect(() => createStoreMetrics([], { colour: 1 } as never)).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
  );
});
