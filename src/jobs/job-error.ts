/**
 * An error as a job record keeps it: plain JSON, the stack cut to {@link MAX_STACK_CHARS}, so
 * every store can write it and every process can read it.
 */
export interface JobError {
  /** The error's class name (`TypeError`, `QuiError`…). */
  readonly name: string;
  readonly message: string;
  /** The `QuiError` code, or another error's string `code` (`ECONNRESET`), when it has one. */
  readonly code?: string;
  /** The stack, at most {@link MAX_STACK_CHARS} characters. */
  readonly stack?: string;
}

/** Longest stack a record keeps, in characters; a longer one is cut and ends with `…`. */
export const MAX_STACK_CHARS = 4_000;

/** Longest message a record keeps, in characters. */
export const MAX_ERROR_MESSAGE_CHARS = 4_000;

/**
 * Turns anything thrown into a {@link JobError}: name, message, string `code` and the stack cut
 * to {@link MAX_STACK_CHARS}. A thrown non-error becomes `{ name: 'Error', message: <its text> }`.
 * Pure: reads own fields only, never calls user code other than `String()` on a non-error.
 * @example
 * toJobError(new QuiError('ERR_TASK_TIMEOUT', 'timed out'));
 * // { name: 'QuiError', message: 'timed out', code: 'ERR_TASK_TIMEOUT', stack: 'QuiError: timed out\n    at …' }
 */
export function toJobError(thrown: unknown): JobError {
  if (!(thrown instanceof Error)) {
    return { name: 'Error', message: cut(describeThrown(thrown), MAX_ERROR_MESSAGE_CHARS) };
  }
  const out: { name: string; message: string; code?: string; stack?: string } = {
    name: typeof thrown.name === 'string' && thrown.name !== '' ? thrown.name : 'Error',
    message: cut(String(thrown.message), MAX_ERROR_MESSAGE_CHARS),
  };
  const code = (thrown as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') out.code = code;
  if (typeof thrown.stack === 'string') out.stack = cut(thrown.stack, MAX_STACK_CHARS);
  return out;
}

function describeThrown(thrown: unknown): string {
  if (typeof thrown === 'string') return thrown;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}

/** A record's error as the JSON text a store keeps (SQLite's `error` column, Redis's `e` field); `undefined` for none. @internal */
export function errorText(error: JobError | undefined): string | undefined {
  return error === undefined ? undefined : JSON.stringify(error);
}

/** Cuts `text` to at most `max` characters, the last one `…` when cut. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
