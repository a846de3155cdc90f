import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli } from '../../../src/cli/parse-cli';
import { DASHBOARD_USAGE } from '../../../src/cli/parse-dashboard';

describe('parseCli: qui dashboard', () => {
  it.each([
    [['dashboard', '--config', 'q.js'], { type: 'dashboard', config: 'q.js', port: 3000, host: '127.0.0.1' }],
    [
      ['dashboard', '--config', 'q.js', '--port', '0', '--host', '0.0.0.0'],
      { type: 'dashboard', config: 'q.js', port: 0, host: '0.0.0.0' },
    ],
    [['dashboard', '--help'], { type: 'help', topic: 'dashboard' }],
    [
      ['dashboard', '--redis', 'redis://r:6379'],
      {
        type: 'dashboard',
        port: 3000,
        host: '127.0.0.1',
        redis: { url: 'redis://r:6379', prefix: 'qui:', queues: [] },
      },
    ],
    [
      [
        'dashboard',
        '--redis',
        'rediss://r',
        '--prefix',
        'app:',
        '--queue',
        'a',
        '--queue',
        'b',
        '--queue',
        'a',
      ],
      {
        type: 'dashboard',
        port: 3000,
        host: '127.0.0.1',
        redis: { url: 'rediss://r', prefix: 'app:', queues: ['a', 'b'] },
      },
    ],
  ])('reads %j', (argv, command) => expect(parseCli(argv)).toEqual(command));

  it.each([
    [['dashboard'], 'dashboard needs a config module (--config <file>) or a Redis (--redis <url>)'],
    [
      ['dashboard', '--config', 'q.js', '--port', 'http'],
      '--port must be an integer from 0 to 65535, got "http"',
    ],
    [
      ['dashboard', '--config', 'q.js', '--port', '70000'],
      '--port must be an integer from 0 to 65535, got "70000"',
    ],
    [['dashboard', '--config'], '--config needs a value'],
    [['dashboard', '--config', '--port', '80'], '--config needs a value'],
    [['dashboard', '--nope'], 'unknown option --nope'],
    [['dashboard', 'q.js'], 'dashboard takes no arguments, got "q.js"'],
    [
      ['dashboard', '--config', 'q.js', '--redis', 'redis://r'],
      'dashboard takes --config or --redis, not both',
    ],
    [['dashboard', '--config', 'q.js', '--prefix', 'x:'], '--prefix goes with --redis <url>'],
    [['dashboard', '--config', 'q.js', '--queue', 'a'], '--queue goes with --redis <url>'],
    [
      ['dashboard', '--redis', 'localhost:6379'],
      '--redis must be a redis:// or rediss:// URL, got "localhost:6379"',
    ],
    [
      ['dashboard', '--redis', 'redis://r', '--prefix', 'a{b'],
      `--prefix must not contain '{' or '}', got "a{b"`,
    ],
    [
      ['dashboard', '--redis', 'redis://r', '--queue', 'q}'],
      `--queue must be a queue name without '{' or '}', got "q}"`,
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

describe('qui dashboard --help', () => {
  it("says what --redis serves at /metrics: the store's gauges, by name (it said 501)", () => {
    const source = readFileSync(join(__dirname, '../../../src/metrics/store-metrics.ts'), 'utf8');
    const names = [...new Set([...source.matchAll(/^\s+(?:gauge\()?'(qui_[a-z_]+)'/gm)].map((m) => m[1]!))];
    expect(names).toEqual(['qui_queue_jobs', 'qui_queue_paused', 'qui_processes', 'qui_workers']);
    const redisPart = DASHBOARD_USAGE.slice(DASHBOARD_USAGE.indexOf('With --redis'));
    for (const name of names) expect(redisPart).toContain(name);
    expect(DASHBOARD_USAGE).not.toContain('501');
  });
});
