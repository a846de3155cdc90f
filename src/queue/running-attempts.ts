import { QuiError } from '../errors';
import type { RunningAttempt } from '../tasks/run-attempt';

/**
 * The attempts running in this process, by job id, kept only when the queue keeps records: what
 * a `job.cancel` broadcast aborts. Workers add an attempt when it starts without settling at
 * once, and take it out as it settles, learning whether it was cancelled. @internal
 */
export class RunningAttempts {
  private readonly byId = new Map<string, RunningAttempt>();
  /** Cancels asked of running attempts: job id → reason. */
  private readonly cancels = new Map<string, string | undefined>();

  get size(): number {
    return this.byId.size;
  }

  add(id: string, attempt: RunningAttempt): void {
    this.byId.set(id, attempt);
  }

  /**
   * Aborts job `id`'s attempt if it runs here, with `ERR_JOB_CANCELLED`: its worker then ends
   * it `cancelled`. Nothing otherwise (it runs elsewhere, or has just ended).
   */
  abort(id: string, reason: string | undefined): void {
    const attempt = this.byId.get(id);
    if (!attempt) return;
    this.cancels.set(id, reason);
    const why = reason === undefined ? '' : `: ${reason}`;
    attempt.abort(new QuiError('ERR_JOB_CANCELLED', `job ${id} was cancelled${why}`));
  }

  /** Forgets job `id`'s attempt as it settles; `{ reason }` when it was cancelled. */
  settled(id: string): { readonly reason: string | undefined } | undefined {
    this.byId.delete(id);
    if (!this.cancels.has(id)) return undefined;
    const reason = this.cancels.get(id);
    this.cancels.delete(id);
    return { reason };
  }
}
