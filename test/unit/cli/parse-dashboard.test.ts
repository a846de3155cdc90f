import { parseCli } from '../../../src/cli/parse-cli';

describe('parseCli: qui dashboard', () => {
  it.each([
    [['dashboard', '--config', 'q.js'], { type: 'dashboard', config: 'q.js', port: 3000, host: '127.0.0.1' }],
    [
      ['dashboard', '--config', 'q.js', '--port', '0', '--host', '0.0.0.0'],
      { type: 'dashboard', config: 'q.js', port: 0, host: '0.0.0.0' },
    ],
    [['dashboard', '--help'], { type: 'help', topic: 'dashboard' }],
  ])('reads %j', (argv, command) => expect(parseCli(argv)).toEqual(command));

  it.each([
    [['dashboard'], 'dashboard needs a config module: qui dashboard --config <file>'],
    [
      ['dashboard', '--config', 'q.js', '--port', 'http'],
      '--port must be an integer from 0 to 65535, got "http"',
    ],
    [
      ['dashboard', '--config', 'q.js', '--port', '70000'],
      '--port must be an integer from 0 to 65535, got "70000"',
    ],
    [['dashboard', '--config'], '--config needs a value'],
    [['dashboard', '--nope'], 'unknown option --nope'],
    [['dashboard', 'q.js'], 'dashboard takes no arguments, got "q.js"'],
    [
      ['dashboard', '--redis', 'redis://127.0.0.1:6379', '--prefix', 'x'],
      'dashboard --redis/--prefix needs the job-records API, not in this version: use --config',
    ],
  ])('refuses %j with one line', (argv, problem) => {
    expect(parseCli(argv)).toEqual({ type: 'usage-error', message: `${problem} (see qui dashboard --help)` });
  });

  it('points options given before the command at the right place', () => {
    expect(parseCli(['--port', '1', 'dashboard'])).toEqual({
      type: 'usage-error',
      message: 'unknown option --port (see qui --help)',
    });
    expect(parseCli(['-h', 'dashboard'])).toEqual({
      type: 'usage-error',
      message: 'options go after the command: qui dashboard --config <file> (see qui --help)',
    });
  });
});
