import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboard } from '../dashboard/create-dashboard';
import { QuiError, toError } from '../errors';
import type { Logger } from '../logging';
import { createMetrics } from '../metrics/create-metrics';
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

/** A `node:http` request listener. */
/** @internal */
export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** What the dashboard server takes besides `runTree`'s own dependencies. */
export interface ServeDashboardDeps extends RunTreeDeps {
  /**
   * The handler of `/metrics`.
   * @defaultValue `createMetrics(system).requestListener` (the Prometheus text); without prom-client
   * installed, a 501 whose one line says to install it
   */
  readonly metrics?: Handler;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * `qui dashboard`: runs the tree as `qui start` does (signals stop it, in order) and serves its
 * dashboard, read-only, at the root of `host:port`, with the Prometheus metrics at `/metrics`
 * (501 without prom-client). Resolves once listening.
 */
export async function serveDashboard(
  config: QuiConfig,
  options: ServeDashboardOptions,
  deps: ServeDashboardDeps = {},
): Promise<{ system: QuiSystem; server: Server; url: string }> {
  return listenDashboard(await runTree(config, deps), options, deps);
}

/** Serves `system`'s dashboard read-only, and `/metrics`, on `host:port`. @internal */
export async function listenDashboard(
  system: QuiSystem,
  options: ServeDashboardOptions,
  deps: ServeDashboardDeps,
): Promise<{ system: QuiSystem; server: Server; url: string }> {
  const dashboard = createDashboard(system);
  const log = system.logger.child({ component: 'dashboard' });
  const metrics = deps.metrics ?? metricsOf(system, log);
  const { server, url } = await listen(dashboard, metrics, options, system.logger, () => system.stop());
  // The tree stopping (a signal, or the root giving up) closes the server with it.
  system.events.on('system.failed', () => server.close());
  return { system, server, url };
}

/** Serves `dashboard`, read-only, with `metrics` at `/metrics`, on `host:port`; resolves once listening. @internal */
export async function listen(
  dashboard: Handler,
  metrics: Handler,
  options: ServeDashboardOptions,
  logger: Logger,
  onListenFailed: () => Promise<void>,
): Promise<{ server: Server; url: string }> {
  const log = logger.child({ component: 'dashboard' });
  const server = createServer((req, res) => {
    if (req.url === '/metrics' || req.url?.startsWith('/metrics?')) return metrics(req, res);
    dashboard(req, res);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (thrown) {
    // What was started for the page (a tree whose workers may hold jobs, connections) stops in
    // order rather than being exited under, then the failure is said in one line.
    await onListenFailed();
    const error = toError(thrown);
    throw new QuiError(
      'ERR_INVALID_OPTIONS',
      `cannot listen on ${options.host}:${options.port}: ${error.message}`,
      {
        cause: error,
      },
    );
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}/`;
  if (!LOOPBACK.has(options.host))
    log.warn(
      { host: options.host },
      'dashboard bound beyond this machine: anyone who reaches it can read job payloads',
    );
  log.info({ url, access: 'read-only' }, 'dashboard listening');
  return { server, url };
}

/** The line `/metrics` answers (501) when prom-client is not installed. */
export const NO_PROM_CLIENT = 'qui: /metrics needs prom-client: npm install prom-client@15\n';

/** `createMetrics`' listener, or, without prom-client, one that says how to get it. */
function metricsOf(system: QuiSystem, log: Logger): Handler {
  try {
    return createMetrics(system).requestListener;
  } catch (error) {
    if (!(error instanceof QuiError && error.code === 'ERR_MISSING_PEER')) throw error;
    log.info('prom-client is not installed: /metrics answers 501');
    return noPromClient;
  }
}

/** `/metrics` without prom-client: a 501 whose one line says how to get it. @internal */
export function noPromClient(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(501, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(NO_PROM_CLIENT),
  });
  res.end(NO_PROM_CLIENT);
}
