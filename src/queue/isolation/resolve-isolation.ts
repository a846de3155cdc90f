import { isAbsolute, resolve } from 'node:path';
import {
  checkInteger,
  checkNumber,
  checkObject,
  checkOneOf,
  checkString,
  describe,
  type Fail,
} from '../../validate';
import type { ResolvedIsolation } from './isolated-runner';

/** Memory limits of an isolated worker's thread (Node's `resourceLimits`), in MB. */
export interface IsolationResourceLimits {
  /** The main heap; past it the thread dies and the worker crashes. Process isolation maps it to `--max-old-space-size`. */
  readonly maxOldGenerationSizeMb?: number;
  /** The heap for new objects (thread only). */
  readonly maxYoungGenerationSizeMb?: number;
  /** The space for generated code (thread only). */
  readonly codeRangeSizeMb?: number;
  /** The thread's stack (thread only). @defaultValue 4 */
  readonly stackSizeMb?: number;
}

/** How long a timed-out or aborted attempt may clean up before its thread is terminated. */
export const DEFAULT_KILL_GRACE_MS = 50;

const LIMIT_KEYS = [
  'maxOldGenerationSizeMb',
  'maxYoungGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
] as const;

/**
 * Validates the isolation fields of `workers` (`isolation`, `module`, `resourceLimits`,
 * `killGraceMs`, `standby`); `undefined` when `isolation` is left out (and none of the others is given).
 * `module` is resolved against the working directory and must exist. @internal
 * @throws the `fail` error naming the field, e.g. `workers.module`.
 */
export function resolveIsolation(w: Record<string, unknown>, fail: Fail): ResolvedIsolation | undefined {
  if (w.isolation === undefined) {
    for (const key of ['module', 'resourceLimits', 'killGraceMs', 'standby']) {
      if (w[key] !== undefined) throw fail(`workers.${key}`, 'is only used with workers.isolation');
    }
    return undefined;
  }
  const mode = checkOneOf(w.isolation, 'workers.isolation', ['thread', 'process'], fail);
  if (w.processor !== undefined) {
    throw fail('workers.processor', 'cannot run in isolation: export it from workers.module instead');
  }
  if (w.module === undefined) throw fail('workers.module', 'is required with workers.isolation');
  const given = checkString(w.module, 'workers.module', fail);
  const path = isAbsolute(given) ? given : resolve(given);
  let modulePath: string;
  try {
    modulePath = require.resolve(path);
  } catch {
    throw fail('workers.module', `no module at ${JSON.stringify(path)}`);
  }
  let resourceLimits: IsolationResourceLimits | undefined;
  if (w.resourceLimits !== undefined) {
    const limits = checkObject(w.resourceLimits, 'workers.resourceLimits', LIMIT_KEYS, fail);
    const out: Record<string, number> = {};
    for (const key of LIMIT_KEYS) {
      if (limits[key] === undefined) continue;
      if (mode === 'process' && key !== 'maxOldGenerationSizeMb')
        throw fail(`workers.resourceLimits.${key}`, "applies to isolation: 'thread' only");
      out[key] = checkNumber(limits[key], `workers.resourceLimits.${key}`, 1, fail);
    }
    resourceLimits = out;
  }
  const killGraceMs =
    w.killGraceMs === undefined
      ? DEFAULT_KILL_GRACE_MS
      : checkInteger(w.killGraceMs, 'workers.killGraceMs', 0, fail);
  let standby = mode === 'thread';
  if (w.standby !== undefined) {
    if (typeof w.standby !== 'boolean')
      throw fail('workers.standby', `must be true or false, got ${describe(w.standby)}`);
    standby = w.standby;
  }
  return { mode, module: modulePath, resourceLimits, killGraceMs, standby };
}
