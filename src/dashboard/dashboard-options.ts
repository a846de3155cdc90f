import type { IncomingMessage } from 'node:http';
import { InvalidOptionsError } from '../errors';
import { checkFunction, checkInteger, checkObject, checkString } from '../validate';
import type { QueueControl } from './queue-control';

/** What a request may do: read the pages, also act (retry, remove, pause, resume, cancel), or nothing. */
export type DashboardAccess = 'read' | 'write' | false;

/** `authorize`'s answer: an access level, or one with the identity to log actions under. */
export type AuthorizeResult = DashboardAccess | { readonly access: DashboardAccess; readonly user?: string };

/** What `createDashboard` takes. */
export interface DashboardOptions {
  /**
   * The path the dashboard answers under when mounted on a bare `node:http` server. Under
   * Express or Connect (`app.use('/qui', handler)`) the framework strips its mount path and this
   * is not needed. Pages link to each other relatively, so a proxy may strip a prefix too.
   * @defaultValue '/'
   */
  readonly basePath?: string;
  /**
   * Decides per request, on every request: `'read'`, `'write'` (actions too) or `false` (403).
   * It may return `{ access, user }`: actions are logged with that `user`. Without it the
   * dashboard is read-only: every action answers 403 and the page shows no action buttons.
   * @defaultValue undefined (read-only for everyone)
   */
  readonly authorize?: (request: IncomingMessage) => AuthorizeResult | Promise<AuthorizeResult>;
  /**
   * The job records of a queue, by name. By default the queue's own client
   * (`system.queue(name)`) when it has the records API; a queue without records is shown from
   * its stats (counts, workers, throughput) with no job lists and no actions.
   * @defaultValue the queue's client, when it has the `QueueControl` methods (`isPaused`, `processes` optional)
   */
  readonly records?: (queue: string) => QueueControl | undefined;
  /** Jobs per page on the queue and dead-and-lost pages (at most 200). @defaultValue 25 */
  readonly pageSize?: number;
  /** How often a live page is re-rendered and, when it changed, sent (500 to 60000). @defaultValue 1000 */
  readonly refreshMs?: number;
  /** Longest payload, result or stack shown, in characters; the rest is cut. @defaultValue 20000 */
  readonly maxValueChars?: number;
  /** The page title. @defaultValue 'Qui' */
  readonly title?: string;
}

/** The options with every default filled in, frozen. */
export interface ResolvedDashboardOptions {
  readonly basePath: string;
  readonly authorize: DashboardOptions['authorize'];
  readonly records: DashboardOptions['records'];
  readonly pageSize: number;
  readonly refreshMs: number;
  readonly maxValueChars: number;
  readonly title: string;
}

/** The defaults of `createDashboard`. */
export const DEFAULT_DASHBOARD_OPTIONS: Readonly<Omit<ResolvedDashboardOptions, 'authorize' | 'records'>> =
  Object.freeze({
    basePath: '/',
    pageSize: 25,
    refreshMs: 1_000,
    maxValueChars: 20_000,
    title: 'Qui',
  });

const KEYS = ['basePath', 'authorize', 'records', 'pageSize', 'refreshMs', 'maxValueChars', 'title'];
const fail = (path: string, problem: string): Error => new InvalidOptionsError(path, problem);

/**
 * Checks every option, naming the bad one (`pageSize: must be an integer >= 1, got 0`).
 * @throws {InvalidOptionsError}
 */
export function resolveDashboardOptions(options: DashboardOptions | undefined): ResolvedDashboardOptions {
  const o = checkObject(options ?? {}, '', KEYS, fail);
  const d = DEFAULT_DASHBOARD_OPTIONS;
  let basePath = o.basePath === undefined ? d.basePath : checkString(o.basePath, 'basePath', fail);
  if (!basePath.startsWith('/') || /[?#\s]/.test(basePath))
    throw fail('basePath', `must be a path starting with "/", got ${JSON.stringify(basePath)}`);
  basePath = basePath.replace(/\/+$/, '') || '/';
  const pageSize = o.pageSize === undefined ? d.pageSize : checkInteger(o.pageSize, 'pageSize', 1, fail);
  if (pageSize > 200) throw fail('pageSize', `must be at most 200, got ${pageSize}`);
  const refreshMs =
    o.refreshMs === undefined ? d.refreshMs : checkInteger(o.refreshMs, 'refreshMs', 500, fail);
  if (refreshMs > 60_000) throw fail('refreshMs', `must be at most 60000, got ${refreshMs}`);
  return Object.freeze({
    basePath,
    authorize:
      o.authorize === undefined
        ? undefined
        : checkFunction<DashboardOptions['authorize']>(o.authorize, 'authorize', fail),
    records:
      o.records === undefined
        ? undefined
        : checkFunction<DashboardOptions['records']>(o.records, 'records', fail),
    pageSize,
    refreshMs,
    maxValueChars:
      o.maxValueChars === undefined
        ? d.maxValueChars
        : checkInteger(o.maxValueChars, 'maxValueChars', 100, fail),
    title: o.title === undefined ? d.title : checkString(o.title, 'title', fail),
  });
}
