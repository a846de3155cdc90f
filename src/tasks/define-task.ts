import { InvalidOptionsError, InvalidSpecError } from '../errors';
import { asTaskName, type TaskName } from '../ids';
import type { JobResult } from '../jobs/job-result';
import { resolveTaskDefaults, type TaskDefaults } from '../jobs/job-options';
import { checkJsonValue } from '../jobs/json-value';
import { checkFunction, checkObject, checkString, isPlainObject, type Fail } from '../validate';
import type { ProcessorContext } from './run-attempt';

/**
 * The plain JSON value a task definition builds, to enqueue: `{ task: name, params }`. `TName` is
 * the task's name as a literal type, so a queue's client tells its own tasks' values from others'.
 */
export interface TaskValue<TParams = unknown, TName extends string = string> {
  readonly task: TName;
  readonly params: TParams;
}

/**
 * A task's logic. Like any processor it must return (or resolve to) a JobResult: `ok(value)` or
 * `err(error)`; a throw or rejection fails the attempt; anything else crashes the worker.
 */
export type TaskPerform<TParams, TValue = unknown> = (
  params: TParams,
  ctx: ProcessorContext,
) => JobResult<TValue> | Promise<JobResult<TValue>>;

/** What `defineTask` takes. */
export interface TaskOptions<TParams, TName extends string = string, TValue = unknown> {
  /** Unique within a registry; stored in every job as `task`. */
  readonly name: TName;
  /** Runs one attempt with the job's params; `ok(value)`'s type is the task's `TValue`. */
  perform(params: TParams, ctx: ProcessorContext): JobResult<TValue> | Promise<JobResult<TValue>>;
  /** Job options for every job of this task, unless the enqueue overrides them. @defaultValue `{}` (the queue's defaults) */
  readonly defaults?: TaskDefaults;
}

/**
 * A defined task: frozen, safe to share between queues and systems. `TName` is its name as a
 * literal type and `TValue` the type of the value its `ok(value)` completes jobs with.
 */
export interface TaskDefinition<TParams = unknown, TName extends string = string, TValue = unknown> {
  readonly name: TaskName & TName;
  /** Validated and frozen; `{}` when none were given. */
  readonly defaults: TaskDefaults;
  perform(params: TParams, ctx: ProcessorContext): JobResult<TValue> | Promise<JobResult<TValue>>;
  /**
   * Builds the value to enqueue, `{ task: name, params }`; without params (or with `undefined`)
   * it is `{ task: name }`, which JSON keeps exactly.
   * @throws {InvalidOptionsError} naming the part of `params` that is not JSON, e.g. `params.when`.
   */
  create(
    ...params: undefined extends TParams ? [params?: TParams] : [params: TParams]
  ): TaskValue<TParams, TName>;
}

/** The value a task definition's `create` builds: `TaskValueOf<typeof sendEmail>`. A union gives a union. */
export type TaskValueOf<TDefinition> =
  TDefinition extends TaskDefinition<infer TParams, infer TName, infer _TValue>
    ? TaskValue<TParams, TName>
    : never;

/** What a task definition's `ok(value)` carries: `TaskResultOf<typeof sendEmail>`. A union gives a union. */
export type TaskResultOf<TDefinition> =
  TDefinition extends TaskDefinition<infer _TParams, infer _TName, infer TValue> ? TValue : never;

const KEYS = ['name', 'perform', 'defaults'] as const;
const specFail: Fail = (path, problem) => new InvalidSpecError(path, problem);
const optionsFail: Fail = (path, problem) => new InvalidOptionsError(path, problem);
const NO_DEFAULTS: TaskDefaults = Object.freeze({});
const definitions = new WeakSet<object>();

/**
 * Defines a task: its name, its logic and its job defaults, kept together. `perform` receives the
 * params of `create(params)` and must return a JobResult (`ok`/`err`), exactly like a processor;
 * run it with `processTask(createTaskRegistry([...]))` as a queue's processor.
 * @throws {InvalidSpecError} naming the field: `name`, `perform`, `defaults.maxRetries`, an unknown key…
 * @example
 * const sendEmail = defineTask({
 *   name: 'send-email',
 *   defaults: { priority: 'high', maxRetries: 5, backoff: { type: 'exponential', maxDelayMs: 10_000 } },
 *   async perform(params: { to: string; subject: string }, { log, signal }) {
 *     log.info('sending email');
 *     await mailer.send(params, { signal });
 *     return ok();
 *   },
 * });
 * await system.queue('mail').enqueue(sendEmail.create({ to: 'ada@example.com', subject: 'Hi' }));
 */
export function defineTask<TParams, TName extends string = string, TValue = unknown>(
  options: TaskOptions<TParams, TName, TValue>,
): TaskDefinition<TParams, TName, TValue> {
  const spec = checkObject(options, '', KEYS, specFail);
  const name = checkString(spec.name, 'name', specFail) as TName;
  const perform = checkFunction<TaskPerform<TParams, TValue>>(spec.perform, 'perform', specFail);
  const defaults =
    spec.defaults === undefined ? NO_DEFAULTS : resolveTaskDefaults(spec.defaults, 'defaults', specFail);
  const definition: TaskDefinition<TParams, TName, TValue> = Object.freeze({
    name: asTaskName(name) as TaskName & TName,
    defaults,
    perform,
    create(...args: [params?: TParams]): TaskValue<TParams, TName> {
      const params = args[0];
      if (params === undefined) return Object.freeze({ task: name }) as TaskValue<TParams, TName>;
      checkJsonValue(params, 'params', optionsFail);
      return Object.freeze({ task: name, params });
    },
  });
  definitions.add(definition);
  return definition;
}

/** True for values made by {@link defineTask}. @internal */
export function isTaskDefinition(value: unknown): value is TaskDefinition {
  return typeof value === 'object' && value !== null && definitions.has(value);
}

/**
 * True when `value` has the shape `create` builds: a plain object with a non-empty string `task`
 * and at most a `params` key besides.
 */
export function isTaskValue(value: unknown): value is TaskValue {
  if (!isPlainObject(value) || typeof value.task !== 'string' || value.task === '') return false;
  for (const key in value) if (key !== 'task' && key !== 'params') return false;
  return true;
}
