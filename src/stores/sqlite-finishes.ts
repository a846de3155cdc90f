import type BetterSqlite3 from 'better-sqlite3';
import { errorText } from '../jobs/job-error';
import type { JobEndState } from '../jobs/job-retention';
import { PRUNE_ON_WRITE, type RecordEnd } from './job-records';
import type { PendingWrites } from './sqlite-commits';

/** One `finish` waiting for its commit: the statement's parameters, and its caller's promise. */
interface Finish {
  readonly q: number;
  readonly id: string;
  readonly active: 'active';
  readonly pid: string;
  readonly state: JobEndState;
  readonly now: number;
  readonly worker: string | null;
  readonly result: string | null;
  readonly error: string | null;
  readonly reason: string | null;
  readonly resolve: (applied: boolean) => void;
  readonly reject: (error: unknown) => void;
  /** Whether the write found the record active under this process (set when written). */
  applied: boolean;
}

/**
 * The ends of records (`JobRecords.finish`) of one SQLite store, held until the next commit of
 * its connection (see {@link SqliteCommits}): each finish is its own UPDATE, as before, and the
 * batch prunes once per end state, as much as its finishes would have one by one
 * ({@link PRUNE_ON_WRITE} each). A finish resolves (true when it applied) once committed.
 * @internal
 */
export class SqliteFinishes implements PendingWrites {
  private queued: Finish[] = [];
  private written: Finish[] = [];

  constructor(
    private readonly finishRow: BetterSqlite3.Statement,
    private readonly prune: (state: JobEndState, nowMs: number, max: number) => number,
    private readonly schedule: () => void,
    private readonly queueId: number,
    private readonly processId: string,
  ) {}

  get pending(): boolean {
    return this.queued.length > 0;
  }

  /** Queues the end of record `id` (active under this process) for the next commit. */
  add(id: string, end: RecordEnd, nowMs: number): Promise<boolean> {
    // Encoded now: a bad value fails this call, not the batch.
    const error = errorText(end.state === 'cancelled' ? undefined : end.error) ?? null;
    return new Promise((resolve, reject) => {
      this.queued.push({
        q: this.queueId,
        id,
        active: 'active',
        pid: this.processId,
        state: end.state,
        now: nowMs,
        worker: end.worker ?? null,
        result: end.state === 'completed' ? (end.result ?? null) : null,
        error,
        reason: end.state === 'dead' ? null : (end.reason ?? null),
        resolve,
        reject,
        applied: false,
      });
      this.schedule();
    });
  }

  write(): void {
    const batch = this.queued;
    this.queued = [];
    // Empty here: every transaction that writes is followed by committed() or rolledBack(), which
    // empty it, and none runs inside another (no store transaction calls back out of SQL).
    this.written = batch;
    let completed = 0;
    let now = 0;
    let others: Map<JobEndState, number> | undefined;
    for (const f of batch) {
      // better-sqlite3 binds the named parameters it needs and ignores the rest of the object.
      f.applied = this.finishRow.run(f).changes > 0;
      if (!f.applied) continue;
      if (f.now > now) now = f.now;
      if (f.state === 'completed') completed++;
      else (others ??= new Map()).set(f.state, (others.get(f.state) ?? 0) + 1);
    }
    if (completed > 0) this.prune('completed', now, PRUNE_ON_WRITE * completed);
    if (others !== undefined) for (const [state, n] of others) this.prune(state, now, PRUNE_ON_WRITE * n);
  }

  committed(): void {
    const done = this.written;
    if (done.length === 0) return;
    this.written = [];
    for (const f of done) f.resolve(f.applied);
  }

  rolledBack(): void {
    if (this.written.length === 0) return;
    this.queued = this.written.concat(this.queued);
    this.written = [];
  }

  fail(error: unknown): void {
    const failed = this.queued;
    this.queued = [];
    for (const f of failed) f.reject(error);
  }
}
