import { InvalidOptionsError, InvalidSpecError } from '../../../src/errors';
import { DEFAULT_RETENTION, resolveRetention } from '../../../src/jobs/job-retention';

const specFail = (path: string, problem: string) => new InvalidSpecError(path, problem);
const optionsFail = (path: string, problem: string) => new InvalidOptionsError(path, problem);

describe('resolveRetention', () => {
  it('gives the frozen defaults when nothing is said: completed 1 hour or 1,000, the others 7 days or 10,000', () => {
    const resolved = resolveRetention(undefined, 'retain', specFail);
    expect(resolved).toBe(DEFAULT_RETENTION);
    expect(DEFAULT_RETENTION).toEqual({
      completed: { maxAgeMs: 3_600_000, maxCount: 1_000 },
      dead: { maxAgeMs: 604_800_000, maxCount: 10_000 },
      lost: { maxAgeMs: 604_800_000, maxCount: 10_000 },
      cancelled: { maxAgeMs: 604_800_000, maxCount: 10_000 },
    });
    expect(Object.isFrozen(DEFAULT_RETENTION)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RETENTION.completed)).toBe(true);
  });

  it('gives false for retain: false (no records)', () => {
    expect(resolveRetention(false, 'retain', specFail)).toBe(false);
  });

  it('fills each field left out with its default, and freezes the result', () => {
    const resolved = resolveRetention(
      { completed: { maxCount: 5 }, dead: { maxAgeMs: Infinity }, lost: { maxAgeMs: 0, maxCount: 0 } },
      'retain',
      specFail,
    );
    expect(resolved).toEqual({
      completed: { maxAgeMs: 3_600_000, maxCount: 5 },
      dead: { maxAgeMs: Infinity, maxCount: 10_000 },
      lost: { maxAgeMs: 0, maxCount: 0 },
      cancelled: DEFAULT_RETENTION.cancelled,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(resolved && Object.isFrozen(resolved.completed)).toBe(true);
  });

  it('accepts an unlimited count', () => {
    const resolved = resolveRetention({ cancelled: { maxCount: Infinity } }, 'retain', specFail);
    expect(resolved && resolved.cancelled.maxCount).toBe(Infinity);
  });

  it.each([
    [true, 'retain', 'must be an object, got true'],
    [[], 'retain', 'must be an object, got an array'],
    [{ complete: {} }, 'retain.complete', 'is not a known option (known: completed, dead, lost, cancelled)'],
    [{ completed: 5 }, 'retain.completed', 'must be an object, got 5'],
    [{ dead: { age: 1 } }, 'retain.dead.age', 'is not a known option (known: maxAgeMs, maxCount)'],
    [{ dead: { maxAgeMs: -1 } }, 'retain.dead.maxAgeMs', 'must be a number >= 0 or Infinity, got -1'],
    [{ lost: { maxAgeMs: NaN } }, 'retain.lost.maxAgeMs', 'must be a number >= 0 or Infinity, got NaN'],
    [{ lost: { maxAgeMs: '1h' } }, 'retain.lost.maxAgeMs', 'must be a number >= 0 or Infinity, got "1h"'],
    [
      { completed: { maxCount: 1.5 } },
      'retain.completed.maxCount',
      'must be an integer >= 0 or Infinity, got 1.5',
    ],
    [
      { cancelled: { maxCount: -1 } },
      'retain.cancelled.maxCount',
      'must be an integer >= 0 or Infinity, got -1',
    ],
  ])('rejects %p, naming %s', (value, path, problem) => {
    const call = () => resolveRetention(value, 'retain', specFail);
    expect(call).toThrow(InvalidSpecError);
    expect(call).toThrow(expect.objectContaining({ path, problem, code: 'ERR_INVALID_SPEC' }));
  });

  it('throws the error its caller chose, with the path it gave', () => {
    const call = () => resolveRetention({ dead: { maxCount: -2 } }, 'queues[0].retain', optionsFail);
    expect(call).toThrow(InvalidOptionsError);
    expect(call).toThrow('queues[0].retain.dead.maxCount: must be an integer >= 0 or Infinity, got -2');
  });
});

describe('resolveRetention defaults', () => {
  it('names retain and throws InvalidSpecError when no path or fail is given', () => {
    expect(() => resolveRetention({ lost: 3 })).toThrow(InvalidSpecError);
    expect(() => resolveRetention({ lost: 3 })).toThrow('retain.lost: must be an object, got 3');
  });
});
