import { describe, isPlainObject, join, type Fail } from '../validate';

/** Deeper values are refused rather than risking a stack overflow in the walk (or in JSON.stringify). */
const MAX_DEPTH = 1_000;

/**
 * Throws unless `value` round-trips through JSON unchanged: null, booleans, strings, finite
 * numbers, arrays without holes or `undefined` items, and plain objects of those. An `undefined`
 * object property is allowed (JSON drops it, and reading it gives `undefined` either way). Refused,
 * with the path of the offending part: `undefined` elsewhere, NaN and ±Infinity, bigint, symbols,
 * functions, cycles, Dates (they come back as strings), class instances (Map, Set, Buffer…), and
 * nesting deeper than 1000 levels. Shared (acyclic) references are allowed.
 * @internal
 * @throws the error `fail` makes, e.g. `task.a[2]: must be a finite number, got NaN`
 */
export function checkJsonValue(value: unknown, path: string, fail: Fail): void {
  const problem = findJsonProblem(value, []);
  if (problem === undefined) return;
  let at = path;
  for (let i = problem.keys.length - 1; i >= 0; i--) at = joinKey(at, problem.keys[i] as string | number);
  throw fail(at, problem.text);
}

interface JsonProblem {
  /** Innermost key first; `checkJsonValue` reverses them into a path. */
  readonly keys: (string | number)[];
  readonly text: string;
}

function findJsonProblem(value: unknown, ancestors: object[]): JsonProblem | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { keys: [], text: `must be a finite number, got ${value}` };
    case 'object':
      break;
    case 'undefined':
      return { keys: [], text: 'must be a JSON value, got undefined' };
    default:
      return {
        keys: [],
        text: `must be a JSON value, got ${typeof value === 'bigint' ? `a bigint (${value}n)` : describe(value)}`,
      };
  }
  if (value === null) return undefined;
  if (ancestors.includes(value))
    return { keys: [], text: 'is a circular reference, which JSON cannot represent' };
  if (ancestors.length >= MAX_DEPTH) return { keys: [], text: `nests deeper than ${MAX_DEPTH} levels` };
  ancestors.push(value);
  let found: JsonProblem | undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && found === undefined; i++) {
      if (!(i in value)) found = { keys: [i], text: 'is a hole in a sparse array (JSON turns it into null)' };
      else if ((found = findJsonProblem(value[i], ancestors)) !== undefined) found.keys.push(i);
    }
  } else if (isPlainObject(value)) {
    for (const key in value) {
      const item = value[key];
      if (item === undefined) continue;
      if ((found = findJsonProblem(item, ancestors)) !== undefined) {
        found.keys.push(key);
        break;
      }
    }
  } else {
    found = { keys: [], text: describeInstance(value) };
  }
  ancestors.pop();
  return found;
}

function describeInstance(value: object): string {
  if (value instanceof Date)
    return 'is a Date, which JSON turns into a string; pass date.toISOString() or date.getTime()';
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  const what = typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a custom prototype';
  return `is ${what}; only plain objects, arrays, strings, finite numbers, booleans and null round-trip through JSON`;
}

function joinKey(path: string, key: string | number): string {
  if (typeof key === 'number' || /^[A-Za-z_$][\w$]*$/.test(key)) return join(path, key);
  return `${path}[${JSON.stringify(key)}]`;
}
