import { parseArgs } from 'node:util';
import { describeArgsError } from './args-error';

/** Queues on a shared Redis, watched without running their workers (`--redis`). */
export interface RedisDashboardSource {
  readonly url: string;
  /** The key prefix the queues' `redisStore({ prefix })` uses. @defaultValue 'qui:' */
  readonly prefix: string;
  /** The queues to show; empty: every queue found under the prefix. */
  readonly queues: readonly string[];
}

/** What `qui dashboard` is asked to serve: a config module's tree (`config`), or queues on Redis (`redis`). */
export type DashboardCommand = {
  readonly type: 'dashboard';
  readonly port: number;
  readonly host: string;
} & (
  | { readonly config: string; readonly redis?: undefined }
  | { readonly config?: undefined; readonly redis: RedisDashboardSource }
);

/** `qui dashboard --help`. */
export const DASHBOARD_USAGE = `Usage: qui dashboard --config <file> [--port 3000] [--host 127.0.0.1]
       qui dashboard --redis <url> [--prefix qui:] [--queue <name> ...] [--port 3000] [--host 127.0.0.1]

Runs the supervision tree of a config module (as qui start does) and serves its dashboard at
http://<host>:<port>/ until SIGTERM or SIGINT, with its Prometheus metrics at /metrics (when
prom-client is installed). The page is read-only: to retry, pause or cancel from it, mount
createDashboard(system, { authorize }) in your own server.

With --redis it runs no tree: it serves the queues that other processes run on that Redis, read
from their job records through connectQueue (every queue found under the prefix, or those --queue
names). It runs none of their jobs, holds no lease and reaps nothing. Its /metrics serves the
store's gauges of those queues (qui_queue_jobs per state, qui_queue_paused, qui_processes,
qui_workers); the per-task counters and histograms are the running processes' own.

Options:
  --config <file>   The config module (see qui start --help)
  --port <n>        The port to listen on (default: 3000; 0 picks a free one)
  --host <addr>     The address to bind (default: 127.0.0.1, this machine only)
  --redis <url>     Watch the queues on this Redis instead (redis://host:port)
  --prefix <p>      Their redisStore key prefix (default: qui:)
  --queue <name>    A queue to show (repeatable; default: every queue found under the prefix)
  -h, --help        Show this help
`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  redis: { type: 'string' },
  prefix: { type: 'string' },
  queue: { type: 'string', multiple: true },
} as const;

/** A bad `qui dashboard` line: `message` is printed as `qui: <message>`, exit 2. */
export type DashboardParse =
  | DashboardCommand
  | { readonly type: 'help'; readonly topic: 'dashboard' }
  | { readonly type: 'usage-error'; readonly message: string };

/**
 * Reads the arguments after `qui dashboard`. Pure.
 * @example
 * parseDashboard(['--config', 'qui.config.js', '--port', '8080']);
 * // { type: 'dashboard', config: 'qui.config.js', port: 8080, host: '127.0.0.1' }
 */
export function parseDashboard(argv: readonly string[]): DashboardParse {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return usage(describeArgsError(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { type: 'help', topic: 'dashboard' };
  if (positionals.length > 0)
    return usage(`dashboard takes no arguments, got ${JSON.stringify(positionals[0])}`);
  if (values.redis !== undefined && values.config !== undefined)
    return usage('dashboard takes --config or --redis, not both');
  if (values.redis === undefined && (values.prefix !== undefined || values.queue !== undefined))
    return usage(`--${values.prefix !== undefined ? 'prefix' : 'queue'} goes with --redis <url>`);
  if (values.config === undefined && values.redis === undefined)
    return usage('dashboard needs a config module (--config <file>) or a Redis (--redis <url>)');
  if (values.redis !== undefined && !/^rediss?:\/\/./.test(values.redis))
    return usage(`--redis must be a redis:// or rediss:// URL, got ${JSON.stringify(values.redis)}`);
  const prefix = values.prefix ?? 'qui:';
  if (/[{}]/.test(prefix))
    return usage(`--prefix must not contain '{' or '}', got ${JSON.stringify(prefix)}`);
  const queues = values.queue ?? [];
  const badQueue = queues.find((q) => q === '' || /[{}]/.test(q));
  if (badQueue !== undefined)
    return usage(`--queue must be a queue name without '{' or '}', got ${JSON.stringify(badQueue)}`);
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535 || values.port?.trim() === '')
    return usage(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
  const host = values.host ?? '127.0.0.1';
  if (host === '') return usage('--host must not be empty');
  if (values.redis !== undefined)
    return {
      type: 'dashboard',
      port,
      host,
      redis: { url: values.redis, prefix, queues: [...new Set(queues)] },
    };
  return { type: 'dashboard', config: values.config as string, port, host };
}

function usage(problem: string | undefined): DashboardParse {
  return { type: 'usage-error', message: `${problem ?? 'bad arguments'} (see qui dashboard --help)` };
}
