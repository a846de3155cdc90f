/**
 * Keeps the benchmark harness from rotting: runs two cheap scenarios with --quick in a child
 * process and checks the shape of what it writes. Asserts nothing about speed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
// Hang guards only, generous for a loaded machine (a quick run takes ~8 s alone): the child is
// killed a little before jest gives up on the test, so no bench process outlives a timeout.
const CHILD_LIMIT_MS = 170_000;
const TEST_LIMIT_MS = 180_000;

function runBench(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      TSX,
      ['bench/run.ts', ...args],
      { cwd: ROOT, timeout: CHILD_LIMIT_MS },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

describe('bench harness (smoke)', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'qui-bench-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it(
    'runs quick scenarios, exits 0 and writes JSON and markdown results',
    async () => {
      const { code, stderr } = await runBench(['--quick', '--out', out, 'supervision', 'wrapping']);
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

      const report = JSON.parse(readFileSync(join(out, 'quick.json'), 'utf8')) as {
        generatedAt: string;
        scenarios: {
          name: string;
          rows: { contender: string; status: string; metrics: object }[];
          checks: object[];
        }[];
      };
      expect(typeof report.generatedAt).toBe('string');
      expect(report.scenarios.map((s) => s.name)).toEqual(['supervision', 'wrapping']);
      for (const scenario of report.scenarios) {
        expect(Object.keys(scenario)).toEqual(
          expect.arrayContaining([
            'name',
            'title',
            'workload',
            'quick',
            'ranAt',
            'machine',
            'metrics',
            'rows',
            'checks',
          ]),
        );
        expect(scenario.checks.length).toBeGreaterThan(0);
        // The raw nact baseline needs no service and no Qui: it must always run.
        const baseline = scenario.rows.find((r) => r.contender === 'raw-nact');
        expect(baseline?.status).toBe('ok');
        for (const row of scenario.rows) expect(['ok', 'partial', 'skipped', 'error']).toContain(row.status);
      }
      const markdown = readFileSync(join(out, 'quick.md'), 'utf8');
      expect(markdown).toContain('### supervision');
      expect(markdown).toContain('### wrapping');
    },
    TEST_LIMIT_MS,
  );

  it(
    'rejects an unknown scenario with exit code 2',
    async () => {
      const { code, stderr } = await runBench(['--quick', '--out', out, 'no-such-scenario']);
      expect(code).toBe(2);
      expect(stderr).toContain('unknown scenario');
    },
    TEST_LIMIT_MS,
  );
});
