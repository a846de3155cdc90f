/** The dashboard mounted as users mount it: bare node:http at the root, and Express under a path. */
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboard } from '../../../src/dashboard/create-dashboard';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { defineSupervisor } from '../../../src/supervision/spec';

let system: QuiSystem;
let server: Server | undefined;
beforeEach(async () => {
  system = await startSystem(defineSupervisor({ id: 'root', children: [defineQueue({ name: 'mail' })] }));
});
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await system.stop();
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The asset and link URLs a page uses, resolved against the page's own URL. */
async function resolvedLinks(pageUrl: string): Promise<string[]> {
  const body = await (await fetch(pageUrl)).text();
  return [...body.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => new URL(m[1] as string, pageUrl).href);
}

describe('mounting', () => {
  it('serves at the root of a bare node:http server', async () => {
    const dashboard = createDashboard(system);
    const base = await listen(dashboard);
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect(await resolvedLinks(`${base}/queues/mail`)).toContain(`${base}/assets/dashboard.css`);
    dashboard.close();
  });

  it('serves under an Express mount path, passing other requests on with next()', async () => {
    const dashboard = createDashboard(system);
    const app = express();
    app.use('/admin/qui', dashboard);
    app.get('/health', (_req, res) => void res.send('ok'));
    const base = await listen(app);
    const page = await fetch(`${base}/admin/qui/queues/mail`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('mail');
    const links = await resolvedLinks(`${base}/admin/qui/queues/mail`);
    expect(links).toContain(`${base}/admin/qui/assets/dashboard.js`);
    expect(links).toContain(`${base}/admin/qui/`);
    for (const link of links) expect([link, (await fetch(link)).status]).toEqual([link, 200]);
    const bare = await fetch(`${base}/admin/qui`, { redirect: 'manual' });
    expect(bare.headers.get('location')).toBe('/admin/qui/');
    expect(await (await fetch(`${base}/health`)).text()).toBe('ok');
    dashboard.close();
  });

  it('calls next for a path outside basePath on a bare server used as middleware', async () => {
    const dashboard = createDashboard(system, { basePath: '/qui/' });
    const base = await listen((req, res) =>
      dashboard(req, res, () => {
        res.writeHead(418);
        res.end();
      }),
    );
    expect((await fetch(`${base}/other`)).status).toBe(418);
    expect((await fetch(`${base}/qui/tree`)).status).toBe(200);
    dashboard.close();
  });
});
