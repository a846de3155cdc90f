import type BetterSqlite3 from 'better-sqlite3';
import type { JobEndState, ResolvedRetention } from '../jobs/job-retention';
import { NEXT_ENTERED, RECORD_COLUMNS } from './sqlite-record-row';

type Statement = BetterSqlite3.Statement;

/** The prepared statements of a store's records. @internal */
export type RecordStatements = ReturnType<typeof prepareRecordStatements>;

/**
 * Prepares the statements of {@link SqliteJobRecords} on `db`. Named parameters: `@q` the queue
 * id, `@id` the job id, `@state` the state a record enters (its `entered` is then
 * {@link NEXT_ENTERED}), `@now` the time; `@active` and `@pid` say whose running attempt a write
 * acts on. Seqs (`waiting_seq`, `delayed_seq`) are read as BigInts: above 2^53 a number is not exact.
 * @internal
 */
export function prepareRecordStatements(db: BetterSqlite3.Database) {
  const prep = (sql: string): Statement => db.prepare(sql);
  const running = 'queue_id = @q AND id = @id AND state = @active AND process_id = @pid';
  return {
    held: prep(
      'SELECT state, process_id, waiting_seq, delayed_seq FROM qui_records WHERE queue_id = ? AND id = ?',
    ).safeIntegers(true),
    get: prep(`SELECT ${RECORD_COLUMNS} FROM qui_records WHERE queue_id = ? AND id = ?`),
    page: prep(
      `SELECT entered, ${RECORD_COLUMNS} FROM qui_records WHERE queue_id = ? AND state = ? AND entered < ?
       ORDER BY entered DESC LIMIT ?`,
    ),
    counts: prep('SELECT state, n FROM qui_record_counts WHERE queue_id = ?'),
    count: prep('SELECT n FROM qui_record_counts WHERE queue_id = ? AND state = ?').pluck(),
    added: prep(
      `INSERT INTO qui_records (queue_id, id, state, entered, job, attempts, waiting_seq, delayed_seq)
       VALUES (@q, @id, @state, ${NEXT_ENTERED}, @job, @attempts, @waiting, @delayed)
       ON CONFLICT (queue_id, id) DO UPDATE SET state = excluded.state, entered = excluded.entered,
         job = excluded.job, attempts = excluded.attempts, started_at = NULL, finished_at = NULL,
         error = NULL, result = NULL, progress = NULL, process_id = NULL, worker = NULL, reason = NULL,
         waiting_seq = excluded.waiting_seq, delayed_seq = excluded.delayed_seq`,
    ),
    taken: prep(
      `UPDATE qui_records SET state = @state, entered = ${NEXT_ENTERED}, attempts = @attempts,
         started_at = @now, process_id = @pid, waiting_seq = NULL, delayed_seq = NULL
       WHERE queue_id = @q AND id = @id`,
    ),
    takenUnrecorded: prep(
      `INSERT INTO qui_records (queue_id, id, state, entered, job, attempts, started_at, process_id)
       VALUES (@q, @id, @state, ${NEXT_ENTERED}, @job, @attempts, @now, @pid)`,
    ),
    promoted: prep(
      `UPDATE qui_records SET waiting_seq = @waiting, delayed_seq = NULL,
         state = CASE state WHEN 'delayed' THEN @state ELSE state END,
         entered = CASE state WHEN 'delayed' THEN ${NEXT_ENTERED} ELSE entered END
       WHERE queue_id = @q AND id = @id AND delayed_seq = @delayed`,
    ),
    moved: prep('UPDATE qui_records SET waiting_seq = ? WHERE queue_id = ? AND id = ? AND waiting_seq = ?'),
    finish: prep(
      `UPDATE qui_records SET state = @state, entered = ${NEXT_ENTERED}, finished_at = @now,
         worker = @worker, result = @result, error = coalesce(@error, error), reason = @reason
       WHERE ${running}`,
    ),
    failed: prep(
      `UPDATE qui_records SET state = @state, entered = ${NEXT_ENTERED}, job = @job, attempts = @attempts,
         error = @error, worker = @worker, waiting_seq = @waiting, delayed_seq = @delayed
       WHERE ${running}`,
    ),
    progress: prep(`UPDATE qui_records SET progress = @progress WHERE ${running}`),
    again: prep(
      `UPDATE qui_records SET state = @state, entered = ${NEXT_ENTERED}, job = @job, attempts = @attempts,
         finished_at = NULL, reason = NULL, result = NULL, waiting_seq = @waiting, delayed_seq = @delayed
       WHERE queue_id = @q AND id = @id`,
    ),
    end: prep(
      `UPDATE qui_records SET state = @state, entered = ${NEXT_ENTERED}, finished_at = @now,
         reason = @reason, error = coalesce(@error, error), waiting_seq = NULL, delayed_seq = NULL
       WHERE queue_id = @q AND id = @id`,
    ),
    orphans: prep(
      `SELECT ${RECORD_COLUMNS} FROM qui_records r WHERE queue_id = @q AND state = 'active'
         AND NOT EXISTS (SELECT 1 FROM qui_leases l
           WHERE l.queue_id = r.queue_id AND l.process_id = r.process_id AND l.expires_at > @now)`,
    ),
    head: prep(
      'SELECT entered, finished_at FROM qui_records WHERE queue_id = ? AND state = ? ORDER BY entered',
    ),
    pruneTo: prep('DELETE FROM qui_records WHERE queue_id = ? AND state = ? AND entered <= ?'),
    delete: prep('DELETE FROM qui_records WHERE queue_id = ? AND id = ?'),
    dropWaiting: prep('DELETE FROM qui_waiting WHERE seq = ?'),
    dropDelayed: prep('DELETE FROM qui_delayed WHERE seq = ?'),
    isPaused: prep('SELECT 1 FROM qui_paused WHERE queue_id = ?').pluck(),
    pause: prep('INSERT OR IGNORE INTO qui_paused (queue_id) VALUES (?)'),
    resume: prep('DELETE FROM qui_paused WHERE queue_id = ?'),
    beat: prep(
      `INSERT INTO qui_leases (queue_id, process_id, beat, last_beat_at, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (queue_id, process_id) DO UPDATE SET beat = excluded.beat,
         last_beat_at = excluded.last_beat_at, expires_at = excluded.expires_at`,
    ),
    leave: prep('DELETE FROM qui_leases WHERE queue_id = ? AND process_id = ?'),
    leases: prep(
      'SELECT beat, last_beat_at, expires_at FROM qui_leases WHERE queue_id = ? AND expires_at > ?',
    ),
    expire: prep('DELETE FROM qui_leases WHERE queue_id = ? AND expires_at <= ?'),
  };
}

/**
 * Removes ended records of `state` (kept by `retention`) past retention, oldest first, at most
 * `max`: reads from the head of the state's index and stops at the first record kept, so the
 * cost is O(pruned). Inside the caller's transaction. @internal
 */
export function pruneEnded(
  s: RecordStatements,
  q: number,
  retention: ResolvedRetention[JobEndState],
  state: JobEndState,
  nowMs: number,
  max: number,
): number {
  if (max <= 0) return 0;
  const { maxAgeMs, maxCount } = retention;
  let n = s.count.get(q, state) as number;
  let pruned = 0;
  let upTo: number | undefined;
  for (const row of s.head.iterate(q, state) as Iterable<{ entered: number; finished_at: number }>) {
    if (pruned >= max || (n <= maxCount && !(nowMs - row.finished_at > maxAgeMs))) break;
    upTo = row.entered;
    n--;
    pruned++;
  }
  if (upTo !== undefined) s.pruneTo.run(q, state, upTo);
  return pruned;
}
