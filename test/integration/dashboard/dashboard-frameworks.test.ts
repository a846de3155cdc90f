/**
 * The dashboard mounted under a base path in Fastify and in Hono (on @hono/node-server), as
 * docs/guides/dashboard.md shows it: pages, assets and links resolve under the mount, other routes
 * stay the framework's, and an action's JSON body reaches the dashboard unread by the framework.
 */
import { serve, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import Fastify, { type FastifyInstance } from 'fastify';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboard, type Dashboard } from '../../../src/dashboard/create-dashboard';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { defineSupervisor } from '../../../src/supervision/spec';

let system: QuiSystem;
let dashboard: Dashboard;
let stop: (() => Promise<void>) | undefined;
beforeEach(async () => {
  system = await startSystem(defineSupervisor({ id: 'root', children: [defineQueue({ name: 'mail' })] }));
  dashboard = createDashboard(system, { basePath: '/admin/qui', authorize: () => 'write' });
});
afterEach(async () => {
  await stop?.();
  stop = undefined;
  dashboard.close();
  await system.stop();
});

/** What every mount must do, checked against the server at `base`. */
async function expectMounted(base: string): Promise<void> {
  const pageUrl = `${base}/admin/qui/queues/mail`;
  const page = await fetch(pageUrl);
  expect(page.status).toBe(200);
  const body = await page.text();
  expect(body).toContain('data-field="status"');
  const links = [...body.matchAll(/(?:href|src)="([^"]+)"/g)].map(
    (m) => new URL(m[1] as string, pageUrl).href,
  );
  expect(links).toContain(`${base}/admin/qui/assets/dashboard.js`);
  for (const link of links) expect([link, (await fetch(link)).status]).toEqual([link, 200]);
  const bare = await fetch(`${base}/admin/qui`, { redirect: 'manual' });
  expect([bare.status, bare.headers.get('location')]).toEqual([308, '/admin/qui/']);
  expect(await (await fetch(`${base}/health`)).text()).toBe('ok');
  // An action: its JSON body is read by the dashboard, not eaten by the framework.
  const paused = await fetch(`${base}/admin/qui/api/queues/mail/pause`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: '{}',
  });
  expect([paused.status, await paused.json()]).toEqual([200, expect.objectContaining({ ok: true })]);
  expect(await system.queue('mail').isPaused()).toBe(true);
}

it('mounts in Fastify from an onRequest hook (before Fastify reads the body)', async () => {
  const app: FastifyInstance = Fastify();
  app.addHook('onRequest', (req, reply, done) => {
    if (req.url !== '/admin/qui' && !req.url.startsWith('/admin/qui/')) return done();
    void reply.hijack();
    dashboard(req.raw, reply.raw);
  });
  app.get('/health', () => 'ok');
  await app.listen({ port: 0, host: '127.0.0.1' });
  stop = () => app.close();
  await expectMounted(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
});

it('mounts in Hono on @hono/node-server through the raw request and response', async () => {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const mount = (c: { env: HttpBindings }): Response => {
    dashboard(c.env.incoming, c.env.outgoing);
    return RESPONSE_ALREADY_SENT;
  };
  app.all('/admin/qui', mount);
  app.all('/admin/qui/*', mount);
  app.get('/health', (c) => c.text('ok'));
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await expectMounted(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
