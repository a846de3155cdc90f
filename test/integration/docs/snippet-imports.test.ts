import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A snippet of the README or a guide that imports one of qui-actors' own dependencies (pino…) or
 * peers (ioredis…) says, in the same file, to install it: a user gets a dependency's dependency
 * only by accident of npm's flat node_modules (pnpm and Yarn PnP hide it), and a peer not at all.
 */
const ROOT = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const OURS = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);

function markdownFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

/** The packages a markdown text's ts/js snippets import, by package name (`@scope/name`, `name`). */
function imported(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const [, block] of markdown.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g))
    for (const [, spec] of (block as string).matchAll(/(?:from |import |require\()'([^'.][^']*)'/g)) {
      const parts = (spec as string).split('/');
      names.add(spec?.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
    }
  return names;
}

/** The packages a markdown text tells to install (`npm install [-D] a b`, in a block or inline). */
function installed(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const [, args] of markdown.matchAll(/npm install ([^`#\n]*)/g))
    for (const word of (args as string).split(/\s+/)) if (word && !word.startsWith('-')) names.add(word);
  return names;
}

const FILES = ['README.md', ...markdownFiles('docs')];

it.each(FILES)("%s says to install each of qui-actors' dependencies its snippets import", (file) => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const told = installed(text);
  const untold = [...imported(text)].filter((name) => OURS.has(name) && !told.has(name));
  expect(untold).toEqual([]);
});
