import type { Clock } from '../clock';
import { toError } from '../errors';
import type { Job } from '../jobs/job';
import { toJobError } from '../jobs/job-error';
import type { Logger } from '../logging';
import type { FinishBroadcast, JobRecords, RecordEnd } from '../stores/job-records';
import type { Awaitable } from '../stores/job-store';
import { isThenable } from './retried-write';
import { eventBroadcast, shareEvent, type SharedEvent, type SharedEventType } from './shared-events';

/** No `extra` for an end's event as it crosses. @internal */
export const NO_EXTRA: Partial<SharedEvent> = Object.freeze({});

/** The end of a job a caller took with `dequeue()`: completed, no result, no worker. @internal */
export const DEQUEUED_END: RecordEnd = Object.freeze({
  state: 'completed',
  result: undefined,
  error: undefined,
  worker: undefined,
  reason: 'dequeued',
});

/**
 * What ending a record needs from its ledger: built once per ledger (never per job), from the
 * ledger's deps and its retried write. @internal
 */
export interface EndDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** This process's id (the `origin` of what it broadcasts). */
  readonly processId: string | undefined;
  /** True when other processes share the store: ends cross to them. */
  readonly shared: boolean | undefined;
  /** Job `id`'s record reached an end state (`waitFor` looks again). */
  readonly ended: ((id: string) => void) | undefined;
  /**
   * The ledger's write with bounded retries (counted as pending until it settles): runs `run`,
   * then exactly one of `stored` / `failed`.
   */
  readonly persist: (
    job: Job,
    what: string,
    stored: (value: unknown) => void,
    failed: (error: Error) => void,
    run?: () => Awaitable<unknown>,
  ) => void;
}

/**
 * Ends a taken job's record in `records`; the event crosses to other processes once the write
 * applied (`extra`: its value, error or reason as they cross). A write that keeps failing is
 * logged. `settled` runs once the write applied or gave up. `nowMs`: the end time when the caller
 * read the clock already. @internal
 */
export function endRecord(
  deps: EndDeps,
  records: JobRecords,
  job: Job,
  end: RecordEnd,
  type: SharedEventType,
  extra: Partial<SharedEvent>,
  settled?: () => void,
  nowMs?: number,
): void {
  // A store that sends the event with the write (Redis: from its finish script) is handed it;
  // otherwise it is broadcast here once the write applied.
  const event: FinishBroadcast | undefined =
    deps.shared === true && records.finishAndBroadcast !== undefined
      ? eventBroadcast(deps.processId ?? '', type, endPayload(job, end, extra))
      : undefined;
  const sent = event !== undefined;
  // The memory store answers at once: no closures, no retry machinery on the hot path.
  let first: PromiseLike<boolean> | undefined;
  try {
    const written = writeEnd(records, job.id, end, nowMs ?? deps.clock.wallNow(), event);
    if (!isThenable(written)) {
      recordEnded(deps, records, job, end, type, extra, written, sent);
      return settled?.();
    }
    first = written;
  } catch {
    // retried below
  }
  // A store that answers with a promise: its first answer is this write's first try (calling
  // finish again would find the record already ended, and the event would never cross).
  deps.persist(
    job,
    `${end.state} record`,
    (applied) => {
      recordEnded(deps, records, job, end, type, extra, applied, sent);
      settled?.();
    },
    () => settled?.(),
    () => {
      const pending = first;
      first = undefined;
      return pending ?? writeEnd(records, job.id, end, deps.clock.wallNow(), event);
    },
  );
}

/**
 * Ends the record of entry `id`, which the store could not decode, `lost` (reason `decode`). One
 * try, not counted as pending: a failure is logged. @internal
 */
export function endUndecodable(deps: EndDeps, records: JobRecords, id: string, error: Error): void {
  const end: RecordEnd = { state: 'lost', reason: 'decode', error: toJobError(error), worker: undefined };
  try {
    void Promise.resolve(records.finish(id, end, deps.clock.wallNow())).catch((thrown: unknown) =>
      deps.log.error({ err: toError(thrown), jobId: id }, 'ending an undecodable record failed'),
    );
  } catch (thrown) {
    deps.log.error({ err: toError(thrown), jobId: id }, 'ending an undecodable record failed');
  }
}

/**
 * A record write applied (or not): `waitFor` looks again, and the event crosses to other
 * processes (`sent`: the store sent it with the write).
 */
function recordEnded(
  deps: EndDeps,
  records: JobRecords,
  job: Job,
  end: RecordEnd,
  type: SharedEventType,
  extra: Partial<SharedEvent>,
  applied: unknown,
  sent: boolean,
): void {
  deps.ended?.(job.id);
  if (!sent && applied !== false && deps.shared === true)
    shareEvent(records, deps.processId ?? '', deps.log, type, endPayload(job, end, extra));
}

/** A record end's event as it crosses to other processes (`extra`: its value, error or reason). */
function endPayload(job: Job, end: RecordEnd, extra: Partial<SharedEvent>): SharedEvent {
  return { job, worker: end.worker, attempts: job.attempts + 1, ...extra };
}

/** Ends record `id`: with `event`, through the store's `finishAndBroadcast`, which sends it with the write. */
function writeEnd(
  records: JobRecords,
  id: string,
  end: RecordEnd,
  nowMs: number,
  event: FinishBroadcast | undefined,
): Awaitable<boolean> {
  return event !== undefined && records.finishAndBroadcast !== undefined
    ? records.finishAndBroadcast(id, end, nowMs, event)
    : records.finish(id, end, nowMs);
}
