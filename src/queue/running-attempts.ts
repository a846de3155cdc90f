import { QuiError } from '../errors';
import type { RunningAttempt } from '../tasks/run-attempt';

/** Cancels remembered for jobs not (yet) running here: a job taken but not started when its cancel came. */
export const EARLY_CANCELS = 256;

/**
 * The attempts running in this process, by job id, kept only when the queue keeps records: what
 * a `job.cancel` broadcast aborts. Workers add an attempt when it starts without settling at
 * once, and take it out as it settles, learning whether it was cancelled. A cancel for a job
 * that does not run here is remembered (the last {@link EARLY_CANCELS}): the job may be on its
 * way from the store to a worker, and is aborted the moment it starts. @internal
 */
export class RunningAttempts {
  private readonly byId = new Map<string, RunningAttempt>();
  /** Cancels asked of running attempts: job id → reason. */
  private readonly cancels = new Map<string, string | undefined>();
  /** Cancels of jobs not running here when they came, oldest first. */
  private readonly early = new Map<string, string | undefined>();

  get size(): number {
    return this.byId.size;
  }

  add(id: string, attempt: RunningAttempt): void {
    this.byId.set(id, attempt);
    if (this.early.size > 0 && this.early.has(id)) {
      const reason = this.early.get(id);
      this.early.delete(id);
      this.abort(id, reason);
    }
  }

  /**
   * Aborts job `id`'s attempt if it runs here, with `ERR_JOB_CANCELLED`: its worker then ends
   * it `cancelled`. Nothing otherwise (it runs elsewhere, or has just ended).
   */
  abort(id: string, reason: string | undefined): void {
    const attempt = this.byId.get(id);
    if (!attempt) {
      this.early.set(id, reason);
      if (this.early.size > EARLY_CANCELS) this.early.delete(this.early.keys().next().value as string);
      return;
    }
    this.cancels.set(id, reason);
    const why = reason === undefined ? '' : `: ${reason}`;
    attempt.abort(new QuiError('ERR_JOB_CANCELLED', `job ${id} was cancelled${why}`));
  }

  /** Forgets job `id`'s attempt as it settles; `{ reason }` when it was cancelled. */
  settled(id: string): { readonly reason: string | undefined } | undefined {
    // An attempt that settled before it was added (a synchronous processor) has nothing here,
    // and cancels are kept only for added attempts: no lookups on that hot path.
    if (this.byId.size === 0) return undefined;
    this.byId.delete(id);
    if (!this.cancels.has(id)) return undefined;
    const reason = this.cancels.get(id);
    this.cancels.delete(id);
    return { reason };
  }
}
