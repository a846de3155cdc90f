import type { JobId } from '../ids';

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
   * The trace context of the enqueue (a W3C `traceparent`/`tracestate` carrier) when tracing is
   * on, so an attempt in another process joins the producer's trace. Never holds user data.
   */
  readonly trace?: Readonly<Record<string, string>>;
}
