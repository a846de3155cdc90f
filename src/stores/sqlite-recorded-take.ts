import type BetterSqlite3 from 'better-sqlite3';
import type { Job } from '../jobs/job';
import type { Undecodable } from './sqlite-record-row';
import type { SqliteJobRecords } from './sqlite-records';

/** Rows a take removed from qui_waiting. */
type Taken = { seq: bigint; body: string }[];

/** What {@link recordedTake} needs of its store. @internal */
export interface RecordedTakeHost {
  /** The queue's seq range in qui_waiting. */
  readonly range: { readonly lo: bigint; readonly hi: bigint };
  readonly queueId: number;
  /** Moves due delayed jobs to their lanes (inside the caller's transaction). */
  promote(nowMs: number): void;
}

/**
 * The take of a store keeping records, run inside its transaction: up to `n` jobs out of
 * qui_waiting in line order, each record made active (`records.takenRows`); nothing while paused.
 * Taking one job while the queue is not paused and nothing delayed is due is one statement: it
 * checks both itself, and `seq = (…)` costs about half of `seq IN (…)`, which builds a temporary
 * table per run. `takeFirst` is the store's statement for `n` jobs. @internal
 */
export function recordedTake(
  db: BetterSqlite3.Database,
  records: SqliteJobRecords,
  takeFirst: BetterSqlite3.Statement,
  host: RecordedTakeHost,
): (n: number, nowMs: number) => (Job | Undecodable)[] {
  const head = 'seq = (SELECT seq FROM qui_waiting WHERE seq > @lo AND seq < @hi ORDER BY seq LIMIT 1)';
  const takeOne = db.prepare(`DELETE FROM qui_waiting WHERE ${head} RETURNING seq, body`).safeIntegers(true);
  const takeOneReady = db
    .prepare(
      `DELETE FROM qui_waiting WHERE ${head}
         AND NOT EXISTS (SELECT 1 FROM qui_delayed WHERE queue_id = @queue AND run_at <= @now)
         AND NOT EXISTS (SELECT 1 FROM qui_paused WHERE queue_id = @queue)
       RETURNING seq, body`,
    )
    .safeIntegers(true);
  const { range, queueId } = host;
  return (n, nowMs) => {
    if (n === 1) {
      const ready = takeOneReady.all({ ...range, queue: queueId, now: nowMs }) as Taken;
      if (ready.length > 0) return records.takenRows(ready, nowMs);
    }
    if (records.paused()) return [];
    host.promote(nowMs);
    const rows = (n === 1 ? takeOne.all(range) : takeFirst.all({ ...range, n })) as Taken;
    // RETURNING follows no promised order: sort by seq, the line.
    if (n > 1) rows.sort((a, b) => (a.seq < b.seq ? -1 : 1));
    return records.takenRows(rows, nowMs);
  };
}
