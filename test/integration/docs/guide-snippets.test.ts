import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The guides' snippets that name their file (a line `// tasks.ts — …` opening a ```ts block, or a
 * part of one) are a user's files: written side by side and type-checked as a user's strict
 * project would (`strict`, `skipLibCheck: false`, `module: node16`, no `allowJs`), with
 * `qui-actors` mapped to src/index.ts. A `.js` file is written for the others to import.
 */
const ROOT = join(__dirname, '..', '..', '..');
const GUIDES = ['docs/guides/isolated-workers.md'];
const FILE_LINE = /^\/\/ ([\w.-]+\.(?:m?ts|c?js))\b.*$/gm;

/** The file snippets of a markdown text: name → source. */
function fileSnippets(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, block] of markdown.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const starts = [...(block as string).matchAll(FILE_LINE)];
    starts.forEach((start, i) =>
      files.set(start[1] as string, (block as string).slice(start.index, starts[i + 1]?.index)),
    );
  }
  return files;
}

let tmp: string | undefined;
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe.each(GUIDES)('the file snippets of %s', (guide) => {
  it('compile together in a strict project', () => {
    const files = fileSnippets(readFileSync(join(ROOT, guide), 'utf8'));
    expect(files.size).toBeGreaterThan(0);
    tmp = mkdtempSync(join(tmpdir(), 'qui-snippets-'));
    for (const [name, source] of files) writeFileSync(join(tmp, name), source);
    writeFileSync(
      join(tmp, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'es2022',
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          paths: { 'qui-actors': [join(ROOT, 'src', 'index.ts')] },
        },
        files: [...files.keys()].filter((name) => /\.m?ts$/.test(name)),
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', tmp], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    expect(output).toBe('');
  }, 60_000);
});
