import { parseArgs } from 'node:util';
import { parseDashboard, type DashboardCommand } from './parse-dashboard';

/** What the command line asks for. */
export type CliCommand =
  | { readonly type: 'help'; readonly topic: 'qui' | 'start' | 'dashboard' }
  | { readonly type: 'version' }
  | { readonly type: 'start'; readonly config: string }
  | DashboardCommand
  /** Bad usage: `message` is one line, printed as `qui: <message>` with exit code 2. */
  | { readonly type: 'usage-error'; readonly message: string };

/** `qui --help`. */
export const QUI_USAGE = `Usage: qui <command> [options]

Commands:
  start <config>   Run the supervision tree a config module exports, until SIGTERM or SIGINT
  dashboard        Run it and serve its dashboard on 127.0.0.1:3000 (qui dashboard --help)

Options:
  -h, --help       Show this help (qui start --help: the start command's)
  -v, --version    Print the version

Environment:
  QUI_LOG_LEVEL    Level of the JSON logs the running tree writes to stderr (default: info)
`;

/** `qui start --help`. */
export const START_USAGE = `Usage: qui start <config>

Runs the supervision tree of a config module as a standalone process and keeps it up until
signalled: the first SIGTERM or SIGINT stops the tree in order (workers finish their running jobs)
and exits 0; a second signal exits 130 at once; the root supervisor giving up exits 1.

<config> is a JavaScript or TypeScript module (TypeScript needs tsx installed) exporting
  export default defineSupervisor({ ... })        a tree
  export default { tree, options }                a QuiConfig (options go to startSystem)
or the named exports tree and options.

Logs are pino JSON lines on stderr; QUI_LOG_LEVEL sets their level (default: info).
`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/**
 * Reads `qui`'s arguments (without `node` and the script). Pure: the caller prints and exits.
 * @example
 * parseCli(['start', 'qui.config.ts']); // { type: 'start', config: 'qui.config.ts' }
 */
export function parseCli(argv: readonly string[]): CliCommand {
  // The dashboard command has options of its own: it reads its arguments itself.
  if (argv[0] === 'dashboard') return parseDashboard(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs' own messages run to several sentences; name the option and point at --help.
    const option = /'([^']+)'/.exec((error as Error).message)?.[1];
    return usageError(option ? `unknown option ${option}` : (error as Error).message.split('\n', 1)[0]);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (command === undefined) {
    if (values.version) return { type: 'version' };
    if (values.help) return { type: 'help', topic: 'qui' };
    return usageError('missing command');
  }
  if (command === 'dashboard')
    return usageError('options go after the command: qui dashboard --config <file>');
  if (command !== 'start') return usageError(`unknown command ${JSON.stringify(command)}`);
  if (values.help) return { type: 'help', topic: 'start' };
  if (values.version) return { type: 'version' };
  const [config, extra] = rest;
  if (config === undefined) return usageError('start needs a config module: qui start <config>');
  if (extra !== undefined)
    return usageError(`start takes one config module, got also ${JSON.stringify(extra)}`);
  return { type: 'start', config };
}

function usageError(problem: string | undefined): CliCommand {
  return { type: 'usage-error', message: `${problem ?? 'bad arguments'} (see qui --help)` };
}
