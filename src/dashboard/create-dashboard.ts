import type { IncomingMessage, ServerResponse } from 'node:http';
import type { QuiSystem } from '../runtime/start-system';
import { hostOf, type DashboardConnections } from './dashboard-host';
import { toError } from '../errors';
import { Activity } from './activity';
import { DASHBOARD_CSS, DASHBOARD_ICON, DASHBOARD_JS } from './assets';
import { crossSiteProblem, readJsonBody, runAction, type DashboardAction } from './dashboard-actions';
import { resolveDashboardOptions, type DashboardAccess, type DashboardOptions } from './dashboard-options';
import { relativeRoot } from './format';
import type { RenderContext } from './pages';
import { ReadModel } from './read-model';
import { LiveStreams } from './live-streams';
import { layout, renderView } from './views';

/**
 * A `node:http` request listener serving the dashboard, usable as Express or Connect middleware
 * (`next` is called for a request outside `basePath`). `close()` ends the live streams and stops
 * listening to the system's events.
 */
export interface Dashboard {
  (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): void;
  close(): void;
}

/** Headers of every response: nothing inline may run, nothing is cached, nothing frames it. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
});

const ACTION_ROUTE =
  /^\/api\/queues\/([^/]+)\/(?:(pause|resume|retry-all)|jobs\/([^/]+)\/(retry|remove|cancel))$/;

/**
 * Serves a dashboard of `system`: the overview of every queue, each queue's jobs, a job, dead and
 * lost jobs, the live supervision tree and the processes on shared stores, updated live over
 * Server-Sent Events. Read-only unless `authorize` grants `'write'`; every action is logged
 * through `system.logger` with who asked. Given `{ connections, logger? }` instead of a system,
 * it shows those queues through their stores alone (`connectQueue`): no tree, no lease, no workers.
 * @throws {InvalidOptionsError} naming the bad option.
 * @example
 * const dashboard = createDashboard(system, { basePath: '/qui', authorize: (req) => (isAdmin(req) ? 'write' : 'read') });
 * http.createServer(dashboard).listen(3000, '127.0.0.1');
 * // or, with Express: app.use('/qui', createDashboard(system));
 */
export function createDashboard(
  source: QuiSystem | DashboardConnections,
  options?: DashboardOptions,
): Dashboard {
  const opts = resolveDashboardOptions(options);
  const system = hostOf(source);
  const log = system.logger.child({ component: 'dashboard' });
  const activity = new Activity(system.events, system.clock);
  const model = new ReadModel(system, activity, opts);
  const context = (subPath: string, canWrite: boolean): RenderContext => ({
    rel: relativeRoot(subPath),
    canWrite,
    nowMs: system.clock.wallNow(),
    maxValueChars: opts.maxValueChars,
    title: opts.title,
  });
  const render = async (view: string, canWrite: boolean): Promise<string | undefined> => {
    const url = new URL(view, 'http://dashboard');
    const rendered = await renderView(
      model,
      activity,
      context(url.pathname, canWrite),
      url.pathname,
      url.searchParams,
    );
    return rendered?.main.value;
  };
  const streams = new LiveStreams(system, opts.refreshMs, render);

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    subPath: string,
    search: string,
  ): Promise<void> {
    const granted = opts.authorize ? await opts.authorize(req) : 'read';
    const access: DashboardAccess =
      typeof granted === 'object' && granted !== null ? granted.access : granted;
    const user = typeof granted === 'object' && granted !== null ? granted.user : undefined;
    if (access !== 'read' && access !== 'write')
      return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden\n');
    const canWrite = access === 'write';
    const method = req.method ?? 'GET';
    if (subPath === '/assets/dashboard.js')
      return send(res, 200, 'text/javascript; charset=utf-8', DASHBOARD_JS);
    if (subPath === '/assets/icon.svg') return send(res, 200, 'image/svg+xml', DASHBOARD_ICON);
    if (subPath === '/assets/dashboard.css') return send(res, 200, 'text/css; charset=utf-8', DASHBOARD_CSS);
    const params = new URLSearchParams(search);
    if (method === 'POST') {
      const match = ACTION_ROUTE.exec(subPath);
      if (!match)
        return json(res, 404, { ok: false, error: { code: 'ERR_NOT_FOUND', message: 'no such action' } });
      const queue = decodeURIComponent(match[1] as string);
      const action: DashboardAction = match[2]
        ? { type: match[2] as 'pause' | 'resume' | 'retry-all', queue }
        : {
            type: match[4] as 'retry' | 'remove' | 'cancel',
            queue,
            jobId: decodeURIComponent(match[3] as string),
          };
      const who = { user, remoteAddress: req.socket?.remoteAddress };
      // An action refused for want of rights is logged too, with who asked: that is what an audit looks for.
      const refuse = (code: string, message: string): void => {
        const jobId = 'jobId' in action ? action.jobId : undefined;
        log.warn({ action: action.type, queue, jobId, ...who, code }, 'dashboard action refused');
        json(res, 403, { ok: false, error: { code, message } });
      };
      if (!canWrite) return refuse('ERR_READ_ONLY', 'this dashboard is read-only for you');
      const problem = crossSiteProblem(req);
      if (problem) return refuse('ERR_CROSS_SITE', problem);
      const control = await model.control(queue);
      if (!control)
        return json(res, 404, {
          ok: false,
          error: { code: 'ERR_NO_RECORDS', message: `queue ${JSON.stringify(queue)} keeps no job records` },
        });
      const body = await readJsonBody(req);
      if (!body)
        return json(res, 400, {
          ok: false,
          error: { code: 'ERR_BAD_REQUEST', message: 'the body must be a small JSON object' },
        });
      const reply = await runAction(action, control, body, who, log);
      streams.refreshSoon();
      return json(res, reply.status, reply.body);
    }
    if (method !== 'GET' && method !== 'HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n');
    if (subPath === '/api/events')
      return streams.open(req, res, params.get('view') ?? '/', canWrite, SECURITY_HEADERS);
    if (subPath === '/api/snapshot') {
      const view = params.get('view') ?? '/';
      const main = await render(view, canWrite);
      return main === undefined ? json(res, 404, { ok: false }) : json(res, 200, { ok: true, html: main });
    }
    if (subPath === '/api/queues') return json(res, 200, { ok: true, queues: await model.overview() });
    const ctx = context(subPath, canWrite);
    const view = await renderView(model, activity, ctx, subPath, params);
    if (!view) return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
    send(res, 200, 'text/html; charset=utf-8', layout(ctx, view, `${subPath}${search ? `?${search}` : ''}`));
  }

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const search = q < 0 ? '' : url.slice(q + 1);
    let subPath: string | undefined = pathname;
    const base = opts.basePath;
    // Under Express or Connect the framework has stripped its mount path already (originalUrl keeps it).
    const original = (req as { originalUrl?: unknown }).originalUrl;
    const mounted = typeof original === 'string' && original !== url;
    if (base !== '/' && !mounted) {
      if (pathname === base || pathname.startsWith(`${base}/`)) subPath = pathname.slice(base.length);
      else subPath = undefined;
    }
    if (subPath === undefined) {
      if (next) return next();
      return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
    }
    const seenPath = (typeof original === 'string' ? original : url).split('?')[0] as string;
    // Express maps both `/qui` and `/qui/` to `/`: only the slash form lets relative links resolve under the mount.
    if (subPath === '' || (mounted && subPath === '/' && !seenPath.endsWith('/'))) {
      // `/qui` → `/qui/`, so relative links resolve under the mount.
      res.writeHead(308, { location: `${seenPath}/${search ? `?${search}` : ''}` });
      return void res.end();
    }
    serve(req, res, subPath, search).catch((thrown: unknown) => {
      log.error({ err: toError(thrown), path: subPath }, 'dashboard request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error\n');
      else res.end();
    });
  }) as Dashboard;
  handler.close = () => {
    streams.close();
    activity.dispose();
    system.dispose();
  };
  return handler;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}
