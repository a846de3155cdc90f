import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboard } from '../dashboard/create-dashboard';
import type { QuiConfig } from '../runtime/qui-config';
import type { QuiSystem } from '../runtime/start-system';
import { runTree, type RunTreeDeps } from './run-tree';

/** Where `qui dashboard` listens. */
export interface ServeDashboardOptions {
  /** @defaultValue 3000 */
  readonly port: number;
  /** @defaultValue '127.0.0.1' */
  readonly host: string;
}

/** What the dashboard server takes besides `runTree`'s own dependencies. */
export interface ServeDashboardDeps extends RunTreeDeps {
  /**
   * A handler for `GET /metrics` (the Prometheus text `createMetrics` gives), when there is one.
   * @defaultValue undefined (404)
   */
  readonly metrics?: (request: IncomingMessage, response: ServerResponse) => void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * `qui dashboard`: runs the tree as `qui start` does (signals stop it, in order) and serves its
 * dashboard, read-only, at the root of `host:port`. Resolves once listening.
 */
export async function serveDashboard(
  config: QuiConfig,
  options: ServeDashboardOptions,
  deps: ServeDashboardDeps = {},
): Promise<{ system: QuiSystem; server: Server; url: string }> {
  const system = await runTree(config, deps);
  const dashboard = createDashboard(system);
  const metrics = deps.metrics;
  const server = createServer((req, res) => {
    if (metrics && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) return metrics(req, res);
    dashboard(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The tree stopping (a signal, or the root giving up) closes the server with it.
  system.events.on('system.failed', () => server.close());
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}/`;
  const log = system.logger.child({ component: 'dashboard' });
  if (!LOOPBACK.has(options.host))
    log.warn(
      { host: options.host },
      'dashboard bound beyond this machine: anyone who reaches it can read job payloads',
    );
  log.info({ url, access: 'read-only' }, 'dashboard listening');
  return { system, server, url };
}
