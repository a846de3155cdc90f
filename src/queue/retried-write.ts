import type { Clock } from '../clock';
import { QuiError, toError } from '../errors';
import type { Job } from '../jobs/job';
import type { Logger } from '../logging';
import type { Awaitable, JobStore } from '../stores/job-store';

/**
 * Waits between the tries of a store write for a job already taken (a retry, a return, a
 * dead-letter copy, a record's end): 5 tries in all, about 3 s. What still fails is reported as
 * `job.lost` (a record's end: logged).
 */
export const STORE_RETRY_DELAYS_MS: readonly number[] = Object.freeze([50, 200, 800, 2_000]);

/** What a retried write needs from its ledger. @internal */
export interface WriteDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly queue: string;
  /** The store once open. */
  readonly store: () => JobStore | undefined;
  readonly open: () => Promise<JobStore>;
  /** Called once the write has settled, either way. */
  readonly done: () => void;
}

/**
 * Writes `job` to the store (or runs `run`, a record write) with bounded retries (see
 * {@link STORE_RETRY_DELAYS_MS}; `ERR_QUEUE_FULL` is not retried); exactly one of `stored` /
 * `failed` runs, then `deps.done`. @internal
 */
export function retriedWrite(
  deps: WriteDeps,
  job: Job,
  what: string,
  stored: (value: unknown) => void,
  failed: (error: Error) => void,
  run?: () => Awaitable<unknown>,
): void {
  const done = deps.done;
  const attempt = (store: JobStore, tryNo: number): void => {
    const retryOrFail = (thrown: unknown): void => {
      const error = toError(thrown);
      const delay = STORE_RETRY_DELAYS_MS[tryNo];
      const jobId = job.id;
      if (delay === undefined || (error instanceof QuiError && error.code === 'ERR_QUEUE_FULL')) {
        deps.log.error({ err: error, jobId, tries: tryNo + 1 }, `storing a ${what} failed for good`);
        failed(storeError(error, `storing the ${what} of job ${jobId} failed after ${tryNo + 1} tries`));
        return done();
      }
      deps.log.warn({ err: error, jobId, try: tryNo + 1 }, `storing a ${what} failed; retrying`);
      deps.clock.setTimeout(() => attempt(store, tryNo + 1), delay);
    };
    let written: Awaitable<unknown>;
    try {
      written = run ? run() : store.add(job, deps.clock.wallNow());
    } catch (thrown) {
      return retryOrFail(thrown);
    }
    const ok = (value: unknown): void => {
      stored(value);
      done();
    };
    if (isThenable(written)) Promise.resolve(written).then(ok, retryOrFail);
    else ok(written);
  };
  const open = deps.store();
  if (open) return attempt(open, 0);
  deps.open().then(
    (store) => attempt(store, 0),
    (thrown: unknown) => {
      failed(storeError(thrown, `opening the store of queue ${deps.queue} failed`));
      done();
    },
  );
}

/** A store's rejection as `ERR_STORE` with the original as `cause`; Qui's own errors pass as they are. */
export function storeError(thrown: unknown, message: string): QuiError {
  if (thrown instanceof QuiError) return thrown;
  return new QuiError('ERR_STORE', `${message}: ${toError(thrown).message}`, { cause: thrown });
}

export function isThenable<T>(value: Awaitable<T>): value is PromiseLike<T> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
