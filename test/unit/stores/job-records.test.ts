import { InvalidOptionsError } from '../../../src/errors';
import { checkRecordQuery, MAX_PAGE_LIMIT, zeroCounts } from '../../../src/stores/job-records';
import { JOB_STATES } from '../../../src/jobs/job-record';

describe('checkRecordQuery', () => {
  it('accepts a state, a limit and an optional cursor', () => {
    expect(checkRecordQuery({ state: 'dead', limit: 20 })).toEqual({ state: 'dead', limit: 20 });
    expect(checkRecordQuery({ state: 'waiting', limit: MAX_PAGE_LIMIT, cursor: '7' }).cursor).toBe('7');
  });

  it.each([
    [undefined, 'options', /must be an object/],
    [{ state: 'done', limit: 1 }, 'state', /must be one of 'waiting', 'delayed', 'active', 'failed'/],
    [{ limit: 1 }, 'state', /got undefined/],
    [{ state: 'dead', limit: 0 }, 'limit', /must be an integer >= 1, got 0/],
    [{ state: 'dead', limit: 2.5 }, 'limit', /must be an integer >= 1/],
    [{ state: 'dead', limit: MAX_PAGE_LIMIT + 1 }, 'limit', /must be at most 1000, got 1001/],
    [{ state: 'dead', limit: 1, cursor: '' }, 'cursor', /must be a cursor a previous page returned/],
    [{ state: 'dead', limit: 1, cursor: 5 }, 'cursor', /must be a cursor a previous page returned, got 5/],
    [{ state: 'dead', limit: 1, after: 'x' }, 'after', /is not a known option/],
  ])('rejects %p, naming %s', (query, path, message) => {
    const call = () => checkRecordQuery(query);
    expect(call).toThrow(InvalidOptionsError);
    expect(call).toThrow(message);
    expect(call).toThrow(expect.objectContaining({ path }));
  });
});

describe('zeroCounts', () => {
  it('has every state at 0', () => {
    expect(Object.keys(zeroCounts()).sort()).toEqual([...JOB_STATES].sort());
    expect(Object.values(zeroCounts()).every((n) => n === 0)).toBe(true);
  });
});
