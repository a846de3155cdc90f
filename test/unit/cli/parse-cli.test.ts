import { parseCli } from '../../../src/cli/parse-cli';

describe('parseCli', () => {
  it.each([
    [['--help'], { type: 'help', topic: 'qui' }],
    [['-h'], { type: 'help', topic: 'qui' }],
    [['start', '--help'], { type: 'help', topic: 'start' }],
    [['start', 'x.ts', '-h'], { type: 'help', topic: 'start' }],
    [['--version'], { type: 'version' }],
    [['-v'], { type: 'version' }],
    [['start', 'qui.config.ts'], { type: 'start', config: 'qui.config.ts' }],
  ])('reads %j', (argv, command) => {
    expect(parseCli(argv)).toEqual(command);
  });

  it.each([
    [[], 'missing command (see qui --help)'],
    [['stop'], 'unknown command "stop" (see qui --help)'],
    [['--nope'], 'unknown option --nope (see qui --help)'],
    [['--help=yes'], '--help takes no value (see qui --help)'],
    [['start', '-x'], 'unknown option -x (see qui --help)'],
    [['start'], 'start needs a config module: qui start <config> (see qui --help)'],
    [['start', 'a.ts', 'b.ts'], 'start takes one config module, got also "b.ts" (see qui --help)'],
  ])('refuses %j with one line', (argv, message) => {
    expect(parseCli(argv)).toEqual({ type: 'usage-error', message });
  });
});
