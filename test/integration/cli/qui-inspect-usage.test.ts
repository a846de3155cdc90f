import { spawnSync } from 'node:child_process';
import { redisKeepsRecords } from '../../helpers/store-records';

/** The inspection commands' help and failures that need no store keeping records. */
const QUI = [process.execPath, '--import', 'tsx', 'src/cli/qui.ts'] as const;

function qui(...args: string[]): {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
} {
  const [node, ...pre] = QUI;
  const r = spawnSync(node, [...pre, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('qui inspection commands: help and failures', () => {
  it('qui --help lists every command', () => {
    const r = qui('--help');
    expect(r.status).toBe(0);
    for (const command of [
      'jobs <queue>',
      'job <queue> <id>',
      'retry <queue> <id>',
      'pause <queue>',
      'resume <queue>',
      'cancel <queue> <id>',
      'stats [<queue>]',
    ])
      expect(r.stdout).toContain(command);
  });

  it('qui cancel --help prints its usage and the targets on stdout, exit 0', () => {
    const r = qui('cancel', '--help');
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Usage: qui cancel <queue> <id> \[--reason <text>\]\n/);
    expect(r.stdout).toContain('--redis <url>');
  });

  it('a bad option is one line on stderr, exit 2', () => {
    expect(qui('jobs', 'q', '--sqlite', 'x.db', '--reason', 'r')).toMatchObject({
      status: 2,
      stdout: '',
      stderr: 'qui: jobs: takes no --reason (see qui jobs --help)\n',
    });
  });

  // Reaching Redis comes after the store says whether it keeps records.
  (redisKeepsRecords() ? it : it.skip)(
    'an unreachable Redis is one line naming it, exit 2, within its few tries (no hang)',
    () => {
      const r = qui('stats', 'q', '--redis', 'redis://127.0.0.1:1');
      expect(r).toMatchObject({ status: 2, signal: null, stdout: '' });
      expect(r.stderr).toMatch(
        /^qui: redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1\n$/,
      );
    },
  );
});
