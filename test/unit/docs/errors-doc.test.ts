import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/reference/errors.md lists every code Qui raises: each `ErrorCode` has its `## ERR_…`
 * heading (and no heading names a code that is gone), and each code the dashboard answers in
 * its JSON replies is named under "Dashboard replies". Read as text, so a new code cannot land
 * without its entry.
 */
const ROOT = join(__dirname, '..', '..', '..');
const read = (...parts: string[]): string => readFileSync(join(ROOT, ...parts), 'utf8');
const codesIn = (text: string): string[] => [
  ...new Set([...text.matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1]!)),
];

const doc = read('docs', 'reference', 'errors.md');
const headings = [...doc.matchAll(/^## (ERR_[A-Z_]+)\s*$/gm)].map((m) => m[1]!);
const errorCodes = codesIn(/export type ErrorCode =[^;]*;/.exec(read('src', 'errors.ts'))![0]);

it('has a heading for every ErrorCode, and none for a code that is not one', () => {
  expect(errorCodes.length).toBeGreaterThan(20);
  expect(errorCodes.filter((code) => !headings.includes(code))).toEqual([]);
  expect(headings.filter((code) => !errorCodes.includes(code))).toEqual([]);
});

it("names every code of the dashboard's JSON replies under Dashboard replies", () => {
  const replies = doc.slice(doc.indexOf('## Dashboard replies'));
  const dashboard = [
    ...codesIn(read('src', 'dashboard', 'create-dashboard.ts')),
    ...codesIn(read('src', 'dashboard', 'dashboard-actions.ts')),
  ].filter((code) => !errorCodes.includes(code));
  expect(dashboard.length).toBeGreaterThan(0);
  expect(dashboard.filter((code) => !replies.includes(`\`${code}\``))).toEqual([]);
});
