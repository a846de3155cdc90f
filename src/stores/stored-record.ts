/**
 * How the stores that serialize (SQLite, Redis) turn what they hold of a record into a
 * {@link JobRecord}, even when part of it cannot be read: one record with a corrupt body must not
 * break `getJob`, a page of `getJobs`, a reap or a cancel. @internal
 */
import { historyProblem, type AttemptHistory } from '../jobs/attempt-history';
import type { Job } from '../jobs/job';
import type { JobError } from '../jobs/job-error';
import { jobRecord, type JobRecord, type JobState, type RecordFields } from '../jobs/job-record';
import { decodeJob } from './job-codec';

/** What a store holds of one record, as text where it keeps JSON. @internal */
export interface StoredRecord {
  /** The id the record is kept under (its key or row), not the body's. */
  readonly id: string;
  /** The queue the store serves. */
  readonly queue: string;
  /** The job as stored (JSON of `encodeJob`). */
  readonly body: string | undefined;
  readonly state: JobState;
  readonly attempts: number;
  readonly startedAtMs: number | undefined;
  readonly finishedAtMs: number | undefined;
  readonly error: string | undefined;
  readonly result: string | undefined;
  readonly progress: string | undefined;
  readonly processId: string | undefined;
  readonly worker: string | undefined;
  readonly reason: string | undefined;
}

/**
 * The record `stored` stands for, as a frozen snapshot. What cannot be decoded does not throw:
 * the record still comes back, with `corrupt.reason` naming what could not be read (see
 * {@link JobRecord.corrupt}); its state, attempts, timestamps, process, worker and reason are the
 * store's own columns and stay exact. @internal
 */
export function recordOf(stored: StoredRecord): JobRecord {
  const problems: string[] = [];
  let job: Job;
  try {
    job = decodeJob(stored.body ?? '', problems);
  } catch (thrown) {
    problems.push(`body: ${(thrown as Error).message}`);
    job = salvage(stored);
  }
  const fields: RecordFields = {
    state: stored.state,
    attempts: stored.attempts,
    startedAtMs: stored.startedAtMs,
    finishedAtMs: stored.finishedAtMs,
    error: parse(stored.error, 'error', problems) as JobError | undefined,
    result: parse(stored.result, 'result', problems),
    progress: parse(stored.progress, 'progress', problems),
    processId: stored.processId,
    worker: stored.worker,
    reason: stored.reason,
  };
  return jobRecord(job, fields, problems.length === 0 ? undefined : { reason: problems.join('; ') });
}

/**
 * As much of a body that {@link decodeJob} refused as still reads, field by field: a field
 * missing or of the wrong type takes a stand-in (no payload, priority `''`, no retries, no
 * timeout, enqueued at 0).
 */
function salvage(stored: StoredRecord): Job {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(stored.body ?? '');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      raw = parsed as Record<string, unknown>;
  } catch {
    // Not JSON at all: every field takes its stand-in.
  }
  const num = (key: string, fallback: number): number => {
    const value = raw[key];
    return typeof value === 'number' ? value : fallback;
  };
  const backoff = raw.backoff as { type?: unknown } | undefined;
  return {
    id: stored.id as Job['id'],
    queue: stored.queue,
    task: raw.task,
    priority: typeof raw.priority === 'string' ? raw.priority : '',
    maxRetries: num('maxRetries', 0),
    retryDelayMs: num('retryDelayMs', 0),
    backoff: backoff?.type === 'exponential' ? (backoff as Job['backoff']) : { type: 'fixed' },
    timeoutMs: num('timeoutMs', Infinity),
    attempts: stored.attempts,
    enqueuedAtMs: num('enqueuedAtMs', 0),
    ...(typeof raw.runAtMs === 'number' ? { runAtMs: raw.runAtMs } : {}),
    ...(raw.history !== undefined && historyProblem(raw.history) === undefined
      ? { history: raw.history as AttemptHistory }
      : {}),
  };
}

/** JSON text of a column, or `undefined` (with a problem noted) when it is not JSON. */
function parse(text: string | undefined, field: string, problems: string[]): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (thrown) {
    problems.push(`${field}: not valid JSON (${(thrown as Error).message})`);
    return undefined;
  }
}
