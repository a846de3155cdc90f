import {
  appendFailedAttempt,
  historyProblem,
  MAX_ATTEMPT_HISTORY,
  MAX_HISTORY_MESSAGE_CHARS,
  type AttemptHistory,
} from '../../../src/jobs/attempt-history';

const error = { name: 'TypeError', message: 'boom', code: 'E_BOOM', stack: 'TypeError: boom\n    at x' };

describe('appendFailedAttempt', () => {
  it('starts a history with the failed attempt: name, message and code, no stack', () => {
    expect(appendFailedAttempt(undefined, 1, error, 5, 9)).toEqual({
      failed: [
        {
          attempt: 1,
          error: { name: 'TypeError', message: 'boom', code: 'E_BOOM' },
          startedAtMs: 5,
          finishedAtMs: 9,
        },
      ],
      dropped: 0,
    });
  });

  it('leaves code out when the error has none, and cuts a long message with an ellipsis', () => {
    const long = 'x'.repeat(MAX_HISTORY_MESSAGE_CHARS + 10);
    const [entry] = appendFailedAttempt(undefined, 1, { name: 'Error', message: long }, 0, 0).failed;
    expect(entry?.error).toEqual({ name: 'Error', message: `${'x'.repeat(MAX_HISTORY_MESSAGE_CHARS - 1)}…` });
  });

  it(`appends oldest first, keeps the last ${MAX_ATTEMPT_HISTORY} and counts the dropped ones`, () => {
    let history: AttemptHistory | undefined;
    for (let n = 1; n <= MAX_ATTEMPT_HISTORY + 3; n++) history = appendFailedAttempt(history, n, error, n, n);
    expect(history?.failed.map((f) => f.attempt)).toEqual(
      Array.from({ length: MAX_ATTEMPT_HISTORY }, (_, i) => i + 4),
    );
    expect(history?.dropped).toBe(3);
  });

  it('does not change the history it was given', () => {
    const first = appendFailedAttempt(undefined, 1, error, 0, 1);
    appendFailedAttempt(first, 2, error, 2, 3);
    expect(first.failed).toHaveLength(1);
  });
});

describe('historyProblem', () => {
  it('accepts what appendFailedAttempt makes', () => {
    expect(historyProblem(appendFailedAttempt(undefined, 1, error, 0, 1))).toBeUndefined();
  });

  it.each([
    ['a string', 'x', 'is not an object'],
    ['no dropped', { failed: [] }, 'has no numeric dropped'],
    ['no list', { dropped: 0 }, 'has no failed list'],
    ['a bad entry', { dropped: 0, failed: [1] }, 'has an entry that is not an object'],
    [
      'an entry without times',
      { dropped: 0, failed: [{ attempt: 1, error }] },
      'has an entry without numeric attempt, startedAtMs and finishedAtMs',
    ],
    [
      'an entry without an error',
      { dropped: 0, failed: [{ attempt: 2, startedAtMs: 0, finishedAtMs: 0, error: { name: 'E' } }] },
      'has attempt 2 without an error name and message',
    ],
  ])('names what is wrong with %s', (_, value, problem) => {
    expect(historyProblem(value)).toBe(problem);
  });
});
