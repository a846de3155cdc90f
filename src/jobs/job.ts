import type { JobId } from '../ids';
import type { AttemptHistory } from './attempt-history';
import type { JobError } from './job-error';

/**
 * How long to wait before a retry. `fixed` waits `retryDelayMs` every time; `exponential` waits
 * `retryDelayMs * 2^(attempt-1)`, capped by `maxDelayMs`, spread by `jitter` (0..1); a function
 * gets the attempt number (1 for the first retry) and returns milliseconds.
 * Functions cannot be persisted: durable and shared stores accept only the object forms.
 */
export type Backoff =
  | { readonly type: 'fixed' }
  | { readonly type: 'exponential'; readonly maxDelayMs?: number; readonly jitter?: number }
  | BackoffFunction;

/** A custom backoff: returns the delay in ms before retry number `attempt` (1-based). */
export type BackoffFunction = (attempt: number, error: Error, job: Job) => number;

/**
 * A job: one unit of work in one queue. Immutable: a retry is a copy with `attempts + 1`.
 * `task` is any JSON-serializable value; with `defineTask` it is `{ task: name, params }`.
 */
export interface Job<TTask = unknown> {
  readonly id: JobId;
  /** The queue the job was enqueued into. */
  readonly queue: string;
  readonly task: TTask;
  readonly priority: string;
  /** Retries after the first attempt; total attempts = maxRetries + 1. */
  readonly maxRetries: number;
  readonly retryDelayMs: number;
  readonly backoff: Backoff;
  /** Per-attempt time limit in ms; `Infinity` for none. */
  readonly timeoutMs: number;
  /** 0 on the first attempt; each retry adds one. */
  readonly attempts: number;
  /** Wall-clock ms when the job was first enqueued. */
  readonly enqueuedAtMs: number;
  /** Wall-clock ms before which the job must not be handed out (delayed and retried jobs). */
  readonly runAtMs?: number;
  /**
   * Set on a dead-letter copy: the queue and job it came from, and the error it died with.
   * The copy has its own id; `retryJob` on it puts the job back into `queue`.
   */
  readonly deadLetterOf?: DeadLetterSource;
  /**
   * Trace context of the enqueue (W3C `traceparent` / `tracestate`), when tracing is on, so an
   * attempt's span in another process links to the producer's.
   */
  readonly trace?: Readonly<Record<string, string>>;
  /**
   * The attempts that failed and were retried, oldest first, each with its error (no stack), at
   * most `MAX_ATTEMPT_HISTORY` of them: set by the ledger on the retry it stores, when the queue
   * keeps records; absent on a job that never failed. The latest attempt's own error is the
   * record's `error`.
   */
  readonly history?: AttemptHistory;
}

/** Where a dead-letter copy came from (see {@link Job.deadLetterOf}). */
export interface DeadLetterSource {
  readonly queue: string;
  readonly jobId: string;
  /** The error of the source job's last attempt. */
  readonly error: JobError | undefined;
  /** The source job's earlier failed attempts (its `history`), when it had any. */
  readonly history?: AttemptHistory;
}
