import { InvalidOptionsError } from '../errors';
import { newJobId } from '../ids';
import { checkJsonValue } from './json-value';
import type { Backoff, Job } from './job';
import {
  checkInteger,
  checkNumber,
  checkObject,
  checkOneOf,
  checkString,
  describe,
  isPlainObject,
  join,
  type Fail,
} from '../validate';

/**
 * Options given when a job is enqueued. Every field is optional; see each default. `TPriority` is
 * the queue's priority names when the client knows them (`system.queue(spec)`).
 */
export interface JobOptions<TPriority extends string = string> {
  /** One of the queue's priorities. @defaultValue the queue's last (lowest) priority */
  readonly priority?: TPriority;
  /** Retries after the first attempt, an integer >= 0 (total attempts = maxRetries + 1). @defaultValue 3 */
  readonly maxRetries?: number;
  /** Base delay in ms before a retry (see `backoff`). @defaultValue 100 */
  readonly retryDelayMs?: number;
  /** Per-attempt time limit in ms, or `Infinity` for none. @defaultValue 60_000 */
  readonly timeoutMs?: number;
  /** How the retry delay grows. A function is refused by queues whose store serializes jobs. @defaultValue `{ type: 'fixed' }` */
  readonly backoff?: Backoff;
  /** Hand the job out no sooner than this many ms from now. Not with `runAt`. @defaultValue 0 */
  readonly delayMs?: number;
  /** Hand the job out no sooner than this time (a Date or wall-clock ms). Not with `delayMs`. @defaultValue none: as soon as possible */
  readonly runAt?: Date | number;
  /**
   * The trace context to store on the job: a carrier of strings (`{ traceparent, tracestate? }`),
   * or `false` to store none. `createTracing` fills it from the active span when it is not set.
   * @defaultValue none (tracing off), or the enqueue's own `send <queue>` span (tracing on)
   */
  readonly trace?: Readonly<Record<string, string>> | false;
}

/** Per-task defaults (`defineTask({ defaults })`): the job options that make sense for every job of a task. */
export type TaskDefaults<TPriority extends string = string> = Omit<
  JobOptions<TPriority>,
  'delayMs' | 'runAt' | 'trace'
>;

/** The queue-level defaults that apply when neither the enqueue nor the task sets a field. */
export type DefaultJobOptions = Readonly<
  Required<Pick<JobOptions, 'maxRetries' | 'retryDelayMs' | 'timeoutMs' | 'backoff'>>
>;

/** The original Qui's defaults: 3 retries, 100 ms apart, 60 s per attempt. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = Object.freeze({
  maxRetries: 3,
  retryDelayMs: 100,
  timeoutMs: 60_000,
  backoff: Object.freeze({ type: 'fixed' as const }),
});

/** What `buildJob` needs to know about the queue a job goes into. */
export interface JobQueueConfig {
  readonly name: string;
  /** Highest first. */
  readonly priorities: readonly string[];
  /** Used when neither the enqueue nor the task sets a priority (by convention the last one). */
  readonly defaultPriority: string;
  /** True when the queue's store serializes jobs, so a function `backoff` cannot be kept. */
  readonly serializes: boolean;
}

/** Looks up the defaults of the task a job carries (`TaskRegistry.defaultsFor`); must accept any value. */
export type TaskDefaultsLookup = (task: unknown) => TaskDefaults | undefined;

const OPTION_KEYS = [
  'priority',
  'maxRetries',
  'retryDelayMs',
  'timeoutMs',
  'backoff',
  'delayMs',
  'runAt',
  'trace',
] as const;
const DEFAULT_KEYS = ['priority', 'maxRetries', 'retryDelayMs', 'timeoutMs', 'backoff'] as const;
const ITEM_KEYS = ['task', 'options'] as const;
const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({});
const NO_DEFAULTS: TaskDefaults = Object.freeze({});
const optionsFail: Fail = (path, problem) => new InvalidOptionsError(path, problem);

/**
 * Validates an enqueue and builds the frozen job to store. Precedence, field by field: explicit
 * `options` > the task's `defaults` > {@link DEFAULT_JOB_OPTIONS} (priority: `queue.defaultPriority`).
 * `runAtMs` is set only when the job is delayed (a positive `delayMs`, or a `runAt` in the future).
 * `task` is kept by reference, not copied: do not mutate it after enqueueing.
 * `taskDefaults` are trusted (validated by `defineTask`) except for what depends on the queue:
 * their priority must be one of the queue's, and a function backoff needs a non-serializing store.
 * @throws {InvalidOptionsError} naming the field: `task`, `task.a[2]`, `options.prioirity`, `options.backoff.jitter`…
 * @example
 * const job = buildJob(
 *   { name: 'mail', priorities: ['high', 'low'], defaultPriority: 'low', serializes: false },
 *   { to: 'ada@example.com' }, { priority: 'high', maxRetries: 5 }, undefined, Date.now());
 */
export function buildJob(
  queue: JobQueueConfig,
  task: unknown,
  options: unknown,
  taskDefaults: TaskDefaults | undefined,
  nowWallMs: number,
): Job {
  return buildAt(queue, task, options, taskDefaults, nowWallMs, '');
}

/**
 * Validates item `index` of an `enqueueMany` call (`{ task, options? }`) and builds its job,
 * with error paths such as `items[3].options.priority` or `items[0].task`.
 * @throws {InvalidOptionsError} naming the field.
 * @example
 * const job = validateEnqueueItem(queue, { task: { n: 1 } }, 0, registry.defaultsFor, Date.now());
 */
export function validateEnqueueItem(
  queue: JobQueueConfig,
  item: unknown,
  index: number,
  defaultsFor: TaskDefaultsLookup | undefined,
  nowWallMs: number,
): Job {
  const path = join('items', index);
  const fields = checkObject(item, path, ITEM_KEYS, optionsFail);
  return buildAt(queue, fields.task, fields.options, defaultsFor?.(fields.task), nowWallMs, path);
}

/**
 * Validates every item of an `enqueueMany` call before building any job, so that one bad item
 * rejects the whole call and nothing is enqueued.
 * @throws {InvalidOptionsError} `items` when not an array, else naming the first bad item's field.
 * @example
 * const jobs = buildJobs(queue, [{ task: a }, { task: b, options: { priority: 'high' } }], undefined, Date.now());
 */
export function buildJobs(
  queue: JobQueueConfig,
  items: unknown,
  defaultsFor: TaskDefaultsLookup | undefined,
  nowWallMs: number,
): Job[] {
  if (!Array.isArray(items)) throw optionsFail('items', `must be an array, got ${describe(items)}`);
  const jobs: Job[] = new Array<Job>(items.length);
  for (let i = 0; i < items.length; i++)
    jobs[i] = validateEnqueueItem(queue, items[i], i, defaultsFor, nowWallMs);
  return jobs;
}

/**
 * Validates `defineTask`'s `defaults` (no `delayMs`/`runAt`; the priority is checked against a
 * queue only at enqueue) and returns a frozen copy holding only the fields that were set.
 * @internal
 */
export function resolveTaskDefaults(value: unknown, path: string, fail: Fail): TaskDefaults {
  const fields = checkObject(value, path, DEFAULT_KEYS, fail);
  const out: { -readonly [K in keyof TaskDefaults]: TaskDefaults[K] } = {};
  if (fields.priority !== undefined)
    out.priority = checkString(fields.priority, join(path, 'priority'), fail);
  if (fields.maxRetries !== undefined) out.maxRetries = checkRetries(fields.maxRetries, path, fail);
  if (fields.retryDelayMs !== undefined) out.retryDelayMs = checkDelay(fields.retryDelayMs, path, fail);
  if (fields.timeoutMs !== undefined) out.timeoutMs = checkTimeout(fields.timeoutMs, path, fail);
  if (fields.backoff !== undefined) out.backoff = resolveBackoff(fields.backoff, join(path, 'backoff'), fail);
  return Object.freeze(out);
}

function buildAt(
  queue: JobQueueConfig,
  task: unknown,
  options: unknown,
  taskDefaults: TaskDefaults | undefined,
  now: number,
  prefix: string,
): Job {
  checkJsonValue(task, join(prefix, 'task'), optionsFail);
  const path = join(prefix, 'options');
  const o = options === undefined ? NO_OPTIONS : checkObject(options, path, OPTION_KEYS, optionsFail);
  const d = taskDefaults ?? NO_DEFAULTS;
  const fail = optionsFail;

  let priority = queue.defaultPriority;
  if (o.priority !== undefined)
    priority = checkOneOf(o.priority, join(path, 'priority'), queue.priorities, fail);
  else if (d.priority !== undefined) {
    if (!queue.priorities.includes(d.priority)) {
      const known = queue.priorities.map((p) => `'${p}'`).join(', ');
      throw fail(
        join(path, 'priority'),
        `is not set and the task's default '${d.priority}' is not one of ${known}`,
      );
    }
    priority = d.priority;
  }
  const maxRetries =
    o.maxRetries !== undefined
      ? checkRetries(o.maxRetries, path, fail)
      : (d.maxRetries ?? DEFAULT_JOB_OPTIONS.maxRetries);
  const retryDelayMs =
    o.retryDelayMs !== undefined
      ? checkDelay(o.retryDelayMs, path, fail)
      : (d.retryDelayMs ?? DEFAULT_JOB_OPTIONS.retryDelayMs);
  const timeoutMs =
    o.timeoutMs !== undefined
      ? checkTimeout(o.timeoutMs, path, fail)
      : (d.timeoutMs ?? DEFAULT_JOB_OPTIONS.timeoutMs);
  const backoff =
    o.backoff !== undefined
      ? resolveBackoff(o.backoff, join(path, 'backoff'), fail)
      : (d.backoff ?? DEFAULT_JOB_OPTIONS.backoff);
  if (typeof backoff === 'function' && queue.serializes) {
    const which =
      o.backoff !== undefined ? 'is a function' : "is not set and the task's default is a function";
    throw fail(
      join(path, 'backoff'),
      `${which}, which this queue's store cannot serialize; use { type: 'fixed' } or { type: 'exponential', … }`,
    );
  }

  let runAtMs: number | undefined;
  if (o.delayMs !== undefined) {
    const delayMs = checkNumber(o.delayMs, join(path, 'delayMs'), 0, fail);
    if (o.runAt !== undefined)
      throw fail(join(path, 'runAt'), 'cannot be combined with delayMs; pass one of them');
    if (delayMs > 0) runAtMs = now + delayMs;
  } else if (o.runAt !== undefined) {
    const at = checkRunAt(o.runAt, join(path, 'runAt'), fail);
    if (at > now) runAtMs = at;
  }

  const job: { -readonly [K in keyof Job]: Job[K] } = {
    id: newJobId(),
    queue: queue.name,
    task,
    priority,
    maxRetries,
    retryDelayMs,
    backoff,
    timeoutMs,
    attempts: 0,
    enqueuedAtMs: now,
  };
  if (runAtMs !== undefined) job.runAtMs = runAtMs;
  if (o.trace !== undefined && o.trace !== false) job.trace = checkTrace(o.trace, join(path, 'trace'), fail);
  return Object.freeze(job);
}

function checkRetries(value: unknown, path: string, fail: Fail): number {
  return checkInteger(value, join(path, 'maxRetries'), 0, fail);
}
function checkDelay(value: unknown, path: string, fail: Fail): number {
  return checkNumber(value, join(path, 'retryDelayMs'), 0, fail);
}
function checkTimeout(value: unknown, path: string, fail: Fail): number {
  return checkNumber(value, join(path, 'timeoutMs'), 0, fail, true);
}

/** A trace carrier: a plain object of string values, copied and frozen. */
function checkTrace(value: unknown, path: string, fail: Fail): Readonly<Record<string, string>> {
  if (!isPlainObject(value))
    throw fail(path, `must be false or an object of strings (a trace carrier), got ${describe(value)}`);
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw fail(join(path, key), `must be a string, got ${describe(entry)}`);
    out[key] = entry;
  }
  return Object.freeze(out);
}

function checkRunAt(value: unknown, path: string, fail: Fail): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw fail(path, 'must be a valid Date, got an invalid Date');
    return ms;
  }
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw fail(path, `must be a Date or wall-clock ms (a finite number >= 0), got ${describe(value)}`);
}

/** Validates a backoff and returns a frozen copy of the object forms (a function is kept as is). */
function resolveBackoff(value: unknown, path: string, fail: Fail): Backoff {
  if (typeof value === 'function') return value as Backoff;
  if (!isPlainObject(value)) {
    throw fail(
      path,
      `must be { type: 'fixed' }, { type: 'exponential', maxDelayMs?, jitter? } or a function, got ${describe(value)}`,
    );
  }
  const type = checkOneOf(value.type, join(path, 'type'), ['fixed', 'exponential'], fail);
  if (type === 'fixed') {
    checkObject(value, path, ['type'], fail);
    return DEFAULT_JOB_OPTIONS.backoff;
  }
  checkObject(value, path, ['type', 'maxDelayMs', 'jitter'], fail);
  const out: { type: 'exponential'; maxDelayMs?: number; jitter?: number } = { type };
  if (value.maxDelayMs !== undefined)
    out.maxDelayMs = checkNumber(value.maxDelayMs, join(path, 'maxDelayMs'), 0, fail);
  if (value.jitter !== undefined) {
    const jitter = value.jitter;
    if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
      throw fail(join(path, 'jitter'), `must be a number between 0 and 1, got ${describe(jitter)}`);
    }
    out.jitter = jitter;
  }
  return Object.freeze(out);
}
