import type BetterSqlite3 from 'better-sqlite3';
import { QuiError } from '../errors';

/*
 * Schema. A waiting job's `seq` (the rowid of `qui_waiting`) is its place in line:
 *   seq = queue id << 52 | lane << 44 | n
 * so the table's own b-tree is the queue, in priority-then-FIFO order, and no secondary index is
 * needed: a take deletes the first row of the queue's range and an add appends after the last row
 * of its lane's range, each writing one page (two with an index: about 1.5x the commit cost). `n`
 * is one more than the highest `n` still in the lane, so it stays above every job waiting there and
 * a reopen sees the same order. Queue ids are kept in `qui_queues` (at most 2,047 queues a file).
 * Delayed jobs wait in `qui_delayed` (rowid = insertion order, indexed by due time); once due they
 * are appended to their lane in (due time, insertion) order.
 * seq is only ever computed and compared in SQL: above 2^53 a JavaScript number is not exact.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS qui_queues (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS qui_waiting (seq INTEGER PRIMARY KEY, priority TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS qui_delayed (
  seq INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL,
  priority TEXT NOT NULL,
  lane INTEGER NOT NULL,
  run_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qui_delayed_due ON qui_delayed (queue_id, run_at, seq);
`;

/** Bits of a waiting job's seq: queue id, then lane, then its number within the lane. */
export const QUEUE_SHIFT = 52n;
export const LANE_SHIFT = 44n;
/** Queue ids fit in 11 bits, lanes in 8 (the last one for jobs of priorities no longer declared). */
export const MAX_QUEUES = 2_047;
/** Most priorities a queue on SQLite may declare. @internal */
export const SQLITE_MAX_PRIORITIES = 255;

/** Creates the schema if absent and returns the queue's id, registering the queue on first use. @internal */
export function openQueue(db: BetterSqlite3.Database, queue: string): number {
  // The pre-release schema kept every job in one indexed table: refuse rather than ignore its jobs.
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'qui_jobs'").get() !== undefined) {
    throw new QuiError('ERR_STORE', 'the file holds jobs in the pre-release table qui_jobs; drain it first');
  }
  db.exec(SCHEMA);
  db.prepare('INSERT OR IGNORE INTO qui_queues (name) VALUES (?)').run(queue);
  const id = db.prepare('SELECT id FROM qui_queues WHERE name = ?').pluck().get(queue) as number;
  if (id > MAX_QUEUES) throw new QuiError('ERR_STORE', `an SQLite file holds at most ${MAX_QUEUES} queues`);
  return id;
}
