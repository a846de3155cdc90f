import { QuiError, UnrecoverableError, type ErrorCode } from '../../errors';

/**
 * The protocol between an isolated worker (the parent, in the worker actor) and its thread or child
 * process. Plain data only: it crosses by structured clone (thread) or JSON (process). Pure: no
 * Node imports, so both sides share it. @internal
 */

/** An Error as it crosses: what the other side needs to rebuild it. */
export interface SentError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: string | undefined;
}

/** How an attempt ended inside the thread or process. */
export type ChildOutcome =
  | { readonly status: 'completed'; readonly value: unknown }
  | { readonly status: 'failed'; readonly error: SentError }
  /** The processor returned something that is not a JobResult; `shape` describes it (never its data). */
  | { readonly status: 'bad-result'; readonly shape: string }
  /** The result could not be sent back; `error` has code `ERR_NOT_SENDABLE` and names what. */
  | { readonly status: 'unsendable'; readonly error: SentError };

/** What the parent sends. */
export type ParentMessage =
  | {
      readonly type: 'init';
      /** Absolute path of the user's module (tasks or a processor). */
      readonly module: string;
      /** The pino level of the worker's logger: lines under it are never sent. */
      readonly level: string;
    }
  /** Runs one attempt; `seq` numbers attempts on this worker, so late messages can be told apart. */
  | { readonly type: 'run'; readonly seq: number; readonly job: unknown }
  /** Aborts the signal of attempt `seq` with `reason`. */
  | { readonly type: 'abort'; readonly seq: number; readonly reason: SentError };

/** What the thread or process sends. */
export type ChildMessage =
  | { readonly type: 'ready' }
  /** The module could not be loaded or exports nothing runnable: the worker fails to start. */
  | { readonly type: 'load-failed'; readonly error: SentError }
  | { readonly type: 'done'; readonly seq: number; readonly outcome: ChildOutcome }
  /** One pino line written through `ctx.log` during attempt `seq`. */
  | { readonly type: 'log'; readonly seq: number; readonly line: string }
  /**
   * An uncaught error thrown, while attempt `seq` ran, by code that is not that attempt's (a timer
   * an earlier attempt left): logged with the worker; the thread is replaced once `seq` ends.
   */
  | { readonly type: 'stray-error'; readonly seq: number; readonly error: SentError }
  /** `ctx.progress(value)` during attempt `seq`; the parent's runner passes it to the attempt's `onProgress`. */
  | { readonly type: 'progress'; readonly seq: number; readonly value: unknown };

const QUI_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'ERR_INVALID_OPTIONS',
  'ERR_INVALID_SPEC',
  'ERR_STOPPED',
  'ERR_TASK_NOT_FOUND',
  'ERR_TASK_TIMEOUT',
  'ERR_UNRECOVERABLE',
  'ERR_BAD_RESULT',
  'ERR_NOT_SENDABLE',
  'ERR_WORKER_CRASHED',
]);

/** Turns an Error into what crosses; a non-string `code` is dropped. */
export function sendError(error: Error): SentError {
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    code: typeof code === 'string' ? code : undefined,
  };
}

/**
 * Rebuilds an Error that crossed: a Qui code gives a QuiError (an `UnrecoverableError` for
 * `ERR_UNRECOVERABLE`, so retries are still skipped); any other error keeps its name, message,
 * stack and string `code`.
 */
export function reviveError(sent: SentError): Error {
  let error: Error;
  if (sent.code === 'ERR_UNRECOVERABLE') error = new UnrecoverableError(sent.message);
  else if (sent.code !== undefined && QUI_CODES.has(sent.code))
    error = new QuiError(sent.code as ErrorCode, sent.message);
  else {
    error = new Error(sent.message);
    if (sent.code !== undefined) (error as Error & { code: string }).code = sent.code;
  }
  error.name = sent.name;
  if (sent.stack !== undefined) error.stack = sent.stack;
  return error;
}
