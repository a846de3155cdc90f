import fc from 'fast-check';
import { InvalidOptionsError } from '../../../src/errors';
import {
  buildJob,
  buildJobs,
  type JobOptions,
  type JobQueueConfig,
  type TaskDefaults,
} from '../../../src/jobs/job-options';
import type { Backoff } from '../../../src/jobs/job';

const NOW = 1_700_000_000_000;
const KNOWN = ['priority', 'maxRetries', 'retryDelayMs', 'timeoutMs', 'backoff', 'delayMs', 'runAt'];

// ---- arbitraries for valid input -------------------------------------------------------------
const queueArb: fc.Arbitrary<JobQueueConfig> = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 })
  .map((priorities) => ({
    name: 'q',
    priorities,
    defaultPriority: priorities[priorities.length - 1] as string,
    serializes: false,
  }));
const ms = fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true });
const backoffArb: fc.Arbitrary<Backoff> = fc.oneof(
  fc.constant({ type: 'fixed' as const }),
  fc.record(
    {
      type: fc.constant('exponential' as const),
      maxDelayMs: ms,
      jitter: fc.double({ min: 0, max: 1, noNaN: true }),
    },
    { requiredKeys: ['type'] },
  ),
);
function defaultsArb(queue: JobQueueConfig): fc.Arbitrary<TaskDefaults> {
  return fc.record(
    {
      priority: fc.constantFrom(...queue.priorities),
      maxRetries: fc.nat(50),
      retryDelayMs: ms,
      timeoutMs: fc.oneof(ms, fc.constant(Infinity)),
      backoff: backoffArb,
    },
    { requiredKeys: [] },
  );
}
function optionsArb(queue: JobQueueConfig): fc.Arbitrary<JobOptions> {
  const schedule = fc.oneof(
    fc.constant({}),
    fc.record({ delayMs: ms }),
    fc.record({ runAt: fc.integer({ min: NOW - 1e6, max: NOW + 1e6 }) }),
    fc.record({ runAt: fc.integer({ min: NOW - 1e6, max: NOW + 1e6 }).map((t) => new Date(t)) }),
  );
  return fc.tuple(defaultsArb(queue), schedule).map(([common, when]) => ({ ...common, ...when }));
}

/** The simple model: each field is the explicit option, else the task default, else the queue default. */
function model(
  queue: JobQueueConfig,
  task: unknown,
  o: JobOptions,
  d: TaskDefaults | undefined,
): Record<string, unknown> {
  const runAt = o.runAt instanceof Date ? o.runAt.getTime() : o.runAt;
  const runAtMs =
    o.delayMs !== undefined
      ? o.delayMs > 0
        ? NOW + o.delayMs
        : undefined
      : runAt !== undefined && runAt > NOW
        ? runAt
        : undefined;
  return {
    id: expect.any(String),
    queue: queue.name,
    task,
    priority: o.priority ?? d?.priority ?? queue.defaultPriority,
    maxRetries: o.maxRetries ?? d?.maxRetries ?? 3,
    retryDelayMs: o.retryDelayMs ?? d?.retryDelayMs ?? 100,
    timeoutMs: o.timeoutMs ?? d?.timeoutMs ?? 60_000,
    backoff: o.backoff ?? d?.backoff ?? { type: 'fixed' },
    attempts: 0,
    enqueuedAtMs: NOW,
    ...(runAtMs === undefined ? {} : { runAtMs }),
  };
}

// ---- arbitraries for broken input: [field value, path that must be named] ---------------------
function brokenArb(queue: JobQueueConfig): fc.Arbitrary<{ key: string; value: unknown; path: string }> {
  const notNumber = fc.oneof(fc.string(), fc.constant(null), fc.boolean(), fc.constant({}), fc.constant(NaN));
  const negative = fc.double({ max: -Number.MIN_VALUE, noNaN: true });
  const field = (key: string, value: fc.Arbitrary<unknown>, path = `options.${key}`) =>
    value.map((v) => ({ key, value: v, path }));
  return fc.oneof(
    field(
      'priority',
      fc.oneof(
        fc.string().filter((s) => !queue.priorities.includes(s)),
        fc.integer(),
        fc.constant(null),
      ),
    ),
    field(
      'maxRetries',
      fc.oneof(
        notNumber,
        fc.integer({ max: -1 }),
        fc.double({ min: 0.1, max: 1e6, noInteger: true }),
        fc.constant(Infinity),
      ),
    ),
    field('retryDelayMs', fc.oneof(notNumber, negative, fc.constant(Infinity))),
    field('timeoutMs', fc.oneof(notNumber, negative, fc.constant(-Infinity))),
    field('delayMs', fc.oneof(notNumber, negative, fc.constant(Infinity))),
    field('runAt', fc.oneof(fc.string(), negative, fc.constant(NaN), fc.constant(new Date(NaN)))),
    field('backoff', fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.constant([]))),
    field(
      'backoff',
      fc
        .string()
        .filter((t) => t !== 'fixed' && t !== 'exponential')
        .map((type) => ({ type })),
      'options.backoff.type',
    ),
    field(
      'backoff',
      negative.map((maxDelayMs) => ({ type: 'exponential', maxDelayMs })),
      'options.backoff.maxDelayMs',
    ),
    field(
      'backoff',
      fc
        .oneof(negative, fc.double({ min: 1.0000001, noNaN: true }))
        .map((jitter) => ({ type: 'exponential', jitter })),
      'options.backoff.jitter',
    ),
    field('backoff', fc.constant({ type: 'fixed', jitter: 0.5 }), 'options.backoff.jitter'),
    fc
      .string({ minLength: 1 })
      .filter((k) => !KNOWN.includes(k) && k !== '__proto__')
      .chain((key) => field(key, fc.anything(), `options.${key}`)),
  );
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('buildJob properties', () => {
  it('builds every valid input into the job the precedence model predicts', () => {
    const input = queueArb.chain((queue) =>
      fc.tuple(
        fc.constant(queue),
        fc.jsonValue(),
        optionsArb(queue),
        fc.option(defaultsArb(queue), { nil: undefined }),
      ),
    );
    fc.assert(
      fc.property(input, ([queue, task, options, defaults]) => {
        expect(buildJob(queue, task, options, defaults, NOW)).toEqual(model(queue, task, options, defaults));
      }),
    );
  });

  it('rejects one broken option among valid ones, naming exactly that field', () => {
    const input = queueArb.chain((queue) =>
      fc.tuple(fc.constant(queue), optionsArb(queue), brokenArb(queue)),
    );
    fc.assert(
      fc.property(input, ([queue, options, broken]) => {
        const error = errorOf(() =>
          buildJob(queue, 'task', { ...options, [broken.key]: broken.value }, undefined, NOW),
        );
        expect(error).toBeInstanceOf(InvalidOptionsError);
        expect((error as InvalidOptionsError).path).toBe(broken.path);
      }),
    );
  });

  it('rejects a non-JSON value anywhere in a task, naming its path', () => {
    const key = fc.oneof(fc.constantFrom('a', 'b_2', '$c'), fc.nat(3));
    const bad = fc.constantFrom<unknown>(
      NaN,
      Infinity,
      () => 1,
      Symbol('s'),
      1n,
      new Map(),
      new Date(0),
      new (class Foo {})(),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 5 }), bad, fc.jsonValue(), (keys, value, sibling) => {
        let task: unknown = value;
        for (let i = keys.length - 1; i >= 0; i--) {
          const k = keys[i] as string | number;
          if (typeof k === 'number') task = [...Array.from({ length: k }, () => sibling), task];
          else task = { [k]: task };
        }
        const path = keys.reduce<string>(
          (p, k) => (typeof k === 'number' ? `${p}[${k}]` : `${p}.${k}`),
          'task',
        );
        const error = errorOf(() =>
          buildJob(
            { name: 'q', priorities: ['p'], defaultPriority: 'p', serializes: false },
            task,
            undefined,
            undefined,
            NOW,
          ),
        );
        expect(error).toBeInstanceOf(InvalidOptionsError);
        expect((error as InvalidOptionsError).path).toBe(path);
      }),
    );
  });

  it('rejects a batch with one broken item, naming the item and field', () => {
    const input = queueArb.chain((queue) =>
      fc.tuple(
        fc.constant(queue),
        fc.array(optionsArb(queue), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        brokenArb(queue),
      ),
    );
    fc.assert(
      fc.property(input, ([queue, all, n, broken]) => {
        const index = n % all.length;
        const items = all.map((options, i) => ({
          task: i,
          options: i === index ? { ...options, [broken.key]: broken.value } : options,
        }));
        const error = errorOf(() => buildJobs(queue, items, undefined, NOW));
        expect((error as InvalidOptionsError).path).toBe(`items[${index}].${broken.path}`);
      }),
    );
  });
});
