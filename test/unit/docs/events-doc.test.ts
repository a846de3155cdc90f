import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');

/** Event name → payload field names, read from `QuiEvents` by the compiler (unions: every member's fields). */
function eventsFromType(): Map<string, string[]> {
  const file = join(ROOT, 'src', 'events.ts');
  const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const decl = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'QuiEvents',
  );
  if (!decl) throw new Error('src/events.ts declares no QuiEvents interface');
  const events = new Map<string, string[]>();
  for (const event of checker.getPropertiesOfType(checker.getTypeAtLocation(decl))) {
    const payload = checker.getTypeOfSymbolAtLocation(event, decl);
    const members = payload.isUnion() ? payload.types : [payload];
    const fields = new Set(members.flatMap((m) => checker.getPropertiesOfType(m).map((p) => p.name)));
    events.set(event.name, [...fields].sort());
  }
  return events;
}

/** Event name → field names, from docs/reference/events.md: `## name` headings, then `` | `field` | `` rows. */
function eventsFromDoc(): Map<string, string[]> {
  const doc = readFileSync(join(ROOT, 'docs', 'reference', 'events.md'), 'utf8');
  const events = new Map<string, string[]>();
  for (const section of doc.split(/^## /m).slice(1)) {
    const [heading = '', ...lines] = section.split('\n');
    const fields = lines.flatMap((line) => /^\| `([^`]+)` \|/.exec(line)?.[1] ?? []);
    events.set(heading.trim(), fields.sort());
  }
  return events;
}

const fromType = eventsFromType();
const fromDoc = eventsFromDoc();

describe('docs/reference/events.md against the QuiEvents type', () => {
  it('has one heading per event, no more, no fewer', () => {
    expect([...fromDoc.keys()].sort()).toEqual([...fromType.keys()].sort());
  });

  it.each([...fromType.keys()])('lists every payload field of %s, and only those', (event) => {
    expect({ event, fields: fromDoc.get(event) }).toEqual({ event, fields: fromType.get(event) });
  });
});
