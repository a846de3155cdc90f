import { InvalidOptionsError, QuiError, UnrecoverableError } from '../../../src/errors';
import { asJobId } from '../../../src/ids';
import type { Backoff, Job } from '../../../src/jobs/job';
import { retryDelayMs, shouldRetry } from '../../../src/jobs/backoff';
import { jobFixture } from '../../helpers/job-fixture';

function job(fields: Partial<Job> = {}): Job {
  return jobFixture({ id: asJobId('j1'), task: null, ...fields });
}
const error = new Error('boom');
const never = (): number => {
  throw new Error('random must not be called');
};

describe('retryDelayMs', () => {
  it.each([0, 1, 5])('fixed waits retryDelayMs after %i attempts', (attempts) => {
    expect(retryDelayMs(job({ attempts, retryDelayMs: 250 }), error, never)).toBe(250);
  });

  it.each([
    [0, 100],
    [1, 200],
    [2, 400],
    [5, 3_200],
  ])('exponential doubles per attempt: after %i attempts it waits %i ms', (attempts, expected) => {
    expect(retryDelayMs(job({ attempts, backoff: { type: 'exponential' } }), error, never)).toBe(expected);
  });

  it('exponential stops at maxDelayMs', () => {
    const backoff: Backoff = { type: 'exponential', maxDelayMs: 1_000 };
    expect(retryDelayMs(job({ attempts: 3, backoff }), error, never)).toBe(800);
    expect(retryDelayMs(job({ attempts: 4, backoff }), error, never)).toBe(1_000);
    expect(retryDelayMs(job({ attempts: 2_000, backoff }), error, never)).toBe(1_000);
  });

  it('a zero base stays zero however many attempts', () => {
    expect(
      retryDelayMs(job({ attempts: 2_000, retryDelayMs: 0, backoff: { type: 'exponential' } }), error, never),
    ).toBe(0);
  });

  it.each([
    [0, 400],
    [0.5, 300],
    [0.999_999, 200.0002],
  ])('jitter 0.5 spreads the delay over [d/2, d]: random %p gives %p', (random, expected) => {
    const j = job({ attempts: 2, backoff: { type: 'exponential', jitter: 0.5 } });
    expect(retryDelayMs(j, error, () => random)).toBeCloseTo(expected, 6);
  });

  it('applies jitter after the cap', () => {
    const j = job({ attempts: 10, backoff: { type: 'exponential', maxDelayMs: 1_000, jitter: 1 } });
    expect(retryDelayMs(j, error, () => 0.25)).toBe(750);
  });

  it('passes attempt number, error and job to a function backoff and returns its value', () => {
    const fn = jest.fn((attempt: number) => attempt * 7);
    const j = job({ attempts: 2, backoff: fn });
    expect(retryDelayMs(j, error, never)).toBe(21);
    expect(fn).toHaveBeenCalledWith(3, error, j);
  });

  it.each([
    [-1, 'backoff: must return a finite number >= 0, got -1 for attempt 1'],
    [NaN, 'backoff: must return a finite number >= 0, got NaN for attempt 1'],
    [Infinity, 'backoff: must return a finite number >= 0, got Infinity for attempt 1'],
    ['100', 'backoff: must return a finite number >= 0, got string for attempt 1'],
    [undefined, 'backoff: must return a finite number >= 0, got undefined for attempt 1'],
  ])('rejects a function backoff returning %p', (value, message) => {
    const call = (): number => retryDelayMs(job({ backoff: () => value as number }), error, never);
    expect(call).toThrow(InvalidOptionsError);
    expect(call).toThrow(message);
  });

  it('wraps a throwing function backoff, keeping the cause', () => {
    const cause = new Error('bad backoff');
    let caught: unknown;
    try {
      retryDelayMs(
        job({
          attempts: 1,
          backoff: () => {
            throw cause;
          },
        }),
        error,
        never,
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidOptionsError);
    expect((caught as Error).message).toBe('backoff: threw for attempt 2');
    expect((caught as Error).cause).toBe(cause);
  });
});

describe('shouldRetry', () => {
  it.each([
    [0, 3, true],
    [2, 3, true],
    [3, 3, false],
    [0, 0, false],
  ])('after %i attempts with maxRetries %i it returns %p', (attempts, maxRetries, expected) => {
    expect(shouldRetry(job({ attempts, maxRetries }), error)).toBe(expected);
  });

  it.each([
    ['UnrecoverableError', new UnrecoverableError('stop')],
    ['a QuiError coded ERR_UNRECOVERABLE', new QuiError('ERR_UNRECOVERABLE', 'stop')],
    [
      'a foreign error coded ERR_UNRECOVERABLE',
      Object.assign(new Error('stop'), { code: 'ERR_UNRECOVERABLE' }),
    ],
  ])('never retries %s', (_name, e) => {
    expect(shouldRetry(job({ attempts: 0, maxRetries: 3 }), e)).toBe(false);
  });

  it('retries timeouts and other coded errors', () => {
    expect(shouldRetry(job(), new QuiError('ERR_TASK_TIMEOUT', 'slow'))).toBe(true);
  });
});
