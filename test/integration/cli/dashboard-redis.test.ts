/**
 * `qui dashboard --redis`: the dashboard of queues another system runs on a shared Redis, served
 * without their workers. Needs Redis (requireRedis); every key is under this file's own prefix.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { discoverRedisQueues, serveRedisDashboard } from '../../../src/cli/watch-redis';
import { parseExposition, valueOf } from '../../helpers/exposition';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { err, ok } from '../../../src/jobs/job-result';
import { createDashboard } from '../../../src/dashboard/create-dashboard';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { redisStore } from '../../../src/stores/redis-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { post } from '../../helpers/dashboard-client';
import { redisDashboardHarness } from '../../helpers/redis-dashboard';
import { requireRedis } from '../../helpers/services';

const url = requireRedis();
const prefix = `qui-test-dashint-${randomUUID().slice(0, 8)}:`;
const h = redisDashboardHarness(url, prefix);
const { signals, watch } = h;

/** The system that runs the jobs: `mail` with a worker, `idle` with none. */
async function startRunner(): Promise<QuiSystem> {
  const store = redisStore({ url, prefix });
  h.runner = await startSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({ name: 'mail', store, workers: { count: 1, processor: () => ok({ sent: true }) } }),
        defineQueue({ name: 'idle', store }),
      ],
    }),
  );
  return h.runner;
}

it('finds the queues under the prefix and shows their records, read-only, running none of their jobs', async () => {
  const system = await startRunner();
  const done = await system.queue('mail').enqueue({ to: 'ada' });
  await system.queue('mail').waitFor(done.id);
  const waiting = await system.queue('idle').enqueue({ n: 1 });
  expect(await discoverRedisQueues(url, prefix)).toEqual(['idle', 'mail']);

  const dash = await watch();
  expect(h.served?.queues).toEqual(['idle', 'mail']);
  const api = (await (await fetch(`${dash}api/queues`)).json()) as {
    queues: { name: string; counts: Record<string, number>; hasRecords: boolean }[];
  };
  const counts = Object.fromEntries(api.queues.map((q) => [q.name, q.counts]));
  expect(counts.mail).toMatchObject({ completed: 1, waiting: 0 });
  expect(counts.idle).toMatchObject({ waiting: 1 });
  expect(await (await fetch(`${dash}queues/mail?state=completed`)).text()).toContain(done.id);
  // The runner's lease is on the processes page, and the only one: the dashboard holds none.
  const processes = await (await fetch(`${dash}processes`)).text();
  const leases = await system.queue('mail').processes();
  expect(leases.map((p) => p.processId)).toEqual([system.processId]);
  expect(processes).toContain(system.processId);
  // The overview's Workers column counts the workers those leases report (it showed "—": none here).
  const overview = await (await fetch(dash)).text();
  const row = (q: string) =>
    overview.slice(overview.indexOf(`<tr data-queue="${q}">`)).split('</tr>')[0] as string;
  expect(row('mail')).toMatch(/data-field="workers">\s*<span class="busy">0<\/span> \/ 1\s*</);
  expect(row('idle')).toMatch(/data-field="workers">\s*—\s*</);
  // The queue's page shows the overview's figure, labelled (it said "idle workers 0": this process's parked polls).
  const mail = await (await fetch(`${dash}queues/mail`)).text();
  expect(mail).toMatch(
    /<dt>workers busy \/ all · every process<\/dt>\s*<dd data-field="workers"><span class="busy">0<\/span> \/ 1</,
  );
  expect(mail).not.toContain('idle workers');
  expect((await post(`${dash}api/queues/idle/pause`)).status).toBe(403);
  expect(await system.queue('idle').isPaused()).toBe(false);
  expect((await system.queue('idle').getJob(waiting.id))?.state).toBe('waiting');
});

it('reads through connections: it holds no lease and reaps nothing (a dead process job stays active)', async () => {
  const system = await startRunner();
  const job = await system.queue('idle').enqueue({ n: 1 });
  // A process that took the job and died without a goodbye: its lease never existed.
  const ghost = redisStore({ url, prefix }).create({
    queue: 'idle',
    priorities: ['high', 'low'],
    records: { processId: 'ghost', retention: DEFAULT_RETENTION },
  });
  expect((await ghost.take(Date.now()))?.id).toBe(job.id);
  await ghost.close();
  await system.stop(); // the runner would reap it: stop it first
  h.runner = undefined;
  const dash = await watch(['idle']);
  const api = (await (await fetch(`${dash}api/queues`)).json()) as {
    queues: { counts: Record<string, number> }[];
  };
  expect(api.queues[0]?.counts).toMatchObject({ active: 1, lost: 0 });
  expect(await (await fetch(`${dash}processes`)).text()).not.toContain('ghost');
  expect(h.served?.connections.map((c) => c.name)).toEqual(['idle']);
  // /metrics: the store's gauges of the watched queue, read through the connection.
  const metrics = await fetch(`${dash}metrics`);
  expect(metrics.status).toBe(200);
  const { samples } = parseExposition(await metrics.text());
  expect(valueOf(samples, 'qui_queue_jobs', { queue: 'idle', state: 'active' })).toBe(1);
  expect(valueOf(samples, 'qui_queue_jobs', { queue: 'idle', state: 'waiting' })).toBe(0);
  expect(valueOf(samples, 'qui_queue_paused', { queue: 'idle' })).toBe(0);
  expect(valueOf(samples, 'qui_processes', { queue: 'idle' })).toBe(0);
});

it("shows a job's timeline from its record: the same as the dashboard of the process that ran it (it showed only 'enqueued')", async () => {
  const store = redisStore({ url, prefix });
  const processor = () => err(new Error('boom'));
  h.runner = await startSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'flaky', store, workers: { count: 1, processor } })],
    }),
  );
  const flaky = h.runner.queue('flaky');
  // The runner's own dashboard, listening from the start: its ring sees the job's events.
  const local = createDashboard(h.runner);
  const server = createServer(local);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const job = await flaky.enqueue({ n: 1 }, { maxRetries: 0 });
    expect((await flaky.waitFor(job.id)).state).toBe('dead');
    // A retry and a cancel from a process other than the --redis dashboard's (paused: it stays waiting).
    await flaky.pause();
    expect((await flaky.retryJob(job.id)).state).toBe('waiting');
    expect((await flaky.cancel(job.id, 'not needed')).state).toBe('cancelled');

    const dash = await watch(['flaky']);
    const { port } = server.address() as AddressInfo;
    const page = (base: string) => fetch(`${base}queues/flaky/jobs/${job.id}`).then((r) => r.text());
    const [remote, own] = [await page(dash), await page(`http://127.0.0.1:${port}/`)];
    // The list the record tells, without the "… ago" titles (they follow each page's clock).
    const told = (html: string) =>
      /<ol class="timeline" data-source="record">[\s\S]*?<\/ol>/
        .exec(html)?.[0]
        .replace(/ title="[^"]*"/g, '');
    expect(told(remote)).toBeDefined();
    expect(told(remote)).toBe(told(own));
    expect([...(told(remote) ?? '').matchAll(/class="badge (\w+)"/g)].map((m) => m[1])).toEqual([
      'enqueued',
      'started',
      'failed',
      'cancelled',
    ]);
    expect(told(remote)).toContain('boom');
    expect(told(remote)).toContain('not needed');
    // Only the runner's dashboard saw the events themselves, and lists them apart.
    expect(own).toContain('Events this process saw');
    expect(remote).not.toContain('Events this process saw');
  } finally {
    local.close();
    server.close();
  }
});

it('exits 130 on a second signal that comes while its connections are still closing', async () => {
  await startRunner();
  const codes: number[] = [];
  let both!: () => void;
  const exitedTwice = new Promise<void>((resolve) => (both = resolve));
  const watching = await serveRedisDashboard(
    { url, prefix, queues: [] },
    { port: 0, host: '127.0.0.1' },
    {
      logger: pino({ level: 'silent' }),
      signals: signals as unknown as NodeJS.Process,
      exit: (code) => {
        codes.push(code);
        if (codes.length === 2) both();
      },
    },
  );
  // Connections still in their ready check when closed keep their socket for ioredis' 2 s
  // disconnect timeout, past the test: let them answer once first.
  await Promise.all(watching.connections.map((c) => c.counts()));
  const closed = new Promise((resolve) => watching.server.once('close', resolve));
  signals.emit('SIGTERM', 'SIGTERM');
  await closed; // the server is closed; the connections may still be closing
  signals.emit('SIGINT', 'SIGINT');
  await exitedTwice;
  expect(codes).toEqual([130, 0]);
});

it('shows only the queues named with --queue', async () => {
  await startRunner();
  const dash = await watch(['mail']);
  const api = (await (await fetch(`${dash}api/queues`)).json()) as { queues: { name: string }[] };
  expect(api.queues.map((q) => q.name)).toEqual(['mail']);
});

it('refuses a prefix with no queue under it, saying to name one', async () => {
  await expect(watch()).rejects.toThrow(
    `no queue has keys under prefix "${prefix}" on ${url}: name one with --queue`,
  );
});

it('qui dashboard --redis on a port in use closes its connections and exits 2 with one line (it hung, held by them)', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as AddressInfo;
  try {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/qui.ts', 'dashboard', '--redis', url, '--prefix', prefix].concat([
        '--queue',
        'mail',
        '--port',
        String(port),
      ]),
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, QUI_LOG_LEVEL: 'warn' } },
    );
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({
      status: 2,
      signal: null,
      stderr: `qui: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`,
    });
  } finally {
    taken.close();
  }
});
