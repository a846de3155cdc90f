import { QuiError } from '../../../src/errors';
import { MAX_ERROR_MESSAGE_CHARS, MAX_STACK_CHARS, toJobError } from '../../../src/jobs/job-error';

describe('toJobError', () => {
  it('keeps the name, message, code and stack of a QuiError', () => {
    const error = new QuiError('ERR_TASK_TIMEOUT', 'timed out');
    expect(toJobError(error)).toEqual({
      name: 'QuiError',
      message: 'timed out',
      code: 'ERR_TASK_TIMEOUT',
      stack: error.stack,
    });
  });

  it('keeps the string code of another error, and leaves out a code that is not a string', () => {
    const net = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    expect(toJobError(net).code).toBe('ECONNRESET');
    const numeric = Object.assign(new TypeError('bad'), { code: 42 });
    expect(toJobError(numeric)).not.toHaveProperty('code');
    expect(toJobError(numeric).name).toBe('TypeError');
  });

  it.each([
    ['a string', 'boom', 'boom'],
    ['an object', { why: 'x' }, '{"why":"x"}'],
    ['undefined', undefined, 'undefined'],
    ['a bigint', 5n, '5'],
  ])('turns %s thrown into an Error-named record', (_what, thrown, message) => {
    expect(toJobError(thrown)).toEqual({ name: 'Error', message });
  });

  it('cuts the stack to MAX_STACK_CHARS and the message to MAX_ERROR_MESSAGE_CHARS, ending with …', () => {
    const error = new Error('m'.repeat(MAX_ERROR_MESSAGE_CHARS + 10));
    error.stack = 's'.repeat(MAX_STACK_CHARS * 3);
    const kept = toJobError(error);
    expect(kept.stack).toHaveLength(MAX_STACK_CHARS);
    expect(kept.stack?.endsWith('…')).toBe(true);
    expect(kept.message).toHaveLength(MAX_ERROR_MESSAGE_CHARS);
  });

  it('is plain JSON: it round-trips through JSON.stringify', () => {
    const kept = toJobError(Object.assign(new Error('x'), { code: 'E1' }));
    expect(JSON.parse(JSON.stringify(kept))).toEqual(kept);
  });
});
