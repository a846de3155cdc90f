import { QuiError, toError, type ErrorCode } from '../errors';
import type { JobLostReason, QuiEvents } from '../events';
import type { Job } from '../jobs/job';
import { toJobError, type JobError } from '../jobs/job-error';
import type { Logger } from '../logging';
import type { FinishBroadcast, JobRecords } from '../stores/job-records';
import { jobRecord, type JobRecord } from '../jobs/job-record';

/** The lifecycle events that cross processes on a shared store. */
export type SharedEventType =
  | 'job.completed'
  | 'job.failed'
  | 'job.dead'
  | 'job.lost'
  | 'job.cancelled'
  | 'job.progress'
  /** A caller took the job with `dequeue()`: its record ended (`waitFor` elsewhere looks); no local event stands for it. */
  | 'job.dequeued';

/**
 * A lifecycle event as it crosses processes (the `payload` of a `job.event` broadcast): JSON
 * only. Errors travel as {@link JobError}, values as JSON text, the job as a `Job` (JSON has no
 * `Infinity`: a `timeoutMs` of `null` means none). @internal
 */
export interface SharedEvent {
  readonly job: Job;
  readonly worker?: string | undefined;
  /** JSON text of the completed value or the progress value. */
  readonly value?: string | undefined;
  readonly error?: JobError | undefined;
  readonly attempts?: number;
  readonly reason?: SharedLostReason | string | undefined;
}

/** The shared events that stand for a local event of the receiving system. */
type LocalEventType = Exclude<SharedEventType, 'job.dequeued'>;

/** A {@link JobLostReason} as it crosses: its error as a JobError. @internal */
export type SharedLostReason = {
  readonly type: string;
  readonly processId?: string | undefined;
  readonly error?: JobError;
};

/** The JSON-safe twin of a lost reason. @internal */
export function shareLostReason(reason: JobLostReason): SharedLostReason {
  const r = reason as { type: string; error?: unknown; processId?: string | undefined };
  const out: { type: string; processId?: string | undefined; error?: JobError } = { type: r.type };
  if (r.processId !== undefined) out.processId = r.processId;
  if (r.error !== undefined) out.error = toJobError(r.error);
  return out;
}

/** A lost reason as a record keeps it: `killed`, `error: <message>`, `store: <message>`, `process-gone`. @internal */
export function lostReasonText(reason: JobLostReason): string {
  const r = reason as { type: string; error?: unknown };
  return r.error instanceof Error ? `${r.type}: ${r.error.message}` : r.type;
}

/** Rebuilds an Error from a JobError that crossed processes: name, message, code and stack kept. @internal */
export function reviveJobError(e: JobError | undefined): Error {
  const error: Error =
    e?.code !== undefined && e.code.startsWith('ERR_')
      ? new QuiError(e.code as ErrorCode, e.message)
      : new Error(e?.message ?? 'unknown error');
  if (e?.code !== undefined && !(error instanceof QuiError))
    (error as Error & { code: string }).code = e.code;
  if (e?.name !== undefined) error.name = e.name;
  if (e?.stack !== undefined) error.stack = e.stack;
  return error;
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A job that crossed as JSON, made whole again (`timeoutMs: null` is `Infinity`). */
function reviveJob(job: Job): Job {
  if ((job.timeoutMs as number | null) !== null) return job;
  return Object.freeze({ ...job, timeoutMs: Infinity });
}

/**
 * A shared event received from process `origin`, as the local event it stands for; `undefined`
 * for one this version does not know (a newer peer). @internal
 */
export function fromShared(
  type: string,
  raw: unknown,
  origin: string,
): { [K in LocalEventType]: { type: K; event: QuiEvents[K] } }[LocalEventType] | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const p = raw as SharedEvent;
  if (typeof p.job !== 'object' || p.job === null) return undefined;
  const job = reviveJob(p.job);
  const worker = p.worker ?? '';
  switch (type) {
    case 'job.completed':
      return { type, event: { job, value: parse(p.value), worker, origin } };
    case 'job.failed':
      return { type, event: { job, error: reviveJobError(p.error), worker, origin } };
    case 'job.dead':
      return {
        type,
        event: { job, error: reviveJobError(p.error), attempts: p.attempts ?? job.attempts + 1, origin },
      };
    case 'job.cancelled':
      return {
        type,
        event: { job, reason: typeof p.reason === 'string' ? p.reason : undefined, worker: p.worker, origin },
      };
    case 'job.progress':
      return { type, event: { job, progress: parse(p.value), worker, origin } };
    case 'job.lost': {
      const r = typeof p.reason === 'object' && p.reason !== null ? p.reason : { type: 'store' };
      const reason = (
        r.type === 'process-gone'
          ? { type: 'process-gone', processId: r.processId }
          : r.error !== undefined
            ? { type: r.type, error: reviveJobError(r.error) }
            : { type: r.type }
      ) as JobLostReason;
      return { type, event: { job, reason, worker: p.worker, origin } };
    }
    default:
      return undefined;
  }
}

/**
 * The job a record stands for (events carry jobs). `running`: the record is of an attempt that
 * started (active, or ended while active), so `job.attempts` counts the attempts before it.
 * A function backoff (memory store only) shows as the fixed one. @internal
 */
export function jobOfRecord(record: JobRecord, running: boolean): Job {
  const o = record.options;
  const job: { -readonly [K in keyof Job]: Job[K] } = {
    id: record.id,
    queue: record.queue,
    task: record.task,
    priority: record.priority,
    maxRetries: o.maxRetries,
    retryDelayMs: o.retryDelayMs,
    backoff: o.backoff.type === 'function' ? { type: 'fixed' } : o.backoff,
    timeoutMs: o.timeoutMs,
    attempts: running ? Math.max(0, record.attempts - 1) : record.attempts,
    enqueuedAtMs: record.enqueuedAtMs,
  };
  if (record.runAtMs !== undefined) job.runAtMs = record.runAtMs;
  if (record.deadLetterOf !== undefined) job.deadLetterOf = record.deadLetterOf;
  if (record.trace !== undefined) job.trace = record.trace;
  if (record.history !== undefined) job.history = record.history;
  return Object.freeze(job);
}

/** The `waiting` record of a job just stored in a queue that keeps no records (what `retryJob` answers). @internal */
export function waitingRecord(job: Job): JobRecord {
  return jobRecord(job, {
    state: 'waiting',
    attempts: job.attempts,
    startedAtMs: undefined,
    finishedAtMs: undefined,
    error: undefined,
    result: undefined,
    progress: undefined,
    processId: undefined,
    worker: undefined,
    reason: undefined,
  });
}

/** The broadcast that carries lifecycle event `type` to the processes sharing the store. @internal */
export function eventBroadcast(origin: string, type: SharedEventType, payload: SharedEvent): FinishBroadcast {
  return { type: 'job.event', origin, event: type, payload };
}

/** Broadcasts a lifecycle event to the processes sharing the store: at most once, a failure logged at debug. @internal */
export function shareEvent(
  records: JobRecords,
  origin: string,
  log: Logger,
  type: SharedEventType,
  payload: SharedEvent,
): void {
  const failed = (thrown: unknown): void =>
    log.debug({ err: toError(thrown), event: type }, 'broadcasting an event failed');
  try {
    const sent = records.broadcast(eventBroadcast(origin, type, payload));
    if (typeof (sent as { then?: unknown } | undefined)?.then === 'function')
      (sent as PromiseLike<void>).then(undefined, failed);
  } catch (thrown) {
    failed(thrown);
  }
}
