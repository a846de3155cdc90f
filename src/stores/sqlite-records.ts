import type BetterSqlite3 from 'better-sqlite3';
import type { Job } from '../jobs/job';
import { errorText, type JobError } from '../jobs/job-error';
import { JOB_STATES, type JobRecord, type JobState } from '../jobs/job-record';
import { JOB_END_STATES, type JobEndState, type ResolvedRetention } from '../jobs/job-retention';
import { decodeJob, encodeJob, storedJobId } from './job-codec';
import {
  badCursorError,
  checkRecordQuery,
  jobNotFoundError,
  jobStateError,
  PRUNE_ON_WRITE,
  zeroCounts,
  type CancelOutcome,
  type JobRecords,
  type ProcessBeat,
  type ProcessInfo,
  type RecordEnd,
  type RecordPage,
  type RecordQuery,
  type RecordsConfig,
  type StoreBroadcast,
} from './job-records';
import { SqliteCommits } from './sqlite-commits';
import { SqliteEvents } from './sqlite-events';
import { SqliteFinishes } from './sqlite-finishes';
import {
  nextAttempt,
  toRecord,
  type RecordRow,
  type Slot,
  type SqliteRecordsHost,
  type Undecodable,
} from './sqlite-record-row';
import { prepareRecordStatements, pruneEnded, type RecordStatements } from './sqlite-record-statements';
import { openRecords, RECORDS_WAL_AUTOCHECKPOINT } from './sqlite-schema';

/** What `remove`, `cancel` and `retry` read of a record first. */
interface Held {
  readonly state: JobState;
  readonly process_id: string | null;
  readonly waiting_seq: bigint | null;
  readonly delayed_seq: bigint | null;
}

/**
 * The SQLite store's {@link JobRecords}: one row per job in qui_records, written in the same
 * transaction as the job's own move (the store calls `added`, `taken`, `promoted` from inside its
 * transactions). Counts per state come from qui_record_counts, kept by triggers; pages and pruning
 * walk the (queue, state, entered) index. Shared by every connection on the file: leases,
 * pause and records are rows, broadcasts rows of qui_events (see {@link SqliteEvents}).
 * @internal
 */
export class SqliteJobRecords implements JobRecords {
  private readonly q: number;
  private readonly processId: string;
  private readonly retention: ResolvedRetention;
  private readonly events: SqliteEvents;
  private readonly s: RecordStatements;
  /** The connection's write transactions: each first commits the finishes and broadcasts held back. */
  private readonly commits: SqliteCommits;
  private readonly finishes: SqliteFinishes;

  constructor(
    db: BetterSqlite3.Database,
    private readonly queue: string,
    queueId: number,
    config: RecordsConfig,
    private readonly host: SqliteRecordsHost,
  ) {
    // Records write about 3x the pages of a bare job: checkpoint (and fsync) less often.
    db.pragma(`wal_autocheckpoint = ${RECORDS_WAL_AUTOCHECKPOINT}`);
    this.q = queueId;
    this.processId = config.processId;
    this.retention = config.retention;
    db.transaction(() => openRecords(db, queueId, JOB_STATES)).immediate();
    this.s = prepareRecordStatements(db);
    const commits = (this.commits = new SqliteCommits(db));
    const schedule = (): void => commits.schedule();
    const prune = (state: JobEndState, nowMs: number, max: number): number =>
      this.pruneState(state, nowMs, max);
    this.finishes = new SqliteFinishes(this.s.finish, prune, schedule, queueId, config.processId);
    this.events = new SqliteEvents(db, queueId, () => host.watch(), schedule);
    commits.join(this.finishes);
    commits.join(this.events);
  }

  /**
   * Runs `fn` (one of the store's transactions) in one IMMEDIATE transaction that first writes
   * the finishes and broadcasts held back: they share its commit.
   */
  commit<TA, TB, TC, T>(fn: (a: TA, b: TB, c: TC) => T, a: TA, b: TB, c: TC): T {
    return this.commits.run(fn, a, b, c);
  }

  // ---- called by the store, inside its own transaction ----

  /** `job` (encoded as `body`) was stored at `slot`: its record is written, replacing any of its id. */
  added(job: Job, body: string, slot: Slot): void {
    const old = this.s.held.get(this.q, job.id) as Held | undefined;
    if (old !== undefined) this.drop(old);
    this.s.added.run({
      q: this.q,
      id: job.id,
      state: slot.waiting === null ? 'delayed' : 'waiting',
      job: body,
      attempts: job.attempts,
      waiting: slot.waiting,
      delayed: slot.delayed,
    });
  }

  /**
   * A take removed `rows`, in line order: each decoded job's record becomes active; a row that
   * cannot be decoded ends its record lost, and comes back as an {@link Undecodable}.
   */
  takenRows(rows: readonly { readonly body: string }[], nowMs: number): (Job | Undecodable)[] {
    return rows.map(({ body }) => {
      let job: Job;
      try {
        job = decodeJob(body);
      } catch (thrown) {
        const id = storedJobId(body);
        if (id !== undefined) this.undecodable(id, thrown as Error, nowMs);
        return { id, error: thrown as Error };
      }
      this.taken(job, body, nowMs);
      return job;
    });
  }

  /** `job` left the store for this process: its record is active. */
  private taken(job: Job, body: string, nowMs: number): void {
    const p = {
      q: this.q,
      id: job.id,
      state: 'active',
      attempts: job.attempts + 1,
      now: nowMs,
      pid: this.processId,
    };
    // A job stored while the queue kept no records has none: it gets one now.
    if (this.s.taken.run(p).changes === 0) this.s.takenUnrecorded.run({ ...p, job: body });
  }

  /** The job of record `id` moved from qui_delayed (`delayed`) to qui_waiting (`waiting`). */
  promoted(id: string, delayed: bigint, waiting: bigint): void {
    this.s.promoted.run({ q: this.q, id, state: 'waiting', delayed, waiting });
  }

  /** The job of record `id` moved within qui_waiting (the lanes changed at open). */
  moved(id: string, from: bigint, to: bigint): void {
    this.s.moved.run(to, this.q, id, from);
  }

  /** A take removed job `id` but could not decode it: its record ends lost, with the error. */
  private undecodable(id: string, error: Error, nowMs: number): void {
    const err: JobError = { name: error.name, message: error.message };
    this.endRecord(id, 'lost', 'decode', err, nowMs);
  }

  /** Read by the store's takes: while paused they hand out nothing. */
  paused(): boolean {
    return this.s.isPaused.get(this.q) !== undefined;
  }

  /** Another connection committed: reads its broadcasts. */
  changed(): void {
    this.events.read();
  }

  close(): void {
    this.commits.flush();
    this.events.close();
  }

  // ---- JobRecords ----

  get(id: string): JobRecord | undefined {
    this.commits.flush();
    return this.record(id);
  }

  list(query: RecordQuery): RecordPage {
    const { state, limit, cursor } = checkRecordQuery(query);
    this.commits.flush();
    let before = Number.MAX_SAFE_INTEGER;
    if (cursor !== undefined) {
      if (!/^\d{1,15}$/.test(cursor)) throw badCursorError(cursor);
      before = Number(cursor);
    }
    const rows = this.s.page.all(this.q, state, before, limit + 1) as (RecordRow & { entered: number })[];
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return {
      records: rows.map((row) => toRecord(row, this.queue)),
      cursor: more && last ? String(last.entered) : undefined,
    };
  }

  counts(): Readonly<Record<JobState, number>> {
    this.commits.flush();
    const out = zeroCounts();
    for (const row of this.s.counts.all(this.q) as { state: JobState; n: number }[]) out[row.state] = row.n;
    return out;
  }

  /**
   * Held for the next commit of this connection (a take's or an add's, else on `setImmediate`):
   * the finishes of one turn share one commit. Resolves once committed: true when the record was
   * active under this process, false (nothing changed) otherwise.
   */
  finish(id: string, end: RecordEnd, nowMs: number): Promise<boolean> {
    return this.finishes.add(id, end, nowMs);
  }

  retryLater(retry: Job, error: JobError, worker: string | undefined, nowMs: number): boolean {
    const body = encodeJob(retry);
    return this.tx(() => {
      const held = this.s.held.get(this.q, retry.id) as Held | undefined;
      if (held?.state !== 'active' || held.process_id !== this.processId) return false;
      const slot = this.host.store(retry, nowMs);
      this.s.failed.run({
        ...this.owner(retry.id),
        state: 'failed',
        job: body,
        attempts: retry.attempts,
        error: errorText(error) ?? null,
        worker: worker ?? null,
        waiting: slot.waiting,
        delayed: slot.delayed,
      });
      return true;
    });
  }

  progress(id: string, progress: string | undefined, _nowMs: number): boolean {
    return this.s.progress.run({ ...this.owner(id), progress: progress ?? null }).changes > 0;
  }

  retry(id: string, nowMs: number): JobRecord {
    return this.tx(() => {
      const row = this.s.get.get(this.q, id) as RecordRow | undefined;
      if (row === undefined) throw jobNotFoundError(this.queue, id);
      if (row.state !== 'dead' && row.state !== 'lost') throw jobStateError(id, row.state, 'retry');
      this.again(id, decodeJob(row.job), nowMs);
      return this.record(id) as JobRecord;
    });
  }

  remove(id: string): boolean {
    return this.tx(() => {
      const held = this.s.held.get(this.q, id) as Held | undefined;
      if (held === undefined) return false;
      if (held.state === 'active') throw jobStateError(id, 'active', 'remove');
      this.drop(held);
      this.s.delete.run(this.q, id);
      return true;
    });
  }

  cancel(id: string, reason: string | undefined, nowMs: number): CancelOutcome {
    return this.tx((): CancelOutcome => {
      const held = this.s.held.get(this.q, id) as Held | undefined;
      if (held === undefined) throw jobNotFoundError(this.queue, id);
      switch (held.state) {
        case 'active':
          return { state: 'active', processId: held.process_id ?? undefined, record: this.record(id)! };
        case 'waiting':
        case 'delayed':
        case 'failed':
          this.drop(held);
          return { state: 'cancelled', record: this.endRecord(id, 'cancelled', reason, undefined, nowMs) };
        default:
          throw jobStateError(id, held.state, 'cancel');
      }
    });
  }

  setPaused(paused: boolean): void {
    if (paused) this.s.pause.run(this.q);
    else this.s.resume.run(this.q);
  }

  isPaused(): boolean {
    return this.paused();
  }

  heartbeat(beat: ProcessBeat, nowMs: number, ttlMs: number): void {
    this.s.beat.run(this.q, beat.processId, JSON.stringify(beat), nowMs, nowMs + ttlMs);
  }

  leave(processId: string): void {
    this.s.leave.run(this.q, processId);
  }

  processes(nowMs: number): readonly ProcessInfo[] {
    const rows = this.s.leases.all(this.q, nowMs) as {
      beat: string;
      last_beat_at: number;
      expires_at: number;
    }[];
    return rows.map((r) => ({
      ...(JSON.parse(r.beat) as ProcessBeat),
      lastBeatAtMs: r.last_beat_at,
      expiresAtMs: r.expires_at,
    }));
  }

  reap(nowMs: number, requeue: boolean): readonly JobRecord[] {
    return this.tx(() => {
      const changed: JobRecord[] = [];
      for (const row of this.s.orphans.all({ q: this.q, now: nowMs }) as RecordRow[]) {
        // A body that cannot be decoded cannot run again: lost, so one bad row never stops a reap.
        const job = readable(row.job);
        if (requeue && job !== undefined && job.attempts < job.maxRetries) {
          this.again(row.id, job, nowMs);
          changed.push(this.record(row.id) as JobRecord);
        } else {
          changed.push(this.endRecord(row.id, 'lost', 'process-gone', undefined, nowMs));
        }
      }
      this.s.expire.run(this.q, nowMs);
      return changed;
    });
  }

  prune(nowMs: number, max: number): number {
    return this.tx(() => {
      let pruned = 0;
      for (const state of JOB_END_STATES) pruned += this.pruneState(state, nowMs, max - pruned);
      return pruned;
    });
  }

  broadcast(message: StoreBroadcast): Promise<void> {
    return this.events.broadcast(message);
  }

  onBroadcast(listener: (message: StoreBroadcast) => void): () => void {
    return this.events.onBroadcast(listener);
  }

  // ---- internals ----

  private tx<T>(fn: () => T): T {
    return this.commits.run((f: () => T) => f(), fn, undefined, undefined);
  }

  /** Record `id` as it is in the file (inside a transaction: nothing pending to flush). */
  private record(id: string): JobRecord | undefined {
    const row = this.s.get.get(this.q, id) as RecordRow | undefined;
    return row === undefined ? undefined : toRecord(row, this.queue);
  }

  /** Parameters naming record `id` while active under this process. */
  private owner(id: string): { q: number; id: string; active: 'active'; pid: string } {
    return { q: this.q, id, active: 'active', pid: this.processId };
  }

  /** Deletes the job a record points at, if it is still held. */
  private drop(held: Held): void {
    if (held.waiting_seq !== null) this.s.dropWaiting.run(held.waiting_seq);
    if (held.delayed_seq !== null) this.s.dropDelayed.run(held.delayed_seq);
  }

  /** Stores `job` again as one more attempt, due now; its record becomes waiting. */
  private again(id: string, job: Job, nowMs: number): void {
    const next = nextAttempt(job);
    const slot = this.host.store(next, nowMs);
    this.s.again.run({
      q: this.q,
      id,
      state: slot.waiting === null ? 'delayed' : 'waiting',
      job: encodeJob(next),
      attempts: next.attempts,
      waiting: slot.waiting,
      delayed: slot.delayed,
    });
  }

  /** Ends record `id` in `state` (its job no longer held), prunes a little of it, returns the record. */
  private endRecord(
    id: string,
    state: JobEndState,
    reason: string | undefined,
    error: JobError | undefined,
    nowMs: number,
  ): JobRecord {
    this.s.end.run({
      q: this.q,
      id,
      state,
      now: nowMs,
      reason: reason ?? null,
      error: errorText(error) ?? null,
    });
    const record = this.record(id) as JobRecord;
    this.pruneState(state, nowMs, PRUNE_ON_WRITE);
    return record;
  }

  /** Prunes ended records of `state` past retention, at most `max` (see {@link pruneEnded}). */
  private pruneState(state: JobEndState, nowMs: number, max: number): number {
    return pruneEnded(this.s, this.q, this.retention[state], state, nowMs, max);
  }
}

/** The job a record row holds, or `undefined` when its body cannot be decoded. */
function readable(body: string): Job | undefined {
  try {
    return decodeJob(body);
  } catch {
    return undefined;
  }
}
