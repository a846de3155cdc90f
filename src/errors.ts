/**
 * Every error Qui raises is a {@link QuiError} with a stable string `code`.
 * Codes are listed in docs/reference/errors.md.
 */
export type ErrorCode =
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_INVALID_SPEC'
  | 'ERR_START_FAILED'
  | 'ERR_NAME_TAKEN'
  | 'ERR_NO_SUCH_ACTOR'
  | 'ERR_ASK_TIMEOUT'
  | 'ERR_STOPPED'
  | 'ERR_QUEUE_NOT_FOUND'
  | 'ERR_QUEUE_FULL'
  | 'ERR_TASK_NOT_FOUND'
  | 'ERR_TASK_TIMEOUT'
  | 'ERR_UNRECOVERABLE'
  | 'ERR_BAD_RESULT'
  | 'ERR_STORE'
  | 'ERR_MISSING_PEER'
  | 'ERR_NOT_SENDABLE'
  | 'ERR_WORKER_CRASHED'
  | 'ERR_INVALID_MESSAGE'
  | 'ERR_JOB_NOT_FOUND'
  | 'ERR_JOB_STATE'
  | 'ERR_RESULT_TOO_LARGE'
  | 'ERR_RESULT_NOT_JSON'
  | 'ERR_RECORDS_OFF'
  | 'ERR_WAIT_TIMEOUT'
  | 'ERR_JOB_CANCELLED'
  | 'ERR_QUEUE_MODE';

/** The one base class of Qui's errors; `code` is stable, `message` is for people. */
export class QuiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A spec given to `defineActor`, `defineSupervisor`… is invalid; `path` names the field. */
export class InvalidSpecError extends QuiError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super('ERR_INVALID_SPEC', `${path}: ${problem}`);
  }
}

/** Options given at a call (enqueue, startSystem…) are invalid; `path` names the field. */
export class InvalidOptionsError extends QuiError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super('ERR_INVALID_OPTIONS', `${path}: ${problem}`);
  }
}

/** A task may throw this to fail its job at once, skipping any retries left. */
export class UnrecoverableError extends QuiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UNRECOVERABLE', message, options);
  }
}

/** Turns anything thrown into an `Error`, keeping the original as `cause` when it was not one. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  let text: string;
  try {
    text = typeof thrown === 'string' ? thrown : (JSON.stringify(thrown) ?? String(thrown));
  } catch {
    text = String(thrown);
  }
  return new Error(text, { cause: thrown });
}

/** Exhaustiveness guard for `switch (msg.type)`. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
