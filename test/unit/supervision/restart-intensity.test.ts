import { ManualClock } from '../../../src/clock';
import { restartWindow } from '../../../src/supervision/restart-intensity';

describe('restartWindow', () => {
  it('refuses the (maxRestarts + 1)-th restart inside the window', () => {
    const w = restartWindow({ maxRestarts: 2, withinMs: 1000 }, new ManualClock());
    expect([w.record(), w.record(), w.record()]).toEqual(['ok', 'ok', 'exceeded']);
  });

  it('refuses the very first restart when maxRestarts is 0', () => {
    const w = restartWindow({ maxRestarts: 0, withinMs: 1000 }, new ManualClock());
    expect(w.record()).toBe('exceeded');
  });

  it('still counts a restart exactly withinMs old (inclusive boundary)', () => {
    const clock = new ManualClock();
    const w = restartWindow({ maxRestarts: 1, withinMs: 1000 }, clock);
    expect(w.record()).toBe('ok');
    clock.advance(1000);
    expect(w.record()).toBe('exceeded');
  });

  it('forgets a restart one millisecond older than the window', () => {
    const clock = new ManualClock();
    const w = restartWindow({ maxRestarts: 1, withinMs: 1000 }, clock);
    expect(w.record()).toBe('ok');
    clock.advance(1001);
    expect(w.record()).toBe('ok');
    expect(w.count()).toBe(1);
  });

  it('slides rather than resets: old restarts drop out one by one', () => {
    const clock = new ManualClock();
    const w = restartWindow({ maxRestarts: 3, withinMs: 1000 }, clock);
    w.record(); // t=0
    clock.advance(400);
    w.record(); // t=400
    clock.advance(400);
    w.record(); // t=800
    clock.advance(201); // t=1001: the restart at 0 has left, those at 400 and 800 remain
    expect(w.count()).toBe(2);
    expect(w.record()).toBe('ok'); // 400, 800, 1001
    expect(w.record()).toBe('exceeded'); // a reset counter (Akka's withLimit) would have said ok
  });
});
