/**
 * A record whose stored body cannot be decoded, on the dashboard: the queue page still lists the
 * whole page (the record marked), and the job page shows what could be read and why the rest
 * could not. Before, both answered 500 (ERR_STORE from getJobs / getJob).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createDashboard, type Dashboard } from '../../../src/dashboard/create-dashboard';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { defineSupervisor } from '../../../src/supervision/spec';

const dir = mkdtempSync(join(tmpdir(), 'qui-dashboard-corrupt-'));
const file = join(dir, 'q.db');
let system: QuiSystem | undefined;
let dashboard: Dashboard | undefined;
let server: Server | undefined;

afterAll(async () => {
  dashboard?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('lists and shows a record that cannot be decoded, marked, beside the good ones', async () => {
  system = await startSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'files', store: sqliteStore({ path: file }) })],
    }),
  );
  const q = system.queue('files');
  const good = await q.enqueue({ task: 'scan', params: { n: 1 } });
  const bad = await q.enqueue({ task: 'scan', params: { n: 2 } });
  const db = new Database(file);
  db.prepare('UPDATE qui_records SET job = ? WHERE id = ?').run('{"id": <script>', bad.id);
  db.close();
  dashboard = createDashboard(system, { basePath: '/' });
  server = createServer(dashboard);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const list = await fetch(`${url}queues/files?state=waiting`);
  expect(list.status).toBe(200);
  const page = await list.text();
  expect(page).toContain(`data-job="${good.id}"`);
  expect(page).toContain(`data-job="${bad.id}"`);
  expect(page).toMatch(/<span data-field="corrupt">cannot be decoded: body: a stored job is not valid JSON/);

  const shown = await fetch(`${url}queues/files/jobs/${bad.id}`);
  expect(shown.status).toBe(200);
  const detail = await shown.text();
  expect(detail).toContain('<h2>Record cannot be decoded</h2>');
  expect(detail).toContain('<span data-field="state">');
  expect(detail).not.toContain('<script>');
});
