import type { JobId } from '../ids';
import type { Backoff } from './job';

/**
 * Where a job is in its life, as its record in the store says (BullMQ's words, plus Qui's own
 * end states): `waiting` (due), `delayed` (not yet due), `active` (taken by a process),
 * `failed` (an attempt failed and a retry is stored), then one end state: `completed`, `dead`
 * (failed for good), `lost` (it left the store and will not run again: at-most-once) or
 * `cancelled`.
 */
export type JobState =
  'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'dead' | 'lost' | 'cancelled';

/** Every state, in the order a job passes them; the last four are end states. */
export const JOB_STATES: readonly JobState[] = Object.freeze([
  'waiting',
  'delayed',
  'active',
  'failed',
  'completed',
  'dead',
  'lost',
  'cancelled',
]);

/** The states a job never leaves on its own (retention prunes them; `retryJob` revives dead and lost). */
export type JobEndState = 'completed' | 'dead' | 'lost' | 'cancelled';

/** An error as a record keeps it: JSON, the stack cut to {@link MAX_STACK_CHARS}. */
export interface JobError {
  readonly name: string;
  readonly message: string;
  /** The `QuiError` code, or another error's string `code`, when it has one. */
  readonly code?: string;
  readonly stack?: string;
}

/** Longest stack a record keeps, in characters. */
export const MAX_STACK_CHARS = 4_000;

/** Largest result a record keeps, in characters of JSON; a larger one is refused with `ERR_RESULT_TOO_LARGE`. */
export const MAX_RESULT_CHARS = 64 * 1024;

/**
 * The record of one job, readable from any process that shares the queue's store.
 * Timestamps are wall-clock ms. `task` is the payload as enqueued.
 */
export interface JobRecord<TTask = unknown> {
  readonly id: JobId;
  readonly queue: string;
  readonly task: TTask;
  /** The task name of a `defineTask` value, when the payload is one. */
  readonly taskName: string | undefined;
  readonly priority: string;
  readonly options: {
    readonly maxRetries: number;
    readonly retryDelayMs: number;
    /** Object forms only: records are JSON. */
    readonly backoff: Exclude<Backoff, (...args: never[]) => unknown>;
    readonly timeoutMs: number;
  };
  readonly state: JobState;
  /** Attempts started so far (0 while it waits for its first). */
  readonly attempts: number;
  readonly enqueuedAtMs: number;
  /** When it is (or was) due, for delayed jobs and retries. */
  readonly runAtMs: number | undefined;
  /** When its latest attempt started. */
  readonly startedAtMs: number | undefined;
  /** When it reached an end state. */
  readonly finishedAtMs: number | undefined;
  /** The latest attempt's error (kept through later attempts until one succeeds). */
  readonly error: JobError | undefined;
  /** The completed attempt's value (JSON). */
  readonly result: unknown;
  /** The latest value a processor reported with `ctx.progress`. */
  readonly progress: unknown;
  /** The process that took it last (see `QuiSystem.processId`). */
  readonly processId: string | undefined;
  /** The path of the worker that ran it last. */
  readonly worker: string | undefined;
  /** Why it was lost or cancelled. */
  readonly reason: string | undefined;
  /** For a dead-letter copy: the queue and job it came from. */
  readonly deadLetterOf: { readonly queue: string; readonly jobId: string } | undefined;
  /** Trace context of the enqueue (W3C `traceparent` / `tracestate`), when tracing is on. */
  readonly trace: Readonly<Record<string, string>> | undefined;
}
