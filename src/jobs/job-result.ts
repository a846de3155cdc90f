/**
 * What a processor returns for one attempt: `{ ok: true, value? }` completes the job,
 * `{ ok: false, error }` fails the attempt (and the job is retried if it has retries left).
 * Build them with {@link ok} and {@link err}; anything else returned by a processor is a
 * non-conforming result (see `startAttempt`).
 */
export type JobResult<T = unknown> =
  { readonly ok: true; readonly value?: T } | { readonly ok: false; readonly error: Error };

/**
 * A successful result, optionally carrying a value.
 * @example
 * const processor: Processor = async (job) => ok(await render(job.task));
 */
export function ok<T = undefined>(value?: T): JobResult<T> {
  return value === undefined ? { ok: true } : { ok: true, value };
}

/**
 * A failed result. `error` must be an `Error` instance; wrap other thrown values with `toError`.
 * @example
 * if (!user) return err(new UnrecoverableError('no such user'));
 */
export function err(error: Error): JobResult<never> {
  return { ok: false, error };
}

/**
 * True when `value` is exactly a {@link JobResult}: a plain object with `ok: true` and at most a
 * `value` key besides, or with `ok: false` and an `error` that is an `Error` instance, and no other key.
 * `{ ok: false, error: 'text' }`, `{ ok: 1 }` and `{ ok: true, data: 1 }` are not results.
 */
export function isJobResult(value: unknown): value is JobResult {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const result = value as { ok?: unknown; value?: unknown; error?: unknown };
  // Count keys without allocating (Object.keys would): this runs once per job.
  let keys = 0;
  for (const key in result) {
    keys++;
    if (key !== 'ok' && key !== (result.ok === false ? 'error' : 'value')) return false;
  }
  if (result.ok === true) return keys <= 2;
  return result.ok === false && keys === 2 && result.error instanceof Error;
}
