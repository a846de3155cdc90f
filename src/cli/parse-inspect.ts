import { parseArgs } from 'node:util';
import { JOB_STATES, type JobState } from '../jobs/job-record';
import { MAX_PAGE_LIMIT } from '../stores/job-records';
import { describeArgsError } from './args-error';

/** The commands that inspect and steer a queue through its store. */
export const INSPECT_COMMANDS = ['jobs', 'job', 'retry', 'pause', 'resume', 'cancel', 'stats'] as const;
export type InspectVerb = (typeof INSPECT_COMMANDS)[number];

/** Where the queues are: a config module's queue definitions, or a store named on the command line. */
export type InspectTarget =
  | { readonly type: 'config'; readonly config: string }
  | {
      readonly type: 'redis';
      readonly url: string;
      readonly prefix: string | undefined;
      readonly priorities: readonly string[] | undefined;
    }
  | { readonly type: 'sqlite'; readonly path: string; readonly priorities: readonly string[] | undefined };

/** What one inspection command asks for. */
export type InspectAction =
  | {
      readonly verb: 'jobs';
      readonly queue: string;
      readonly state: JobState;
      readonly limit: number;
      readonly cursor: string | undefined;
    }
  | { readonly verb: 'job'; readonly queue: string; readonly id: string }
  | { readonly verb: 'retry'; readonly queue: string; readonly id: string | undefined }
  | { readonly verb: 'pause' | 'resume'; readonly queue: string; readonly create: boolean }
  | {
      readonly verb: 'cancel';
      readonly queue: string;
      readonly id: string;
      readonly reason: string | undefined;
    }
  | { readonly verb: 'stats'; readonly queue: string | undefined };

export interface InspectCommand {
  readonly type: 'inspect';
  readonly action: InspectAction;
  readonly target: InspectTarget;
  readonly json: boolean;
}

/** `qui jobs` lists this state when no `--state` is given. */
export const DEFAULT_JOBS_STATE: JobState = 'waiting';
/** `qui jobs` lists this many records when no `--limit` is given. */
export const DEFAULT_JOBS_LIMIT = 20;

const TARGET = `Where the queue is (one of):
  --config <file>        A config module (as for qui start): its queue definitions give each
                         queue's store, priorities and retention. No workers are started.
  --redis <url>          A Redis store (redis://host:port), with --prefix <p> (default qui:)
  --sqlite <file>        A SQLite store file (it must exist)
  --priorities <a,b>     With --redis or --sqlite: the queue's priorities (default high,low)

Options:
  --json                 One JSON document on stdout instead of a table
  -h, --help             This help

With --redis or --sqlite, a queue is known when the store holds a trace of it (a key under the
prefix; a queue registered in the file): any other name is refused, with the queues found.

Exit codes: 0 done; 1 no such queue or job, or the job's state does not allow it (nothing
changed); 2 bad usage, or the config or store could not be reached.`;

const USAGES: Record<InspectVerb, string> = {
  jobs: `Usage: qui jobs <queue> [--state <state>] [--limit <n>] [--cursor <c>]

Lists a queue's jobs in one state, newest first (by when each entered it).
  --state <state>        ${JOB_STATES.join(', ')} (default ${DEFAULT_JOBS_STATE})
  --limit <n>            1 to ${MAX_PAGE_LIMIT} jobs (default ${DEFAULT_JOBS_LIMIT})
  --cursor <c>           The cursor the previous page printed: the next page`,
  job: `Usage: qui job <queue> <id>

Shows one job's record: state, attempts, times, error, result, progress, payload.`,
  retry: `Usage: qui retry <queue> <id>
       qui retry <queue> --all-dead

Puts a dead or lost job (or, with --all-dead, every dead job) back to waiting as one more attempt.`,
  pause: `Usage: qui pause <queue> [--create]

Pauses the queue in every process sharing its store: nothing is handed out, enqueues are kept.
  --create               With --redis or --sqlite: pause a queue the store has no trace of yet
                         (before its first process starts), instead of refusing the name`,
  resume: `Usage: qui resume <queue> [--create]

Undoes qui pause: parked workers in every process look again.
  --create               With --redis or --sqlite: accept a queue the store has no trace of`,
  cancel: `Usage: qui cancel <queue> <id> [--reason <text>]

Cancels a job: a waiting, delayed or failed one at once; a running one is aborted where it runs.`,
  stats: `Usage: qui stats [<queue>]

Jobs per state and whether paused, for one queue, or for every queue: the ones a config keeps in a
shared store (SQLite, Redis), or the ones found in the store (as qui dashboard --redis finds them; exit 1 when none is).`,
};

/** `qui <command> --help` for an inspection command. */
export function inspectUsage(verb: InspectVerb): string {
  return `${USAGES[verb]}\n\n${TARGET}\n`;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  redis: { type: 'string' },
  prefix: { type: 'string' },
  sqlite: { type: 'string' },
  priorities: { type: 'string' },
  state: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  reason: { type: 'string' },
  'all-dead': { type: 'boolean' },
  create: { type: 'boolean' },
} as const;

type Values = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
};

/** Options each command takes besides the target ones, --json and --help. */
const OWN: Record<InspectVerb, readonly (keyof typeof OPTIONS)[]> = {
  jobs: ['state', 'limit', 'cursor'],
  job: [],
  retry: ['all-dead'],
  pause: ['create'],
  resume: ['create'],
  cancel: ['reason'],
  stats: [],
};
const COMMON = new Set<string>(['help', 'json', 'config', 'redis', 'prefix', 'sqlite', 'priorities']);

/** Parsed: the command, its help, or one line saying what is wrong (exit 2). */
export type InspectParse =
  | InspectCommand
  | { readonly type: 'inspect-help'; readonly verb: InspectVerb }
  | { readonly type: 'usage-error'; readonly message: string };

/**
 * Reads the arguments of an inspection command (`argv[0]` is the command). Pure.
 * @example
 * parseInspect(['jobs', 'emails', '--state', 'dead', '--sqlite', 'q.db']);
 */
export function parseInspect(argv: readonly string[]): InspectParse {
  const verb = argv[0] as InspectVerb;
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return usage(verb, describeArgsError(error));
  }
  const values = parsed.values as Values;
  if (values.help) return { type: 'inspect-help', verb };
  for (const key of Object.keys(values))
    if (!COMMON.has(key) && !OWN[verb].includes(key as keyof typeof OPTIONS))
      return usage(verb, `takes no --${key}`);
  const target = parseTarget(values);
  if (typeof target === 'string') return usage(verb, target);
  const action = parseAction(verb, parsed.positionals, values);
  if (typeof action === 'string') return usage(verb, action);
  return { type: 'inspect', action, target, json: values.json === true };
}

function parseTarget(v: Values): InspectTarget | string {
  const given = (['config', 'redis', 'sqlite'] as const).filter((k) => v[k] !== undefined);
  if (given.length === 0) return 'needs --config <file>, --redis <url> or --sqlite <file>';
  if (given.length > 1)
    return `takes one of --config, --redis and --sqlite, got ${given.map((k) => `--${k}`).join(' and ')}`;
  let priorities: readonly string[] | undefined;
  if (v.priorities !== undefined) {
    priorities = v.priorities.split(',').map((p) => p.trim());
    if (priorities.some((p) => p === ''))
      return `--priorities must be names separated by commas, got ${JSON.stringify(v.priorities)}`;
  }
  if (v.config !== undefined) {
    if (v.prefix !== undefined || priorities)
      return '--prefix and --priorities go with --redis or --sqlite; a config gives its own';
    return { type: 'config', config: v.config };
  }
  if (v.redis !== undefined) {
    if (!/^rediss?:\/\//.test(v.redis))
      return `--redis must be a redis:// URL, got ${JSON.stringify(v.redis)}`;
    return { type: 'redis', url: v.redis, prefix: v.prefix, priorities };
  }
  if (v.prefix !== undefined) return '--prefix goes with --redis';
  return { type: 'sqlite', path: v.sqlite as string, priorities };
}

function parseAction(verb: InspectVerb, positionals: readonly string[], v: Values): InspectAction | string {
  const [queue, second] = positionals;
  const needsId = verb === 'job' || verb === 'cancel' || (verb === 'retry' && !v['all-dead']);
  const most = needsId || verb === 'retry' ? 2 : 1;
  if (positionals.length > most)
    return `takes ${most === 2 ? 'a queue and a job id' : 'one queue'}, got also ${JSON.stringify(positionals[most])}`;
  if (queue === undefined) {
    if (verb === 'stats') return { verb, queue: undefined };
    return 'needs a queue name';
  }
  switch (verb) {
    case 'jobs': {
      const state = (v.state ?? DEFAULT_JOBS_STATE) as JobState;
      if (!JOB_STATES.includes(state))
        return `--state must be one of ${JOB_STATES.join(', ')}, got ${JSON.stringify(v.state)}`;
      const limit = v.limit === undefined ? DEFAULT_JOBS_LIMIT : Number(v.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT)
        return `--limit must be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${JSON.stringify(v.limit)}`;
      return { verb, queue, state, limit, cursor: v.cursor };
    }
    case 'retry':
      if (v['all-dead']) {
        if (second !== undefined) return 'takes a job id or --all-dead, not both';
        return { verb, queue, id: undefined };
      }
      if (second === undefined) return 'needs a job id or --all-dead';
      return { verb, queue, id: second };
    case 'job':
    case 'cancel':
      if (second === undefined) return `needs a job id: qui ${verb} <queue> <id>`;
      return verb === 'job' ? { verb, queue, id: second } : { verb, queue, id: second, reason: v.reason };
    case 'pause':
    case 'resume':
      return { verb, queue, create: v.create === true };
    case 'stats':
      return { verb, queue };
  }
}

function usage(verb: InspectVerb, problem: string): InspectParse {
  return { type: 'usage-error', message: `${verb}: ${problem} (see qui ${verb} --help)` };
}
