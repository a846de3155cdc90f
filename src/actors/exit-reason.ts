/**
 * Why an actor ended, in OTP's words: `normal`, `shutdown` (optionally with a detail), `killed`
 * (it was killed and could not intercept it), or `error` (it crashed, with the cause).
 */
export type ExitReason =
  | { readonly type: 'normal' }
  | { readonly type: 'shutdown'; readonly detail?: unknown }
  | { readonly type: 'killed' }
  | { readonly type: 'error'; readonly error: Error };

/** @internal */
export const NORMAL: ExitReason = Object.freeze({ type: 'normal' });
/** @internal */
export const SHUTDOWN: ExitReason = Object.freeze({ type: 'shutdown' });
/** @internal */
export const KILLED: ExitReason = Object.freeze({ type: 'killed' });

/** `normal`, `shutdown` and `shutdown` with a detail: exits a transient child is not restarted for. */
export function isNormalExit(reason: ExitReason): boolean {
  return reason.type === 'normal' || reason.type === 'shutdown';
}

/** A short text for logs: `normal`, `shutdown`, `killed`, `error: <message>`. */
export function describeExit(reason: ExitReason): string {
  return reason.type === 'error' ? `error: ${reason.error.message}` : reason.type;
}
