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

/*
 * Records (only for queues opened with `StoreConfig.records`). Added with CREATE … IF NOT EXISTS:
 * a file of this schema gains them on first open with records, nothing is migrated, and a store
 * without records never reads or writes them.
 * - qui_records: one row per job, rowid in insertion order (job ids are random: a table keyed by
 *   them would write a random page per add; here only the small (queue, id) index does). `job` is
 *   the job as last stored or taken (encodeJob); `waiting_seq` / `delayed_seq` point at its row
 *   while the job is held, so cancel and remove delete it without a search. `entered` orders a
 *   state's records (pages newest first, pruning oldest first): a per-state sequence, never reused.
 * - qui_record_counts: per queue and state, the number of records (`n`) and the last `entered`
 *   handed out (`seq`). Triggers keep it exact in the same transaction as every insert, delete and
 *   state move, so `counts()` reads 8 rows, never COUNT(*).
 * - qui_paused: a row while the queue is paused. qui_leases: one row per process heartbeating.
 * - qui_events: broadcasts, read by the other connections on the file when their data_version
 *   watch sees a commit; trimmed, EVENTS_TRIM_EVERY rows at a time, to the last EVENTS_KEPT rows.
 *   `seq` is a plain rowid (max + 1; files made before keep AUTOINCREMENT, which writes a page of
 *   sqlite_sequence per commit): the trim never deletes the newest row, so no seq is handed out twice.
 */
export const RECORDS_SCHEMA = `
CREATE TABLE IF NOT EXISTS qui_records (
  rid INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  state TEXT NOT NULL,
  entered INTEGER NOT NULL,
  job TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  error TEXT,
  result TEXT,
  progress TEXT,
  process_id TEXT,
  worker TEXT,
  reason TEXT,
  waiting_seq INTEGER,
  delayed_seq INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS qui_records_id ON qui_records (queue_id, id);
CREATE INDEX IF NOT EXISTS qui_records_state ON qui_records (queue_id, state, entered);
CREATE TABLE IF NOT EXISTS qui_record_counts (
  queue_id INTEGER NOT NULL,
  state TEXT NOT NULL,
  n INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (queue_id, state)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS qui_records_insert AFTER INSERT ON qui_records BEGIN
  UPDATE qui_record_counts SET n = n + 1, seq = max(seq, NEW.entered)
  WHERE queue_id = NEW.queue_id AND state = NEW.state;
END;
CREATE TRIGGER IF NOT EXISTS qui_records_delete AFTER DELETE ON qui_records BEGIN
  UPDATE qui_record_counts SET n = n - 1 WHERE queue_id = OLD.queue_id AND state = OLD.state;
END;
CREATE TRIGGER IF NOT EXISTS qui_records_move AFTER UPDATE OF entered ON qui_records
WHEN OLD.entered IS NOT NEW.entered OR OLD.state IS NOT NEW.state BEGIN
  UPDATE qui_record_counts SET n = n - 1 WHERE queue_id = OLD.queue_id AND state = OLD.state;
  UPDATE qui_record_counts SET n = n + 1, seq = max(seq, NEW.entered)
  WHERE queue_id = NEW.queue_id AND state = NEW.state;
END;
CREATE TABLE IF NOT EXISTS qui_paused (queue_id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS qui_leases (
  queue_id INTEGER NOT NULL,
  process_id TEXT NOT NULL,
  beat TEXT NOT NULL,
  last_beat_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, process_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS qui_events (
  seq INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL,
  sender TEXT NOT NULL,
  body TEXT NOT NULL
);
`;

/**
 * `wal_autocheckpoint` (in pages of 4 KiB) of a connection keeping records, against SQLite's
 * 1,000: a checkpoint, with its fsync, every ~40 MB of WAL instead of every ~4 MB. Measured on
 * the store-throughput bench: 1.4x to 1.9x the add+take+finish rate. @internal
 */
export const RECORDS_WAL_AUTOCHECKPOINT = 10_000;

/** Broadcasts kept in qui_events (for the whole file): a reader further behind misses the oldest. */
export const EVENTS_KEPT = 10_000;

/**
 * A connection trims qui_events once it has written this many rows past EVENTS_KEPT, so that the
 * table holds between EVENTS_KEPT and EVENTS_KEPT + EVENTS_TRIM_EVERY rows: one DELETE (and its
 * pages) per this many broadcasts instead of one per commit. @internal
 */
export const EVENTS_TRIM_EVERY = 256;

/** Creates the records tables if absent and the queue's count rows. In a transaction. @internal */
export function openRecords(db: BetterSqlite3.Database, queueId: number, states: readonly string[]): void {
  db.exec(RECORDS_SCHEMA);
  const row = db.prepare('INSERT OR IGNORE INTO qui_record_counts (queue_id, state) VALUES (?, ?)');
  for (const state of states) row.run(queueId, state);
}
