import { parseArgs } from 'node:util';
import { describeArgsError } from './args-error';
import { parseDashboard, type DashboardCommand } from './parse-dashboard';
import { INSPECT_COMMANDS, parseInspect, type InspectParse } from './parse-inspect';

/** What the command line asks for. */
export type CliCommand =
  | { readonly type: 'help'; readonly topic: 'qui' | 'start' | 'dashboard' }
  | { readonly type: 'version' }
  | { readonly type: 'start'; readonly config: string }
  | DashboardCommand
  /** Bad usage: `message` is one line, printed as `qui: <message>` with exit code 2. */
  | { readonly type: 'usage-error'; readonly message: string }
  /** An inspection command (`qui jobs`, `qui job`, `qui retry`…), or its help. */
  | Exclude<InspectParse, { type: 'usage-error' }>;

/** `qui --help`. */
export const QUI_USAGE = `Usage: qui <command> [options]

Commands:
  start <config>         Run the supervision tree a config module exports, until SIGTERM or SIGINT
  dashboard              Run it and serve its dashboard on 127.0.0.1:3000 (qui dashboard --help)
  jobs <queue>           List a queue's jobs in one state (--state, --limit, --cursor)
  job <queue> <id>       Show one job's record
  retry <queue> <id>     Put a dead or lost job back to waiting (--all-dead: every dead job)
  pause <queue>          Pause a queue in every process sharing its store
  resume <queue>         Resume a paused queue
  cancel <queue> <id>    Cancel a job (--reason); a running one is aborted where it runs
  stats [<queue>]        Jobs per state

  The inspection commands reach a queue through its store, named by --config <file>,
  --redis <url> [--prefix p] or --sqlite <file>; they print tables, or JSON with --json.
  qui <command> --help for each.

Options:
  -h, --help             Show this help (qui <command> --help: the command's)
  -v, --version          Print the version

Environment:
  QUI_LOG_LEVEL          Level of the JSON logs the running tree writes to stderr (default: info)
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
  // An inspection command comes first and takes its own options.
  if ((INSPECT_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return parseInspect(argv);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return usageError(describeArgsError(error));
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
