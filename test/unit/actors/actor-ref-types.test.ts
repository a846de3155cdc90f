import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('compile-time type tests', () => {
  it('compiles test/types with every @ts-expect-error holding', () => {
    const root = join(__dirname, '..', '..', '..');
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'test', 'types')], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 60_000);
});
