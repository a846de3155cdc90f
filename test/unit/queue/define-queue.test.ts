import { InvalidSpecError } from '../../../src/errors';
import { defineQueue, queueOfSpec } from '../../../src/queue/define-queue';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { ok } from '../../../src/jobs/job-result';
import { memoryStore } from '../../../src/stores/memory-store';
import { defineTask } from '../../../src/tasks/define-task';

const processor = () => ok();
const task = defineTask({ name: 't', perform: () => ok() });

describe('defineQueue', () => {
  it('builds a rest-for-one subtree: the queue actor under the queue name, then a pool of count workers', () => {
    const spec = defineQueue({ name: 'emails', workers: { count: 3, processor } });
    expect(spec).toMatchObject({ kind: 'supervisor', id: 'emails', strategy: 'rest-for-one' });
    expect(spec.children[0]).toMatchObject({ kind: 'actor', id: 'queue', name: 'emails' });
    expect(spec.children[1]).toMatchObject({
      kind: 'dynamic-supervisor',
      id: 'workers',
      name: 'emails.workers',
    });
    expect((spec.children[1] as unknown as { children: unknown[] }).children).toHaveLength(3);
    expect(Object.isFrozen(spec)).toBe(true);
  });

  it('has no pool without workers: the queue is used directly', () => {
    expect(defineQueue({ name: 'bare' }).children).toHaveLength(1);
  });

  it('defaults the pool intensity to max(3, count) restarts within 5 s', () => {
    const pool = defineQueue({ name: 'big', workers: { count: 40, processor } }).children[1];
    expect(pool).toMatchObject({ intensity: { maxRestarts: 40, withinMs: 5_000 } });
  });

  it.each([
    [{ maxRestarts: 3 }, { maxRestarts: 3, withinMs: 5_000 }],
    [{ withinMs: 1_000 }, { maxRestarts: 40, withinMs: 1_000 }],
    [{}, { maxRestarts: 40, withinMs: 5_000 }],
    [
      { maxRestarts: 0, withinMs: 1 },
      { maxRestarts: 0, withinMs: 1 },
    ],
  ])('fills a partial pool intensity %p with the defaults: %p', (intensity, expected) => {
    const pool = defineQueue({ name: 'big', workers: { count: 40, processor, intensity } }).children[1];
    expect((pool as { intensity: unknown }).intensity).toEqual(expected);
  });

  it.each([
    ['lots', 'workers.intensity', /must be an object, got "lots"/],
    [null, 'workers.intensity', /must be an object, got null/],
    [3, 'workers.intensity', /must be an object, got 3/],
    [{ maxRestarts: -1 }, 'workers.intensity.maxRestarts', /integer >= 0, got -1/],
    [{ maxRestarts: 'lots' }, 'workers.intensity.maxRestarts', /integer >= 0, got "lots"/],
    [{ maxRestarts: NaN }, 'workers.intensity.maxRestarts', /integer >= 0, got NaN/],
    [{ maxRestarts: 1.5 }, 'workers.intensity.maxRestarts', /integer >= 0, got 1.5/],
    [{ maxRestarts: Infinity }, 'workers.intensity.maxRestarts', /integer >= 0, got Infinity/],
    [{ maxRestarts: null }, 'workers.intensity.maxRestarts', /integer >= 0, got null/],
    [{ withinMs: 0 }, 'workers.intensity.withinMs', /integer >= 1, got 0/],
    [{ withinMs: -1 }, 'workers.intensity.withinMs', /integer >= 1, got -1/],
    [{ withinMs: 'lots' }, 'workers.intensity.withinMs', /integer >= 1, got "lots"/],
    [{ withinMs: NaN }, 'workers.intensity.withinMs', /integer >= 1, got NaN/],
    [{ maxRestarts: 3, within: 10 }, 'workers.intensity.within', /is not a known option/],
  ])('rejects workers.intensity %p naming %s', (intensity, path, message) => {
    let error: unknown;
    try {
      defineQueue({ name: 'q', workers: { count: 2, processor, intensity: intensity as never } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_SPEC', path });
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    [{}, 'name', /must be a non-empty string/],
    [{ name: 'q', prioirities: ['a'] }, 'prioirities', /is not a known option/],
    [{ name: 'q', priorities: [] }, 'priorities', /non-empty array/],
    [{ name: 'q', priorities: ['a', 'a'] }, 'priorities[1]', /duplicate priority "a"/],
    [{ name: 'q', priorities: ['a', ''] }, 'priorities[1]', /non-empty string/],
    [{ name: 'q', workers: { count: 0, processor } }, 'workers.count', /integer >= 1, got 0/],
    [{ name: 'q', workers: { count: 1.5, processor } }, 'workers.count', /integer >= 1/],
    [{ name: 'q', workers: { count: 2 } }, 'workers.processor', /required when the queue has no tasks/],
    [{ name: 'q', workers: { count: 2, processor: 'fn' } }, 'workers.processor', /must be a function/],
    [
      { name: 'q', workers: { count: 2, processor, shutdown: -1 } },
      'workers.shutdown',
      /integer number of ms >= 0/,
    ],
    [{ name: 'q', workers: { count: 2, processor, conut: 3 } }, 'workers.conut', /is not a known option/],
    [{ name: 'q', maxSize: 0 }, 'maxSize', /integer >= 1/],
    [{ name: 'q', deadLetter: 'q' }, 'deadLetter', /another queue/],
    [{ name: 'q', store: {} }, 'store', /store factory/],
    [{ name: 'q', defaults: { priority: 'urgent' } }, 'defaults.priority', /must be one of high, low/],
    [{ name: 'q', defaults: { maxRetries: -1 } }, 'defaults.maxRetries', /./],
    [{ name: 'q', tasks: [task, task] }, 'tasks[1].name', /already registered/],
    [{ name: 'q', retain: true }, 'retain', /./],
    [{ name: 'q', retain: { dead: { maxAgeMs: -1 } } }, 'retain.dead.maxAgeMs', />= 0/],
    [{ name: 'q', onLost: 'requeue' }, 'onLost', /'lose' or 'retry', got "requeue"/],
    [{ name: 'q', lease: { heartbeatMs: 5 } }, 'lease.heartbeatMs', /integer >= 10, got 5/],
    [{ name: 'q', lease: { hearbeatMs: 500 } }, 'lease.hearbeatMs', /is not a known option/],
  ])('rejects %p naming %s', (options, path, message) => {
    let error: unknown;
    try {
      defineQueue(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_SPEC', path });
    expect((error as Error).message).toMatch(message);
  });

  it('keeps records by default (DEFAULT_RETENTION), at-most-once on lost jobs, a 5 s heartbeat', () => {
    const resolved = queueOfSpec(defineQueue({ name: 'q' }));
    expect(resolved).toMatchObject({ retain: DEFAULT_RETENTION, onLost: 'lose', heartbeatMs: 5_000 });
    expect(queueOfSpec(defineQueue({ name: 'q', retain: false }))?.retain).toBe(false);
  });

  it('takes processTask over its tasks when no processor is given', () => {
    expect(() => defineQueue({ name: 'q', tasks: [task], workers: { count: 1 } })).not.toThrow();
  });

  it('accepts a store factory and keeps one spec usable by many systems', () => {
    const spec = defineQueue({ name: 'q', store: memoryStore() });
    expect(spec.children[0]).toMatchObject({ name: 'q' });
  });
});
