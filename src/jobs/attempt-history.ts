import type { JobError } from './job-error';

/**
 * A job's earlier failed attempts, carried in the job itself (`Job.history`) so that every store
 * keeps them in the body it already writes for a retry, and every process reads them from the
 * record. Pure: no store, no clock.
 */

/** Most failed attempts a job's history keeps; older ones are counted in `dropped`. */
export const MAX_ATTEMPT_HISTORY = 10;

/** Longest error message a history entry keeps, in characters (the record's own `error` keeps more). */
export const MAX_HISTORY_MESSAGE_CHARS = 500;

/** One attempt that failed and was followed by a retry. */
export interface FailedAttempt {
  /** 1 for the first attempt, 2 for the first retry… */
  readonly attempt: number;
  /** Its error's `name`, `message` (cut to {@link MAX_HISTORY_MESSAGE_CHARS}) and `code`; no stack. */
  readonly error: JobError;
  /** When the attempt started (wall-clock ms); its end when the processor answered synchronously. */
  readonly startedAtMs: number;
  /** When it failed. */
  readonly finishedAtMs: number;
}

/**
 * The failed attempts of a job that were retried, oldest first: at most
 * {@link MAX_ATTEMPT_HISTORY}, with `dropped` saying how many older ones were let go.
 */
export interface AttemptHistory {
  readonly failed: readonly FailedAttempt[];
  /** Failed attempts before `failed[0]` that the bound let go. */
  readonly dropped: number;
}

/**
 * `history` with one more failed attempt at its end, bounded: the oldest goes (and `dropped`
 * grows) past {@link MAX_ATTEMPT_HISTORY}. The error keeps name, a cut message and code.
 * @example
 * appendFailedAttempt(undefined, 1, { name: 'Error', message: 'boom', stack: '…' }, 5, 9);
 * // { failed: [{ attempt: 1, error: { name: 'Error', message: 'boom' }, startedAtMs: 5, finishedAtMs: 9 }], dropped: 0 }
 * @internal
 */
export function appendFailedAttempt(
  history: AttemptHistory | undefined,
  attempt: number,
  error: JobError,
  startedAtMs: number,
  finishedAtMs: number,
): AttemptHistory {
  const kept: { name: string; message: string; code?: string } = {
    name: error.name,
    message:
      error.message.length <= MAX_HISTORY_MESSAGE_CHARS
        ? error.message
        : `${error.message.slice(0, MAX_HISTORY_MESSAGE_CHARS - 1)}…`,
  };
  if (error.code !== undefined) kept.code = error.code;
  const entry: FailedAttempt = { attempt, error: kept, startedAtMs, finishedAtMs };
  const before = history?.failed ?? [];
  const over = Math.max(0, before.length + 1 - MAX_ATTEMPT_HISTORY);
  return {
    failed: over === 0 ? [...before, entry] : [...before.slice(over), entry],
    dropped: (history?.dropped ?? 0) + over,
  };
}

/**
 * What is wrong with a stored `history`, or `undefined` when it reads as an {@link AttemptHistory}
 * (the codec checks a body's history with it; a bad one is dropped, not the job). @internal
 */
export function historyProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'is not an object';
  const h = value as { failed?: unknown; dropped?: unknown };
  if (typeof h.dropped !== 'number') return 'has no numeric dropped';
  if (!Array.isArray(h.failed)) return 'has no failed list';
  for (const entry of h.failed as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return 'has an entry that is not an object';
    const e = entry as Record<string, unknown>;
    if (
      typeof e.attempt !== 'number' ||
      typeof e.startedAtMs !== 'number' ||
      typeof e.finishedAtMs !== 'number'
    )
      return 'has an entry without numeric attempt, startedAtMs and finishedAtMs';
    const err = e.error as { name?: unknown; message?: unknown } | null;
    if (
      typeof err !== 'object' ||
      err === null ||
      typeof err.name !== 'string' ||
      typeof err.message !== 'string'
    )
      return `has attempt ${e.attempt} without an error name and message`;
  }
  return undefined;
}
