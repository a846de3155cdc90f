import { InvalidOptionsError, QuiError, UnrecoverableError } from '../errors';
import type { Job } from './job';

/**
 * The delay in ms before the job's next retry, attempt number `job.attempts + 1` (1 for the
 * first retry). `fixed`: `retryDelayMs` every time. `exponential`: `retryDelayMs * 2^(attempt-1)`,
 * capped by `maxDelayMs`, then with jitter `j` drawn uniformly from `[d * (1 - j), d]` using
 * `random` (which returns [0, 1), like `Math.random`). A function backoff: its return value.
 * Pure: the same job, error and random source give the same delay.
 * Without `maxDelayMs` an exponential delay grows without bound; set a cap for long retry chains.
 * @throws {InvalidOptionsError} with path `backoff` when a function backoff throws (kept as `cause`)
 *   or returns anything but a finite number >= 0.
 * @example
 * retryDelayMs({ ...job, retryDelayMs: 100, backoff: { type: 'exponential' }, attempts: 2 }, error, Math.random); // 400
 */
export function retryDelayMs(job: Job, error: Error, random: () => number): number {
  const attempt = job.attempts + 1;
  const backoff = job.backoff;
  if (typeof backoff === 'function') {
    let delay: unknown;
    try {
      delay = backoff(attempt, error, job);
    } catch (thrown) {
      const failure = new InvalidOptionsError('backoff', `threw for attempt ${attempt}`);
      // InvalidOptionsError's constructor takes no cause; attach it the standard way.
      Object.defineProperty(failure, 'cause', { value: thrown, configurable: true, writable: true });
      throw failure;
    }
    if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) {
      const got = typeof delay === 'number' ? String(delay) : typeof delay;
      throw new InvalidOptionsError(
        'backoff',
        `must return a finite number >= 0, got ${got} for attempt ${attempt}`,
      );
    }
    return delay;
  }
  if (backoff.type === 'fixed') return job.retryDelayMs;
  // A zero base stays zero (and avoids 0 * Infinity = NaN once 2^n overflows).
  let delay = job.retryDelayMs === 0 ? 0 : job.retryDelayMs * 2 ** (attempt - 1);
  if (backoff.maxDelayMs !== undefined && delay > backoff.maxDelayMs) delay = backoff.maxDelayMs;
  const jitter = backoff.jitter ?? 0;
  if (jitter > 0) delay -= delay * jitter * random();
  return delay;
}

/**
 * True when a failed job gets another attempt: it has retries left (`attempts < maxRetries`) and
 * the error is not unrecoverable. Unrecoverable means an `UnrecoverableError`, or any error whose
 * `code` is `'ERR_UNRECOVERABLE'` (so a second copy of the library, or a plain `QuiError`, counts too).
 * @example
 * shouldRetry({ ...job, attempts: 0, maxRetries: 3 }, new Error('flaky')); // true
 */
export function shouldRetry(job: Job, error: Error): boolean {
  if (job.attempts >= job.maxRetries) return false;
  if (error instanceof UnrecoverableError) return false;
  return (error as Partial<QuiError>).code !== 'ERR_UNRECOVERABLE';
}
