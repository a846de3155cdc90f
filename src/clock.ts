/** The source of time for everything time-dependent; tests inject a manual one. */
export interface Clock {
  /** Milliseconds on a monotonic scale (not wall time). */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for timestamps people read. */
  wallNow(): number;
  /**
   * Optional: a time no `wallNow()` read so far has passed, known without reading the clock: at
   * least every value `wallNow()` has returned (the latest of them, or the clock's current time).
   * With it, a memory queue takes a worker's next job at the time the worker's last attempt ended
   * with, while no later time has been read: one clock read per job instead of two. Without it,
   * the queue reads the clock for every take. A clock that wraps another's `wallNow` (an offset,
   * say) must answer for its own times or leave this out: `systemClock`'s is not copied by a
   * spread (`{ ...systemClock, wallNow }`).
   */
  latestWallMs?(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** An opaque timer handle. */
export type TimerHandle = { readonly __timer: true } | NodeJS.Timeout;

/** The latest time {@link systemClock}'s `wallNow` returned in this process. */
let systemLatestWallMs = -Infinity;

/** The real clock: `performance.now()` and Node's timers. */
export const systemClock: Clock = Object.freeze(
  withLatestWallMs({
    now: () => performance.now(),
    wallNow: () => {
      const ms = Date.now();
      if (ms > systemLatestWallMs) systemLatestWallMs = ms;
      return ms;
    },
    setTimeout: (fn: () => void, ms: number): TimerHandle => {
      if (ms <= MAX_TIMER_MS) return setTimeout(fn, ms);
      // Node fires longer delays at once: wait in steps of the longest delay it takes.
      const long: LongTimer = { __timer: true, current: undefined };
      const step = (left: number): void => {
        long.current = setTimeout(
          left > MAX_TIMER_MS ? () => step(left - MAX_TIMER_MS) : fn,
          Math.min(left, MAX_TIMER_MS),
        );
      };
      step(ms);
      return long;
    },
    clearTimeout: (handle: TimerHandle) => {
      const long = handle as Partial<LongTimer>;
      clearTimeout((long.current ?? handle) as NodeJS.Timeout);
    },
  }),
);

/**
 * `latestWallMs` as a non-enumerable property: a clock made by spreading systemClock with a
 * `wallNow` of its own does not inherit an answer about times it never returned.
 */
function withLatestWallMs(clock: Omit<Clock, 'latestWallMs'>): Clock {
  return Object.defineProperty(clock, 'latestWallMs', { value: () => systemLatestWallMs, enumerable: false });
}

const MAX_TIMER_MS = 2_147_483_647;
interface LongTimer {
  readonly __timer: true;
  current: NodeJS.Timeout | undefined;
}

interface PendingTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * A clock whose time moves only when `advance` is called: timers due by then fire in order.
 * @example
 * const clock = new ManualClock(); clock.setTimeout(fn, 100); clock.advance(100); // fn ran
 */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, PendingTimer>();

  constructor(startMs = 0) {
    this.time = startMs;
  }
  now(): number {
    return this.time;
  }
  wallNow(): number {
    return 1_700_000_000_000 + this.time;
  }
  /**
   * Its current time, which no read has passed (computed, not read: a subclass counting its
   * `wallNow` reads does not count this; one that changes what `wallNow` returns must override it).
   */
  latestWallMs(): number {
    return 1_700_000_000_000 + this.time;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.time + Math.max(0, ms), fn });
    return { __timer: true, id } as unknown as TimerHandle;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete((handle as unknown as { id: number }).id);
  }
  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.size;
  }
  /** Moves time forward by `ms`, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this.timers.values()) if (t.at <= target && (!next || t.at < next.at)) next = t;
      if (!next) break;
      this.timers.delete(next.id);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = target;
  }
}
