import { InvalidOptionsError, InvalidSpecError } from '../../../src/errors';
import { buildJob } from '../../../src/jobs/job-options';
import { ok } from '../../../src/jobs/job-result';
import { defineTask, isTaskDefinition, isTaskValue, type TaskOptions } from '../../../src/tasks/define-task';

const perform = (): ReturnType<typeof ok> => ok();

function specError(options: unknown): InvalidSpecError {
  try {
    defineTask(options as TaskOptions<unknown>);
  } catch (error) {
    if (error instanceof InvalidSpecError) return error;
    throw error;
  }
  throw new Error('expected an InvalidSpecError');
}

describe('defineTask', () => {
  it('builds a frozen definition with name, validated defaults and perform', () => {
    const task = defineTask({
      name: 'send-email',
      defaults: { priority: 'high', maxRetries: 5, backoff: { type: 'exponential', jitter: 0.2 } },
      perform(params: { to: string }) {
        return ok(params.to);
      },
    });
    expect(task.name).toBe('send-email');
    expect(task.defaults).toEqual({
      priority: 'high',
      maxRetries: 5,
      backoff: { type: 'exponential', jitter: 0.2 },
    });
    expect(Object.isFrozen(task) && Object.isFrozen(task.defaults)).toBe(true);
    expect(isTaskDefinition(task)).toBe(true);
    expect(isTaskDefinition({ ...task })).toBe(false);
  });

  it('has empty defaults when none are given', () => {
    expect(defineTask({ name: 't', perform }).defaults).toEqual({});
  });

  it('create builds the plain JSON value { task, params }', () => {
    const task = defineTask({ name: 'resize', perform: (_p: { w: number }) => ok() });
    const value = task.create({ w: 640 });
    expect(value).toEqual({ task: 'resize', params: { w: 640 } });
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
    expect(isTaskValue(value)).toBe(true);
    expect(Object.isFrozen(value)).toBe(true);
  });

  it('create accepts no params for a task without any', () => {
    const task = defineTask({ name: 'tick', perform: () => ok() });
    const value = task.create();
    expect(value).toStrictEqual({ task: 'tick' });
    expect(task.create(undefined)).toStrictEqual({ task: 'tick' });
    expect(isTaskValue(value)).toBe(true);
  });

  it('types create() from perform: params required unless they may be undefined', () => {
    const typed = defineTask({ name: 'typed', perform: (_p: { n: number }) => ok() });
    const optional = defineTask({ name: 'optional', perform: (_p?: { n: number }) => ok() });
    const typeChecks = (): unknown[] => [
      // @ts-expect-error params are required
      typed.create(),
      // @ts-expect-error params must match perform's
      typed.create({ n: 'one' }),
      optional.create(),
    ];
    expect(typeChecks).toBeInstanceOf(Function);
    expect(optional.create({ n: 1 })).toEqual({ task: 'optional', params: { n: 1 } });
  });

  it('create rejects params JSON cannot carry, naming the path', () => {
    const task = defineTask({ name: 'ping', perform: (_p: { at: unknown }) => ok() });
    const call = (): unknown => task.create({ at: new Date(0) });
    expect(call).toThrow(InvalidOptionsError);
    expect(call).toThrow(
      'params.at: is a Date, which JSON turns into a string; pass date.toISOString() or date.getTime()',
    );
  });

  it('its defaults feed buildJob', () => {
    const task = defineTask({ name: 't', perform, defaults: { timeoutMs: 5, priority: 'high' } });
    const queue = { name: 'q', priorities: ['high', 'low'], defaultPriority: 'low', serializes: false };
    expect(buildJob(queue, task.create(undefined), undefined, task.defaults, 0)).toMatchObject({
      timeoutMs: 5,
      priority: 'high',
    });
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'send', 'options: must be an object, got "send"'],
    [
      'an unknown key',
      { name: 't', perform, retries: 3 },
      'retries: is not a known option (known: name, perform, defaults)',
    ],
    ['a missing name', { perform }, 'name: must be a non-empty string, got undefined'],
    ['an empty name', { name: '', perform }, 'name: must be a non-empty string, got ""'],
    ['a missing perform', { name: 't' }, 'perform: must be a function, got undefined'],
    ['defaults not an object', { name: 't', perform, defaults: 3 }, 'defaults: must be an object, got 3'],
    [
      'delayMs in defaults',
      { name: 't', perform, defaults: { delayMs: 5 } },
      'defaults.delayMs: is not a known option (known: priority, maxRetries, retryDelayMs, timeoutMs, backoff)',
    ],
    [
      'runAt in defaults',
      { name: 't', perform, defaults: { runAt: 5 } },
      'defaults.runAt: is not a known option (known: priority, maxRetries, retryDelayMs, timeoutMs, backoff)',
    ],
    [
      'an empty default priority',
      { name: 't', perform, defaults: { priority: '' } },
      'defaults.priority: must be a non-empty string, got ""',
    ],
    [
      'negative default retries',
      { name: 't', perform, defaults: { maxRetries: -1 } },
      'defaults.maxRetries: must be an integer >= 0, got -1',
    ],
    [
      'negative default delay',
      { name: 't', perform, defaults: { retryDelayMs: -1 } },
      'defaults.retryDelayMs: must be a number >= 0, got -1',
    ],
    [
      'negative default timeout',
      { name: 't', perform, defaults: { timeoutMs: -1 } },
      'defaults.timeoutMs: must be a number >= 0 or Infinity, got -1',
    ],
    [
      'a bad default jitter',
      { name: 't', perform, defaults: { backoff: { type: 'exponential', jitter: 2 } } },
      'defaults.backoff.jitter: must be a number between 0 and 1, got 2',
    ],
  ])('rejects %s at define time', (_name, options, message) => {
    const error = specError(options);
    expect(error.message).toBe(message);
    expect(error.code).toBe('ERR_INVALID_SPEC');
  });
});

describe('isTaskValue', () => {
  it.each<[unknown, boolean]>([
    [{ task: 'a', params: 1 }, true],
    [{ task: 'a' }, true],
    [{ task: '', params: 1 }, false],
    [{ task: 1, params: 1 }, false],
    [{ task: 'a', params: 1, extra: 1 }, false],
    [{ name: 'a' }, false],
    ['a', false],
    [null, false],
  ])('%p is %p', (value, expected) => {
    expect(isTaskValue(value)).toBe(expected);
  });
});
