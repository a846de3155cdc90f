/*
 * Small, path-naming checks shared by every `resolveX`. Each throws the error its caller chose
 * (InvalidSpecError for specs, InvalidOptionsError for call options) with the field's path.
 * The checks are internal; `Fail` is public because `resolveRetention` takes one.
 */

/** Makes the error a check throws for the field at `path` (`retain.dead.maxAgeMs`). */
export type Fail = (path: string, problem: string) => Error;

/** Joins a parent path and a key: `join('', 'a')` is `a`, `join('a', 'b')` is `a.b`. */
export function join(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  return `${value as number | boolean | bigint | undefined}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Requires a plain object whose keys are all in `allowed`; names the first unknown key. */
export function checkObject(
  value: unknown,
  path: string,
  allowed: readonly string[],
  fail: Fail,
): Record<string, unknown> {
  if (!isPlainObject(value)) throw fail(path || 'options', `must be an object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw fail(join(path, key), `is not a known option (known: ${allowed.join(', ')})`);
    }
  }
  return value;
}

export function checkString(value: unknown, path: string, fail: Fail): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw fail(path, `must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

export function checkFunction<T>(value: unknown, path: string, fail: Fail): T {
  if (typeof value !== 'function') throw fail(path, `must be a function, got ${describe(value)}`);
  return value as T;
}

export function checkInteger(value: unknown, path: string, min: number, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw fail(path, `must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

/** A finite number >= min, or Infinity when `allowInfinity`. */
export function checkNumber(
  value: unknown,
  path: string,
  min: number,
  fail: Fail,
  allowInfinity = false,
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    value >= min &&
    (Number.isFinite(value) || (allowInfinity && value === Infinity));
  if (!ok) {
    throw fail(
      path,
      `must be a number >= ${min}${allowInfinity ? ' or Infinity' : ''}, got ${describe(value)}`,
    );
  }
  return value;
}

export function checkOneOf<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
  fail: Fail,
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw fail(path, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** Freezes an object and every plain object or array inside it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) if (isPlainObject(v) || Array.isArray(v)) deepFreeze(v);
  }
  return value;
}
