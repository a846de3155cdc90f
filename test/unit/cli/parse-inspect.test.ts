import { parseCli } from '../../../src/cli/parse-cli';
import { inspectUsage, INSPECT_COMMANDS } from '../../../src/cli/parse-inspect';

const SQLITE = { type: 'sqlite', path: 'q.db', priorities: undefined };

describe('parseCli: the inspection commands', () => {
  it.each([
    [
      ['jobs', 'emails', '--sqlite', 'q.db'],
      { verb: 'jobs', queue: 'emails', state: 'waiting', limit: 20, cursor: undefined },
    ],
    [
      ['jobs', 'emails', '--state', 'dead', '--limit', '5', '--cursor', 'c1', '--sqlite', 'q.db'],
      { verb: 'jobs', queue: 'emails', state: 'dead', limit: 5, cursor: 'c1' },
    ],
    [['job', 'emails', 'j1', '--sqlite', 'q.db'], { verb: 'job', queue: 'emails', id: 'j1' }],
    [['retry', 'emails', 'j1', '--sqlite', 'q.db'], { verb: 'retry', queue: 'emails', id: 'j1' }],
    [
      ['retry', 'emails', '--all-dead', '--sqlite', 'q.db'],
      { verb: 'retry', queue: 'emails', id: undefined },
    ],
    [['pause', 'emails', '--sqlite', 'q.db'], { verb: 'pause', queue: 'emails', create: false }],
    [['pause', 'emails', '--create', '--sqlite', 'q.db'], { verb: 'pause', queue: 'emails', create: true }],
    [['resume', 'emails', '--sqlite', 'q.db'], { verb: 'resume', queue: 'emails', create: false }],
    [
      ['cancel', 'emails', 'j1', '--reason', 'dup', '--sqlite', 'q.db'],
      { verb: 'cancel', queue: 'emails', id: 'j1', reason: 'dup' },
    ],
    [['stats', 'emails', '--sqlite', 'q.db'], { verb: 'stats', queue: 'emails' }],
    [['stats', '--sqlite', 'q.db'], { verb: 'stats', queue: undefined }],
  ])('reads %j', (argv, action) => {
    expect(parseCli(argv)).toEqual({ type: 'inspect', action, target: SQLITE, json: false });
  });

  it('reads the targets and --json', () => {
    expect(parseCli(['stats', '--config', 'qui.config.ts', '--json'])).toEqual({
      type: 'inspect',
      action: { verb: 'stats', queue: undefined },
      target: { type: 'config', config: 'qui.config.ts' },
      json: true,
    });
    expect(
      parseCli(['pause', 'q', '--redis', 'redis://h:1', '--prefix', 'app:', '--priorities', 'a, b']),
    ).toMatchObject({
      target: { type: 'redis', url: 'redis://h:1', prefix: 'app:', priorities: ['a', 'b'] },
    });
  });

  it.each(INSPECT_COMMANDS.map((verb) => [verb]))(
    '%s --help is its own usage, naming the targets',
    (verb) => {
      expect(parseCli([verb, '--help'])).toEqual({ type: 'inspect-help', verb });
      expect(inspectUsage(verb)).toMatch(new RegExp(`^Usage: qui ${verb} `));
      expect(inspectUsage(verb)).toContain('--sqlite <file>');
    },
  );

  it.each([
    [['jobs', 'q'], 'jobs: needs --config <file>, --redis <url> or --sqlite <file> (see qui jobs --help)'],
    [
      ['jobs', 'q', '--sqlite', 'a', '--config', 'b'],
      'jobs: takes one of --config, --redis and --sqlite, got --config and --sqlite (see qui jobs --help)',
    ],
    [['jobs', '--sqlite', 'a'], 'jobs: needs a queue name (see qui jobs --help)'],
    [['jobs', 'q', 'x', '--sqlite', 'a'], 'jobs: takes one queue, got also "x" (see qui jobs --help)'],
    [
      ['jobs', 'q', '--state', 'done', '--sqlite', 'a'],
      'jobs: --state must be one of waiting, delayed, active, failed, completed, dead, lost, cancelled, got "done" (see qui jobs --help)',
    ],
    [
      ['jobs', 'q', '--limit', '0', '--sqlite', 'a'],
      'jobs: --limit must be an integer from 1 to 1000, got "0" (see qui jobs --help)',
    ],
    [
      ['jobs', 'q', '--limit', '1001', '--sqlite', 'a'],
      'jobs: --limit must be an integer from 1 to 1000, got "1001" (see qui jobs --help)',
    ],
    [['job', 'q', '--sqlite', 'a'], 'job: needs a job id: qui job <queue> <id> (see qui job --help)'],
    [['job', 'q', '--state', 'dead', '--sqlite', 'a'], 'job: takes no --state (see qui job --help)'],
    [['retry', 'q', '--sqlite', 'a'], 'retry: needs a job id or --all-dead (see qui retry --help)'],
    [
      ['retry', 'q', 'j', '--all-dead', '--sqlite', 'a'],
      'retry: takes a job id or --all-dead, not both (see qui retry --help)',
    ],
    [
      ['cancel', 'q', 'j', 'k', '--sqlite', 'a'],
      'cancel: takes a queue and a job id, got also "k" (see qui cancel --help)',
    ],
    [['jobs', 'q', '--create', '--sqlite', 'a'], 'jobs: takes no --create (see qui jobs --help)'],
    [['stats', 'q', '--nope', '--sqlite', 'a'], 'stats: unknown option --nope (see qui stats --help)'],
    [['jobs', 'q', '--sqlite', 'a', '--state'], 'jobs: --state needs a value (see qui jobs --help)'],
    [
      ['jobs', 'q', '--state', '--json', '--sqlite', 'a'],
      'jobs: --state needs a value (see qui jobs --help)',
    ],
    [['jobs', 'q', '--json=yes', '--sqlite', 'a'], 'jobs: --json takes no value (see qui jobs --help)'],
    [
      ['stats', 'q', '--redis', 'localhost'],
      'stats: --redis must be a redis:// URL, got "localhost" (see qui stats --help)',
    ],
    [
      ['stats', 'q', '--sqlite', 'a', '--prefix', 'p'],
      'stats: --prefix goes with --redis (see qui stats --help)',
    ],
    [
      ['stats', 'q', '--config', 'c', '--priorities', 'a'],
      'stats: --prefix and --priorities go with --redis or --sqlite; a config gives its own (see qui stats --help)',
    ],
    [
      ['stats', 'q', '--sqlite', 'a', '--priorities', 'a,,b'],
      'stats: --priorities must be names separated by commas, got "a,,b" (see qui stats --help)',
    ],
  ])('refuses %j with one line', (argv, message) => {
    expect(parseCli(argv)).toEqual({ type: 'usage-error', message });
  });
});
