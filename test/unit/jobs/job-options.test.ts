import { InvalidOptionsError } from '../../../src/errors';
import {
  buildJob,
  buildJobs,
  DEFAULT_JOB_OPTIONS,
  validateEnqueueItem,
  type JobQueueConfig,
  type TaskDefaults,
} from '../../../src/jobs/job-options';

const NOW = 1_700_000_000_000;
const queue: JobQueueConfig = {
  name: 'mail',
  priorities: ['high', 'low'],
  defaultPriority: 'low',
  serializes: false,
};
const durable: JobQueueConfig = { ...queue, serializes: true };
const backoffFn = (): number => 5;

function thrown(fn: () => unknown): InvalidOptionsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidOptionsError) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionsError');
}

describe('buildJob defaults and shape', () => {
  it('fills the original defaults and the queue default priority', () => {
    const job = buildJob(queue, { to: 'a' }, undefined, undefined, NOW);
    expect(job).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      queue: 'mail',
      task: { to: 'a' },
      priority: 'low',
      maxRetries: 3,
      retryDelayMs: 100,
      backoff: { type: 'fixed' },
      timeoutMs: 60_000,
      attempts: 0,
      enqueuedAtMs: NOW,
    });
    expect('runAtMs' in job).toBe(false);
  });

  it('returns a frozen job with a fresh id each time', () => {
    const a = buildJob(queue, 1, {}, undefined, NOW);
    const b = buildJob(queue, 1, {}, undefined, NOW);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a.id).not.toBe(b.id);
  });

  it('keeps the task by reference and does not freeze it', () => {
    const task = { n: 1 };
    expect(buildJob(queue, task, undefined, undefined, NOW).task).toBe(task);
    expect(Object.isFrozen(task)).toBe(false);
  });

  it('exposes frozen defaults equal to the original ones', () => {
    expect(DEFAULT_JOB_OPTIONS).toEqual({
      maxRetries: 3,
      retryDelayMs: 100,
      timeoutMs: 60_000,
      backoff: { type: 'fixed' },
    });
    expect(Object.isFrozen(DEFAULT_JOB_OPTIONS) && Object.isFrozen(DEFAULT_JOB_OPTIONS.backoff)).toBe(true);
  });

  it('uses explicit options over task defaults over queue defaults, field by field', () => {
    const defaults: TaskDefaults = { priority: 'high', maxRetries: 7, timeoutMs: 5 };
    const job = buildJob(queue, 1, { maxRetries: 0, retryDelayMs: 9 }, defaults, NOW);
    expect(job).toMatchObject({
      priority: 'high',
      maxRetries: 0,
      retryDelayMs: 9,
      timeoutMs: 5,
      backoff: { type: 'fixed' },
    });
  });

  it('treats an option set to undefined as absent', () => {
    const job = buildJob(queue, 1, { priority: undefined, maxRetries: undefined }, { maxRetries: 1 }, NOW);
    expect(job).toMatchObject({ priority: 'low', maxRetries: 1 });
  });

  it('accepts Infinity as timeoutMs and zero retries', () => {
    expect(buildJob(queue, 1, { timeoutMs: Infinity, maxRetries: 0 }, undefined, NOW)).toMatchObject({
      timeoutMs: Infinity,
      maxRetries: 0,
    });
  });

  it('copies and freezes an exponential backoff, keeping a function backoff as is', () => {
    const given = { type: 'exponential' as const, maxDelayMs: 1_000, jitter: 0.5 };
    const job = buildJob(queue, 1, { backoff: given }, undefined, NOW);
    expect(job.backoff).toEqual(given);
    expect(job.backoff).not.toBe(given);
    expect(Object.isFrozen(job.backoff)).toBe(true);
    expect(buildJob(queue, 1, { backoff: backoffFn }, undefined, NOW).backoff).toBe(backoffFn);
  });
});

describe('buildJob scheduling', () => {
  it.each([
    ['delayMs 250', { delayMs: 250 }, NOW + 250],
    ['delayMs 0', { delayMs: 0 }, undefined],
    ['runAt in the future (ms)', { runAt: NOW + 1_000 }, NOW + 1_000],
    ['runAt in the future (Date)', { runAt: new Date(NOW + 5) }, NOW + 5],
    ['runAt now', { runAt: NOW }, undefined],
    ['runAt in the past', { runAt: new Date(NOW - 60_000) }, undefined],
  ])('%s gives runAtMs %p', (_name, options, runAtMs) => {
    expect(buildJob(queue, 1, options, undefined, NOW).runAtMs).toBe(runAtMs);
  });
});

describe('buildJob validation', () => {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
  it.each<[string, unknown, unknown, string]>([
    ['options not an object', 1, null, 'options: must be an object, got null'],
    ['options an array', 1, [], 'options: must be an object, got an array'],
    [
      'a typo',
      1,
      { prioirity: 'high' },
      'options.prioirity: is not a known option (known: priority, maxRetries, retryDelayMs, timeoutMs, backoff, delayMs, runAt, trace)',
    ],
    [
      'an unknown priority',
      1,
      { priority: 'medium' },
      `options.priority: must be one of 'high', 'low', got "medium"`,
    ],
    ['a non-string priority', 1, { priority: 1 }, `options.priority: must be one of 'high', 'low', got 1`],
    ['negative maxRetries', 1, { maxRetries: -1 }, 'options.maxRetries: must be an integer >= 0, got -1'],
    ['fractional maxRetries', 1, { maxRetries: 1.5 }, 'options.maxRetries: must be an integer >= 0, got 1.5'],
    ['string maxRetries', 1, { maxRetries: '3' }, 'options.maxRetries: must be an integer >= 0, got "3"'],
    ['negative retryDelayMs', 1, { retryDelayMs: -5 }, 'options.retryDelayMs: must be a number >= 0, got -5'],
    [
      'infinite retryDelayMs',
      1,
      { retryDelayMs: Infinity },
      'options.retryDelayMs: must be a number >= 0, got Infinity',
    ],
    [
      'negative timeoutMs',
      1,
      { timeoutMs: -1 },
      'options.timeoutMs: must be a number >= 0 or Infinity, got -1',
    ],
    ['NaN timeoutMs', 1, { timeoutMs: NaN }, 'options.timeoutMs: must be a number >= 0 or Infinity, got NaN'],
    ['negative delayMs', 1, { delayMs: -1 }, 'options.delayMs: must be a number >= 0, got -1'],
    [
      'runAt a string',
      1,
      { runAt: '2030-01-01' },
      'options.runAt: must be a Date or wall-clock ms (a finite number >= 0), got "2030-01-01"',
    ],
    [
      'runAt an invalid Date',
      1,
      { runAt: new Date('nope') },
      'options.runAt: must be a valid Date, got an invalid Date',
    ],
    [
      'delayMs with runAt',
      1,
      { delayMs: 5, runAt: NOW },
      'options.runAt: cannot be combined with delayMs; pass one of them',
    ],
    [
      'backoff a number',
      1,
      { backoff: 5 },
      `options.backoff: must be { type: 'fixed' }, { type: 'exponential', maxDelayMs?, jitter? } or a function, got 5`,
    ],
    [
      'backoff unknown type',
      1,
      { backoff: { type: 'linear' } },
      `options.backoff.type: must be one of 'fixed', 'exponential', got "linear"`,
    ],
    [
      'fixed backoff with a cap',
      1,
      { backoff: { type: 'fixed', maxDelayMs: 5 } },
      'options.backoff.maxDelayMs: is not a known option (known: type)',
    ],
    [
      'exponential backoff typo',
      1,
      { backoff: { type: 'exponential', maxDelay: 5 } },
      'options.backoff.maxDelay: is not a known option (known: type, maxDelayMs, jitter)',
    ],
    [
      'negative maxDelayMs',
      1,
      { backoff: { type: 'exponential', maxDelayMs: -1 } },
      'options.backoff.maxDelayMs: must be a number >= 0, got -1',
    ],
    [
      'jitter above 1',
      1,
      { backoff: { type: 'exponential', jitter: 1.5 } },
      'options.backoff.jitter: must be a number between 0 and 1, got 1.5',
    ],
    [
      'negative jitter',
      1,
      { backoff: { type: 'exponential', jitter: -0.1 } },
      'options.backoff.jitter: must be a number between 0 and 1, got -0.1',
    ],
    [
      'NaN jitter',
      1,
      { backoff: { type: 'exponential', jitter: NaN } },
      'options.backoff.jitter: must be a number between 0 and 1, got NaN',
    ],
    ['an undefined task', undefined, {}, 'task: must be a JSON value, got undefined'],
    ['a function task', () => 1, {}, 'task: must be a JSON value, got a function'],
    ['a bigint task', 10n, {}, 'task: must be a JSON value, got a bigint (10n)'],
    ['a symbol in a task', { s: Symbol('x') }, {}, 'task.s: must be a JSON value, got Symbol(x)'],
    ['NaN in a task', { a: [1, NaN] }, {}, 'task.a[1]: must be a finite number, got NaN'],
    ['Infinity in a task', { n: -Infinity }, {}, 'task.n: must be a finite number, got -Infinity'],
    ['undefined in an array', [1, undefined], {}, 'task[1]: must be a JSON value, got undefined'],
    ['a sparse array', sparse, {}, 'task[1]: is a hole in a sparse array (JSON turns it into null)'],
    ['a cycle', cycle, {}, 'task.self: is a circular reference, which JSON cannot represent'],
    [
      'a Date',
      { at: new Date(0) },
      {},
      'task.at: is a Date, which JSON turns into a string; pass date.toISOString() or date.getTime()',
    ],
    [
      'a Map',
      { m: new Map() },
      {},
      'task.m: is a Map; only plain objects, arrays, strings, finite numbers, booleans and null round-trip through JSON',
    ],
    ['an odd key', { 'a b': { f: () => 1 } }, {}, 'task["a b"].f: must be a JSON value, got a function'],
  ])('rejects %s', (_name, task, options, message) => {
    const error = thrown(() => buildJob(queue, task, options, undefined, NOW));
    expect(error.message).toBe(message);
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.path).toBe(message.slice(0, message.indexOf(': ')));
  });

  it('accepts JSON values, shared references, null-prototype objects and undefined properties', () => {
    const shared = { x: 1 };
    const nullProto = Object.assign(Object.create(null) as object, { a: 1 });
    for (const task of [
      null,
      0,
      -0,
      '',
      true,
      [],
      {},
      [shared, shared],
      nullProto,
      { a: undefined, b: [null] },
    ]) {
      expect(() => buildJob(queue, task, undefined, undefined, NOW)).not.toThrow();
    }
  });

  it('rejects nesting deeper than 1000 levels instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5_000; i++) deep = [deep];
    expect(thrown(() => buildJob(queue, deep, undefined, undefined, NOW)).problem).toBe(
      'nests deeper than 1000 levels',
    );
  });

  it('rejects a function backoff when the store serializes, naming options.backoff', () => {
    expect(thrown(() => buildJob(durable, 1, { backoff: backoffFn }, undefined, NOW)).message).toBe(
      `options.backoff: is a function, which this queue's store cannot serialize; use { type: 'fixed' } or { type: 'exponential', … }`,
    );
    expect(() => buildJob(durable, 1, { backoff: { type: 'exponential' } }, undefined, NOW)).not.toThrow();
  });

  it('checks task defaults against the queue: priority and function backoff', () => {
    expect(thrown(() => buildJob(queue, 1, undefined, { priority: 'urgent' }, NOW)).message).toBe(
      `options.priority: is not set and the task's default 'urgent' is not one of 'high', 'low'`,
    );
    expect(buildJob(queue, 1, { priority: 'high' }, { priority: 'urgent' }, NOW).priority).toBe('high');
    expect(thrown(() => buildJob(durable, 1, undefined, { backoff: backoffFn }, NOW)).path).toBe(
      'options.backoff',
    );
  });
});

describe('enqueueMany items', () => {
  it('builds each item with its own options and task defaults', () => {
    const defaultsFor = (task: unknown): TaskDefaults | undefined =>
      task === 'slow' ? { timeoutMs: 1 } : undefined;
    const jobs = buildJobs(
      queue,
      [{ task: 'slow' }, { task: 'fast', options: { priority: 'high' } }],
      defaultsFor,
      NOW,
    );
    expect(jobs.map((j) => [j.task, j.priority, j.timeoutMs])).toEqual([
      ['slow', 'low', 1],
      ['fast', 'high', 60_000],
    ]);
  });

  it.each<[string, unknown, string]>([
    ['items not an array', { task: 1 }, 'items: must be an array, got an object'],
    ['an item not an object', [{ task: 1 }, 5], 'items[1]: must be an object, got 5'],
    [
      'an unknown item key',
      [{ task: 1, priority: 'high' }],
      'items[0].priority: is not a known option (known: task, options)',
    ],
    [
      'a bad option',
      [{ task: 1 }, { task: 2 }, { task: 3 }, { task: 4, options: { priority: 'x' } }],
      `items[3].options.priority: must be one of 'high', 'low', got "x"`,
    ],
    ['a bad task', [{ task: { f: NaN } }], 'items[0].task.f: must be a finite number, got NaN'],
    ['a missing task', [{ options: {} }], 'items[0].task: must be a JSON value, got undefined'],
  ])('rejects %s with the item path', (_name, items, message) => {
    expect(thrown(() => buildJobs(queue, items, undefined, NOW)).message).toBe(message);
  });

  it('validateEnqueueItem names the index it is given', () => {
    expect(
      thrown(() => validateEnqueueItem(queue, { task: 1, options: { delayMs: -1 } }, 7, undefined, NOW)).path,
    ).toBe('items[7].options.delayMs');
  });
});
