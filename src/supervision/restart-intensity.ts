import type { Clock } from '../clock';
import { checkInteger, checkObject, join, type Fail } from '../validate';

/** At most `maxRestarts` restarts within any `withinMs` window. */
export interface Intensity {
  /** @defaultValue 3 */
  readonly maxRestarts: number;
  /** @defaultValue 5000 */
  readonly withinMs: number;
}

/** Elixir's defaults: 3 restarts within 5 seconds. */
export const DEFAULT_INTENSITY: Intensity = Object.freeze({ maxRestarts: 3, withinMs: 5_000 });

/**
 * Validates an `intensity` option and fills the fields left out from `defaults`; `undefined` gets
 * `defaults` whole. Both supervisors and queue pools use it, so one rule holds everywhere.
 * @throws the error `fail` makes, naming the field: `<path>.maxRestarts: must be an integer >= 0, got -1`.
 * @internal
 */
export function resolveIntensity(
  value: unknown,
  path: string,
  fail: Fail,
  defaults: Intensity = DEFAULT_INTENSITY,
): Intensity {
  if (value === undefined) return defaults;
  const obj = checkObject(value, path, ['maxRestarts', 'withinMs'], fail);
  // Only a missing field takes its default: `null` or `NaN` is a mistake to report.
  const maxRestarts = obj.maxRestarts === undefined ? defaults.maxRestarts : obj.maxRestarts;
  const withinMs = obj.withinMs === undefined ? defaults.withinMs : obj.withinMs;
  return Object.freeze({
    maxRestarts: checkInteger(maxRestarts, join(path, 'maxRestarts'), 0, fail),
    withinMs: checkInteger(withinMs, join(path, 'withinMs'), 1, fail),
  });
}

/** The verdict on one restart attempt. */
export type IntensityVerdict = 'ok' | 'exceeded';

/** A sliding window of restart times, as OTP's `add_restart`. */
export interface RestartWindow {
  /** Records a restart attempt now; `exceeded` means it is one too many and must not be performed. */
  record(): IntensityVerdict;
  /** Restarts currently inside the window. */
  count(): number;
}

/**
 * OTP's restart intensity: a pure sliding window (never reset on success). Each attempt is kept
 * with its time; those older than `withinMs` drop out (a restart exactly `withinMs` old still
 * counts); the attempt that makes the count exceed `maxRestarts` is refused.
 * Deviation from OTP: times are in milliseconds, not whole seconds.
 * @example
 * const w = restartWindow({ maxRestarts: 1, withinMs: 1000 }, clock);
 * w.record(); // 'ok'
 * w.record(); // 'exceeded'
 */
export function restartWindow(intensity: Intensity, clock: Clock): RestartWindow {
  // Oldest first; never longer than maxRestarts + 1, since one more means exceeded.
  const times: number[] = [];
  const prune = (now: number): void => {
    const threshold = now - intensity.withinMs;
    let drop = 0;
    while (drop < times.length && (times[drop] as number) < threshold) drop++;
    if (drop > 0) times.splice(0, drop);
  };
  return {
    record() {
      const now = clock.now();
      prune(now);
      times.push(now);
      if (times.length > intensity.maxRestarts) {
        if (times.length > intensity.maxRestarts + 1) times.shift();
        return 'exceeded';
      }
      return 'ok';
    },
    count() {
      prune(clock.now());
      return times.length;
    },
  };
}
