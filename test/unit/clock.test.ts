import { systemClock } from '../../src/clock';

describe('systemClock', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('waits the whole of a delay longer than Node timers take (2^31 - 1 ms)', () => {
    const fn = jest.fn();
    systemClock.setTimeout(fn, 3_000_000_000);
    jest.advanceTimersByTime(2_147_483_647);
    expect(fn).not.toHaveBeenCalled();
    jest.advanceTimersByTime(3_000_000_000 - 2_147_483_647);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('clears a long timer at any step', () => {
    const fn = jest.fn();
    const handle = systemClock.setTimeout(fn, 3_000_000_000);
    jest.advanceTimersByTime(2_147_483_648);
    systemClock.clearTimeout(handle);
    jest.advanceTimersByTime(3_000_000_000);
    expect(fn).not.toHaveBeenCalled();
  });
});
