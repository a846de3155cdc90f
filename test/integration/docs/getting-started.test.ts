import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The getting-started guide's three steps, joined into the one file it says they make (imports
 * first, `qui-actors` pointed at src/index.ts and `pino` at this checkout's), run with tsx: what it prints is what the guide
 * says `npx tsx greet.ts` prints. Lines are compared as sets of lines, not in order: which of a
 * completion and the typo's refusal prints first is up to the event loop.
 */
const ROOT = join(__dirname, '..', '..', '..');
const GUIDE = readFileSync(join(ROOT, 'docs/guides/getting-started.md'), 'utf8');

function guideProgram(): string {
  const lines = [...GUIDE.matchAll(/```ts\n([\s\S]*?)```/g)].flatMap((m) => (m[1] as string).split('\n'));
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines.filter((line) => !line.startsWith('import '));
  // The file lives in a temporary directory: its imports are pointed at this checkout.
  const paths: Record<string, string> = {
    'qui-actors': join(ROOT, 'src', 'index.ts'),
    pino: require.resolve('pino'),
  };
  const resolved = imports.map((line) =>
    line.replace(/from '([^']+)'/, (whole, name: string) =>
      paths[name] ? `from ${JSON.stringify(paths[name])}` : whole,
    ),
  );
  return [...resolved, ...body].join('\n');
}

function printedByGuide(): string[] {
  const printed = /`npx tsx greet\.ts` prints:\n\n```text\n([\s\S]*?)```/.exec(GUIDE);
  if (!printed) throw new Error('the guide no longer shows what greet.ts prints');
  return (printed[1] as string).trimEnd().split('\n');
}

let tmp: string | undefined;
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

it('prints what the getting-started guide says it prints', () => {
  tmp = mkdtempSync(join(tmpdir(), 'qui-getting-started-'));
  const file = join(tmp, 'greet.ts');
  writeFileSync(file, guideProgram());
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const out = execFileSync(process.execPath, [tsx, file], { encoding: 'utf8', cwd: ROOT });
  expect(out.trimEnd().split('\n').sort()).toEqual(printedByGuide().sort());
}, 60_000);
