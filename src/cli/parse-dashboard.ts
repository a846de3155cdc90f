import { parseArgs } from 'node:util';

/** What `qui dashboard` is asked to serve. */
export interface DashboardCommand {
  readonly type: 'dashboard';
  readonly config: string;
  readonly port: number;
  readonly host: string;
}

/** `qui dashboard --help`. */
export const DASHBOARD_USAGE = `Usage: qui dashboard --config <file> [--port 3000] [--host 127.0.0.1]

Runs the supervision tree of a config module (as qui start does) and serves its dashboard at
http://<host>:<port>/ until SIGTERM or SIGINT, with its Prometheus metrics at /metrics (when
prom-client is installed). The page is read-only: to retry, pause or cancel from it, mount
createDashboard(system, { authorize }) in your own server.

Options:
  --config <file>   The config module (see qui start --help)
  --port <n>        The port to listen on (default: 3000; 0 picks a free one)
  --host <addr>     The address to bind (default: 127.0.0.1, this machine only)
  --redis <url>     Not yet: reading a queue straight from a store needs the job-records API
  --prefix <p>      (with --redis)
  -h, --help        Show this help
`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  redis: { type: 'string' },
  prefix: { type: 'string' },
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
    const message = (error as Error).message;
    const option = /'([^']+)'/.exec(message)?.[1];
    if (/argument missing/.test(message) && option) return usage(`${option.split(' ')[0]} needs a value`);
    return usage(option ? `unknown option ${option}` : message.split('\n', 1)[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return { type: 'help', topic: 'dashboard' };
  if (positionals.length > 0)
    return usage(`dashboard takes no arguments, got ${JSON.stringify(positionals[0])}`);
  if (values.redis !== undefined || values.prefix !== undefined)
    return usage('dashboard --redis/--prefix needs the job-records API, not in this version: use --config');
  if (values.config === undefined)
    return usage('dashboard needs a config module: qui dashboard --config <file>');
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535 || values.port?.trim() === '')
    return usage(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
  const host = values.host ?? '127.0.0.1';
  if (host === '') return usage('--host must not be empty');
  return { type: 'dashboard', config: values.config, port, host };
}

function usage(problem: string | undefined): DashboardParse {
  return { type: 'usage-error', message: `${problem ?? 'bad arguments'} (see qui dashboard --help)` };
}
