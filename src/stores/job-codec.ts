import { InvalidOptionsError, QuiError, toError } from '../errors';
import { historyProblem } from '../jobs/attempt-history';
import type { Job } from '../jobs/job';

/**
 * JSON encoding of a {@link Job} for the stores that serialize (SQLite, Redis).
 *
 * The trace carrier (`job.trace`), when set, travels as it is, so a trace crosses processes; so
 * does a retried job's `history`. A job without them is written as before (no new field), and a
 * body written before `history` existed reads as a job without one.
 * JSON has no `Infinity`, so an unlimited `timeoutMs` is written as the string `"Infinity"` and
 * read back as `Infinity`. A function `backoff` cannot be stored, and a task that JSON cannot
 * write (a BigInt, a cycle) is rejected rather than silently mangled.
 */

/** The fields every stored job must have, checked on decode. */
const NUMBER_FIELDS = ['maxRetries', 'retryDelayMs', 'attempts', 'enqueuedAtMs'] as const;

/**
 * Encodes a job as one JSON string.
 * @throws {InvalidOptionsError} naming `backoff` when the backoff is a function, or `task` when the
 * task cannot be written as JSON.
 * @example
 * const text = encodeJob(job); // '{"id":"…","timeoutMs":"Infinity",…}'
 * @internal
 */
export function encodeJob(job: Job): string {
  if (typeof job.backoff === 'function') {
    throw new InvalidOptionsError(
      'backoff',
      "a function cannot be stored by a store that serializes jobs; use { type: 'fixed' } or { type: 'exponential' }",
    );
  }
  const timeoutMs = job.timeoutMs === Infinity ? 'Infinity' : job.timeoutMs;
  try {
    return JSON.stringify({ ...job, timeoutMs });
  } catch (thrown) {
    throw new InvalidOptionsError('task', `must be JSON-serializable (${toError(thrown).message})`);
  }
}

/**
 * Decodes a string written by {@link encodeJob}. A `history` that does not read as one is left
 * out (the job still runs: it is only what its earlier attempts said), and its problem pushed to
 * `problems` when given.
 * @throws {QuiError} with code `ERR_STORE` when the text is not a stored job (a corrupt row or key).
 * @example
 * const job = decodeJob(encodeJob(job)); // deep-equal to job, Infinity timeout included
 * @internal
 */
export function decodeJob(text: string, problems?: string[]): Job {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (thrown) {
    throw new QuiError('ERR_STORE', 'a stored job is not valid JSON', { cause: thrown });
  }
  if (typeof raw !== 'object' || raw === null) throw corrupt('is not an object');
  const rec = raw as Record<string, unknown>;
  if (typeof rec.id !== 'string') throw corrupt('has no string id');
  if (typeof rec.queue !== 'string' || typeof rec.priority !== 'string') {
    throw corrupt(`${rec.id} has no queue or priority`);
  }
  for (const field of NUMBER_FIELDS) {
    if (typeof rec[field] !== 'number') throw corrupt(`${rec.id} has no numeric ${field}`);
  }
  if (rec.timeoutMs === 'Infinity') rec.timeoutMs = Infinity;
  else if (typeof rec.timeoutMs !== 'number') throw corrupt(`${rec.id} has no timeoutMs`);
  if (typeof rec.backoff !== 'object' || rec.backoff === null) throw corrupt(`${rec.id} has no backoff`);
  if (rec.trace !== undefined && !isCarrier(rec.trace))
    throw corrupt(`${rec.id} has a trace that is not strings`);
  if (rec.history !== undefined) checkHistory(rec, problems);
  return rec as unknown as Job;
}

/**
 * The job id in stored text that {@link decodeJob} refused, when the text still has one: so that a
 * lost job can be named. @internal
 */
export function storedJobId(text: string): string | undefined {
  try {
    const raw: unknown = JSON.parse(text);
    const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Leaves out a history that does not read as one, saying why in `problems`. */
function checkHistory(rec: Record<string, unknown>, problems: string[] | undefined): void {
  const problem = historyProblem(rec.history);
  if (problem === undefined) return;
  delete rec.history;
  problems?.push(`history: ${problem}`);
}

/** A trace carrier (`Job.trace`): an object of strings, as `buildJob` stores it. */
function isCarrier(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((entry) => typeof entry === 'string');
}

function corrupt(problem: string): QuiError {
  return new QuiError('ERR_STORE', `a stored job ${problem}`);
}
