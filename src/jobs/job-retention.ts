import { InvalidSpecError } from '../errors';
import { checkNumber, checkObject, deepFreeze, describe, join, type Fail } from '../validate';

/** The states a job never leaves on its own: retention prunes their records. */
export type JobEndState = 'completed' | 'dead' | 'lost' | 'cancelled';

/** The end states, in the order retention options list them. */
export const JOB_END_STATES: readonly JobEndState[] = Object.freeze([
  'completed',
  'dead',
  'lost',
  'cancelled',
]);

/** How long records of one end state are kept: whichever limit prunes first. */
export interface RetentionRule {
  /**
   * Records older than this (since they ended) are pruned. `Infinity` keeps them whatever their age.
   * @defaultValue 3,600,000 (1 hour) for `completed`; 604,800,000 (7 days) for `dead`, `lost`, `cancelled`
   */
  readonly maxAgeMs?: number;
  /**
   * At most this many records of the state are kept; the oldest go first. `0` keeps none,
   * `Infinity` no limit.
   * @defaultValue 1,000 for `completed`; 10,000 for `dead`, `lost`, `cancelled`
   */
  readonly maxCount?: number;
}

/**
 * A queue's `retain` option: `false` keeps no records at all (today's cost: nothing is kept
 * after hand-off, and `getJob`, `counts`, `pause`, `cancel` are not available); an object sets
 * retention per end state, each field defaulting as in {@link DEFAULT_RETENTION}.
 * @defaultValue {@link DEFAULT_RETENTION}
 */
export type RetentionOptions =
  | false
  | {
      readonly completed?: RetentionRule;
      readonly dead?: RetentionRule;
      readonly lost?: RetentionRule;
      readonly cancelled?: RetentionRule;
    };

/** {@link RetentionOptions} with every field filled in and frozen. */
export type ResolvedRetention = {
  readonly [S in JobEndState]: { readonly maxAgeMs: number; readonly maxCount: number };
};

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/**
 * Retention when a queue says nothing, in the spirit of BullMQ's `removeOnComplete` and Oban's
 * pruner: completed records kept 1 hour or 1,000 jobs, dead, lost and cancelled ones 7 days or
 * 10,000 jobs.
 */
export const DEFAULT_RETENTION: ResolvedRetention = deepFreeze({
  completed: { maxAgeMs: HOUR_MS, maxCount: 1_000 },
  dead: { maxAgeMs: WEEK_MS, maxCount: 10_000 },
  lost: { maxAgeMs: WEEK_MS, maxCount: 10_000 },
  cancelled: { maxAgeMs: WEEK_MS, maxCount: 10_000 },
});

/**
 * Checks a `retain` option and fills in {@link DEFAULT_RETENTION}: `undefined` gives the
 * defaults, `false` gives `false` (no records), an object is checked field by field.
 * Called once, when a queue is defined; never on a hot path.
 * `fail` makes the error (defaulting to `InvalidSpecError`, as for a queue spec); `defineQueue`
 * calls it with its own.
 * @throws the error `fail` makes, naming the field: `retain.dead.maxAgeMs: must be a number >= 0 or Infinity, got -1`
 * @internal
 * @example
 * resolveRetention({ completed: { maxCount: 100 } }, 'retain', fail);
 * // { completed: { maxAgeMs: 3600000, maxCount: 100 }, dead: { … 7 days, 10000 }, … } (frozen)
 */
export function resolveRetention(
  value: unknown,
  path = 'retain',
  fail: Fail = (at, problem) => new InvalidSpecError(at, problem),
): ResolvedRetention | false {
  if (value === undefined) return DEFAULT_RETENTION;
  if (value === false) return false;
  const o = checkObject(value, path, JOB_END_STATES, fail);
  const out = {} as Record<JobEndState, { maxAgeMs: number; maxCount: number }>;
  for (const state of JOB_END_STATES) {
    const rulePath = join(path, state);
    const rule =
      o[state] === undefined ? {} : checkObject(o[state], rulePath, ['maxAgeMs', 'maxCount'], fail);
    const defaults = DEFAULT_RETENTION[state];
    const maxAgeMs =
      rule.maxAgeMs === undefined
        ? defaults.maxAgeMs
        : checkNumber(rule.maxAgeMs, join(rulePath, 'maxAgeMs'), 0, fail, true);
    const maxCount =
      rule.maxCount === undefined
        ? defaults.maxCount
        : checkCount(rule.maxCount, join(rulePath, 'maxCount'), fail);
    out[state] = { maxAgeMs, maxCount };
  }
  return deepFreeze(out);
}

function checkCount(value: unknown, path: string, fail: Fail): number {
  if (value === Infinity || (typeof value === 'number' && Number.isInteger(value) && value >= 0))
    return value;
  throw fail(path, `must be an integer >= 0 or Infinity, got ${describe(value)}`);
}
