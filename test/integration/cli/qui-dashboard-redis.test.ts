/**
 * `qui dashboard --redis`, from the outside: spawned from source, its pages fetched over HTTP,
 * stopped by its pid. It reads through connections: it holds no lease on the store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { redisStore } from '../../../src/stores/redis-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { dropKeysAt } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

const url = requireRedis();
const prefix = `qui-test-dashcli-${randomUUID().slice(0, 8)}:`;
let child: ChildProcess | undefined;
let runner: QuiSystem | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await runner?.stop();
  await dropKeysAt(url, prefix);
});

function firstLine(c: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: c.stdout! }).once('line', resolve);
    c.once('exit', (code) => reject(new Error(`exited ${code} before printing its URL`)));
  });
}

function exitOf(c: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => c.once('exit', (code, signal) => resolve({ code, signal })));
}

it('serves the queues another process runs, holds no lease, and exits 0 on SIGTERM to its pid', async () => {
  const store = redisStore({ url, prefix });
  runner = await startSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'mail', store, workers: { count: 1, processor: () => ok('sent') } })],
    }),
  );
  const mail = runner.queue('mail');
  const done = await mail.enqueue({ to: 'ada' });
  await mail.waitFor(done.id);

  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/qui.ts', 'dashboard', '--redis', url, '--prefix', prefix, '--port', '0'],
    { env: { ...process.env, QUI_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.resume();
  const exited = exitOf(child);
  const line = await firstLine(child);
  const dash = /^qui dashboard: (http:\/\/127\.0\.0\.1:\d+\/) \(read-only; mail on /.exec(line)?.[1];
  expect(dash).toBeDefined();

  const overview = await fetch(dash as string);
  expect(overview.status).toBe(200);
  expect(await overview.text()).toContain('data-queue="mail"');
  const api = (await (await fetch(`${dash}api/queues`)).json()) as {
    queues: { name: string; counts: Record<string, number> }[];
  };
  expect(api.queues).toEqual([
    expect.objectContaining({ name: 'mail', counts: expect.objectContaining({ completed: 1 }) }),
  ]);
  expect(await (await fetch(`${dash}queues/mail?state=completed`)).text()).toContain(done.id);
  expect(await (await fetch(`${dash}queues/mail/jobs/${done.id}`)).text()).toContain('sent');
  expect((await fetch(`${dash}api/queues/mail/pause`, { method: 'POST' })).status).toBe(403);
  // Only the runner holds a lease on the store: the dashboard process is not one of them.
  expect((await mail.processes()).map((p) => p.pid)).toEqual([process.pid]);

  process.kill(child.pid as number, 'SIGTERM');
  expect(await exited).toEqual({ code: 0, signal: null });
});
