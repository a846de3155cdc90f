import type BetterSqlite3 from 'better-sqlite3';
import { InvalidOptionsError, QuiError } from '../errors';
import { checkObject, checkOneOf, checkString, type Fail } from '../validate';
import type { Job } from '../jobs/job';
import { decodeJob, encodeJob } from './job-codec';
import {
  priorityLanes,
  storeClosedError,
  unknownPriorityError,
  type JobStore,
  type JobStoreFactory,
  type StoreConfig,
  type StoreCounts,
} from './job-store';

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file; created if absent. Several queues may share one file. */
  readonly path: string;
  /**
   * SQLite's `synchronous` pragma. `'normal'` (with WAL) keeps every committed job through a crash
   * of the process; `'full'` also through a power loss or OS crash, at the cost of an fsync per commit.
   * @defaultValue 'normal'
   */
  readonly synchronous?: 'normal' | 'full';
}

/** The filled-in twin of {@link SqliteStoreOptions}. @internal */
export interface ResolvedSqliteStoreOptions {
  readonly path: string;
  readonly synchronous: 'normal' | 'full';
}

/** Defaults of {@link SqliteStoreOptions}. */
export const DEFAULT_SQLITE_STORE_OPTIONS = Object.freeze({ synchronous: 'normal' as const });

const fail: Fail = (path, problem) => new InvalidOptionsError(path, problem);

/** Validates {@link SqliteStoreOptions}, naming the faulty field. @internal */
export function resolveSqliteStoreOptions(options: unknown): ResolvedSqliteStoreOptions {
  const o = checkObject(options, '', ['path', 'synchronous'], fail);
  return Object.freeze({
    path: checkString(o.path, 'path', fail),
    synchronous:
      o.synchronous === undefined
        ? DEFAULT_SQLITE_STORE_OPTIONS.synchronous
        : checkOneOf(o.synchronous, 'synchronous', ['normal', 'full'] as const, fail),
  });
}

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
const SCHEMA = `
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
const QUEUE_SHIFT = 52n;
const LANE_SHIFT = 44n;
/** Queue ids fit in 11 bits, lanes in 8 (the last one for jobs of priorities no longer declared). */
const MAX_QUEUES = 2_047;
/** Most priorities a queue on SQLite may declare. @internal */
export const SQLITE_MAX_PRIORITIES = 255;

type Statement = BetterSqlite3.Statement;
/** The seq range of one lane or one queue: rows with lo < seq < hi. */
interface Range {
  readonly lo: bigint;
  readonly hi: bigint;
}

/**
 * A {@link JobStore} on an SQLite file (better-sqlite3, WAL mode). Calls are synchronous: each
 * method returns once its transaction has committed, so `add` has stored the job and `take` has
 * deleted it, durably, before they return. A take is one statement (one commit) while no delayed
 * job is due; the statement itself checks that, so stores sharing the file need no cache to agree.
 * Made by `sqliteStore().create`; its constructor is not public.
 */
export class SqliteJobStore implements JobStore {
  private readonly queueId: number;
  /** One range per lane, the last one for priorities no longer declared. */
  private readonly laneRanges: readonly Range[];
  private readonly range: Range;
  private readonly append: Statement;
  private readonly lastSeq: Statement;
  private readonly insertAt: Statement;
  private readonly insertDelayed: Statement;
  private readonly takeHead: Statement;
  private readonly dueRows: Statement;
  private readonly dropDue: Statement;
  private readonly nextDue: Statement;
  private readonly countDue: Statement;
  private readonly countDelayed: Statement;
  private readonly countAll: Statement;
  private readonly insertMany: BetterSqlite3.Transaction<(jobs: readonly Row[]) => void>;
  private readonly takeSome: BetterSqlite3.Transaction<(n: number, nowMs: number) => string[]>;
  private closed = false;

  /** @internal */
  constructor(
    private readonly db: BetterSqlite3.Database,
    queue: string,
    private readonly lanes: ReadonlyMap<string, number>,
  ) {
    this.queueId = db.transaction(() => openQueue(db, queue)).immediate();
    const q = BigInt(this.queueId);
    this.range = { lo: q << QUEUE_SHIFT, hi: (q + 1n) << QUEUE_SHIFT };
    this.laneRanges = Array.from({ length: lanes.size + 1 }, (_, lane) => {
      const lo = (q << QUEUE_SHIFT) | (BigInt(lane) << LANE_SHIFT);
      return { lo, hi: lo + (1n << LANE_SHIFT) };
    });
    // Appends after the last job of the lane; no row at all when the lane's numbers are spent.
    this.append = db.prepare(
      `INSERT INTO qui_waiting (seq, priority, body)
       SELECT n, @priority, @body
       FROM (SELECT coalesce((SELECT max(seq) FROM qui_waiting WHERE seq > @lo AND seq < @hi), @lo) + 1 AS n)
       WHERE n < @hi`,
    );
    this.insertDelayed = db.prepare(
      'INSERT INTO qui_delayed (queue_id, priority, lane, run_at, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.takeHead = db
      .prepare(
        `DELETE FROM qui_waiting
         WHERE seq = (SELECT seq FROM qui_waiting WHERE seq > @lo AND seq < @hi ORDER BY seq LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM qui_delayed WHERE queue_id = @queue AND run_at <= @now)
         RETURNING body`,
      )
      .pluck();
    this.dueRows = db.prepare(
      'SELECT priority, lane, body FROM qui_delayed WHERE queue_id = ? AND run_at <= ? ORDER BY run_at, seq',
    );
    this.dropDue = db.prepare('DELETE FROM qui_delayed WHERE queue_id = ? AND run_at <= ?');
    this.nextDue = db.prepare('SELECT min(run_at) FROM qui_delayed WHERE queue_id = ?').pluck();
    this.countDue = db.prepare(
      `SELECT priority, count(*) AS n FROM qui_waiting WHERE seq > @lo AND seq < @hi GROUP BY priority
       UNION ALL
       SELECT priority, count(*) FROM qui_delayed WHERE queue_id = @queue AND run_at <= @now GROUP BY priority`,
    );
    this.countDelayed = db
      .prepare('SELECT count(*) FROM qui_delayed WHERE queue_id = ? AND run_at > ?')
      .pluck();
    this.countAll = db
      .prepare(
        `SELECT (SELECT count(*) FROM qui_waiting WHERE seq > @lo AND seq < @hi)
              + (SELECT count(*) FROM qui_delayed WHERE queue_id = @queue)`,
      )
      .pluck();
    this.lastSeq = db
      .prepare('SELECT max(seq) FROM qui_waiting WHERE seq > @lo AND seq < @hi')
      .pluck()
      .safeIntegers(true);
    this.insertAt = db.prepare('INSERT INTO qui_waiting (seq, priority, body) VALUES (?, ?, ?)');
    this.insertMany = db.transaction((rows: readonly Row[]) => {
      const tails = new Map<number, bigint>();
      for (const row of rows) this.store(row, tails);
    });
    const takeFirst = db
      .prepare(
        `DELETE FROM qui_waiting
         WHERE seq IN (SELECT seq FROM qui_waiting WHERE seq > @lo AND seq < @hi ORDER BY seq LIMIT @n)
         RETURNING seq, body`,
      )
      .safeIntegers(true);
    this.takeSome = db.transaction((n: number, nowMs: number): string[] => {
      this.promote(nowMs);
      // RETURNING follows no promised order: sort by seq, the line.
      const rows = takeFirst.all({ ...this.range, n }) as { seq: bigint; body: string }[];
      return rows.sort((a, b) => (a.seq < b.seq ? -1 : 1)).map((r) => r.body);
    });
    db.transaction(() => this.relane()).immediate();
  }

  add(job: Job, nowMs: number): void {
    this.store(this.row(job, nowMs));
  }

  addMany(jobs: readonly Job[], nowMs: number): void {
    // Encode (and so validate) every job before the transaction: all or none.
    // IMMEDIATE: the batch reads its lanes' tails, which no other connection may move before it writes.
    this.insertMany.immediate(jobs.map((job) => this.row(job, nowMs)));
  }

  take(nowMs: number): Job | undefined {
    this.open();
    // One statement while nothing delayed is due; else (or when empty) promote, then take, in one transaction.
    const body =
      (this.takeHead.get({ ...this.range, queue: this.queueId, now: nowMs }) as string | undefined) ??
      this.takeSome.immediate(1, nowMs)[0];
    return body === undefined ? undefined : decodeJob(body);
  }

  /** Takes up to `n` due jobs in one transaction (one commit), in line order. */
  takeMany(n: number, nowMs: number): Job[] {
    this.open();
    if (!(n >= 1)) return [];
    return this.takeSome.immediate(Math.floor(n), nowMs).map(decodeJob);
  }

  nextDueAtMs(): number | undefined {
    this.open();
    const at = this.nextDue.get(this.queueId) as number | null;
    return at ?? undefined;
  }

  counts(nowMs: number): StoreCounts {
    this.open();
    const waiting: Record<string, number> = {};
    for (const name of this.lanes.keys()) waiting[name] = 0;
    const rows = this.countDue.all({ ...this.range, queue: this.queueId, now: nowMs });
    for (const row of rows as { priority: string; n: number }[])
      waiting[row.priority] = (waiting[row.priority] ?? 0) + row.n;
    return { waiting, delayed: this.countDelayed.get(this.queueId, nowMs) as number };
  }

  size(): number {
    this.open();
    return this.countAll.get({ ...this.range, queue: this.queueId }) as number;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private open(): void {
    if (this.closed) throw storeClosedError('sqlite');
  }

  private row(job: Job, nowMs: number): Row {
    this.open();
    const lane = this.lanes.get(job.priority);
    if (lane === undefined) throw unknownPriorityError(job, this.lanes);
    const delayed = job.runAtMs !== undefined && job.runAtMs > nowMs;
    return { priority: job.priority, lane, runAtMs: delayed ? job.runAtMs : undefined, body: encodeJob(job) };
  }

  /**
   * Stores one row. Inside a transaction, `tails` (the last seq of each lane, read once) lets a
   * batch insert plain rows: no other writer can append meanwhile.
   */
  private store(row: Row, tails?: Map<number, bigint>): void {
    if (row.runAtMs !== undefined) {
      this.insertDelayed.run(this.queueId, row.priority, row.lane, row.runAtMs, row.body);
      return;
    }
    const lane = Math.min(row.lane, this.lanes.size);
    const range = this.laneRanges[lane] as Range;
    let stored: boolean;
    if (tails === undefined) {
      stored = this.append.run({ ...range, priority: row.priority, body: row.body }).changes > 0;
    } else {
      const seq = (tails.get(lane) ?? (this.lastSeq.get(range) as bigint | null) ?? range.lo) + 1n;
      tails.set(lane, seq);
      stored = seq < range.hi && this.insertAt.run(seq, row.priority, row.body).changes > 0;
    }
    if (!stored) {
      throw new QuiError(
        'ERR_STORE',
        `sqlite store: priority ${row.priority} has used up its 2^44 sequence numbers`,
      );
    }
  }

  /** Moves due delayed jobs to the tails of their lanes, by due time then insertion. In a transaction. */
  private promote(nowMs: number): void {
    const due = this.dueRows.all(this.queueId, nowMs) as Omit<Row, 'runAtMs'>[];
    if (due.length === 0) return;
    const tails = new Map<number, bigint>();
    for (const row of due) this.store({ ...row, runAtMs: undefined }, tails);
    this.dropDue.run(this.queueId, nowMs);
  }

  /**
   * Lanes follow the priorities as declared now, whatever order they had when jobs were stored;
   * priorities no longer declared go to the last lane. In a transaction, at open.
   */
  private relane(): void {
    const leftover = this.lanes.size;
    const laneOf = (priority: string): number => this.lanes.get(priority) ?? leftover;
    const setLane = this.db.prepare('UPDATE qui_delayed SET lane = ? WHERE queue_id = ? AND priority = ?');
    const delayed = this.db.prepare('SELECT DISTINCT priority FROM qui_delayed WHERE queue_id = ?').pluck();
    for (const priority of delayed.all(this.queueId) as string[])
      setLane.run(laneOf(priority), this.queueId, priority);

    const placed = this.db.prepare(
      'SELECT DISTINCT priority, (seq >> 44) & 255 AS lane FROM qui_waiting WHERE seq > @lo AND seq < @hi',
    );
    const rows = placed.all(this.range) as { priority: string; lane: number }[];
    if (rows.every((r) => r.lane === laneOf(r.priority))) return;
    // Take the queue's jobs out in their order and append each to its new lane: FIFO is kept.
    const all = this.db
      .prepare('DELETE FROM qui_waiting WHERE seq > @lo AND seq < @hi RETURNING seq, priority, body')
      .safeIntegers(true)
      .all(this.range) as { seq: bigint; priority: string; body: string }[];
    all.sort((a, b) => (a.seq < b.seq ? -1 : 1));
    const tails = new Map<number, bigint>();
    for (const r of all) {
      this.store({ priority: r.priority, lane: laneOf(r.priority), runAtMs: undefined, body: r.body }, tails);
    }
  }
}

/** A job as stored: its lane, and its due time when delayed. */
interface Row {
  readonly priority: string;
  readonly lane: number;
  readonly runAtMs: number | undefined;
  readonly body: string;
}

/** Creates the schema if absent and returns the queue's id, registering the queue on first use. */
function openQueue(db: BetterSqlite3.Database, queue: string): number {
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

/** Loads better-sqlite3 on first use: it is an optional peer dependency. @internal */
function loadBetterSqlite3(): typeof BetterSqlite3 {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('better-sqlite3') as typeof BetterSqlite3;
  } catch (thrown) {
    const problem = 'sqliteStore needs better-sqlite3: npm install better-sqlite3@12';
    throw new QuiError('ERR_MISSING_PEER', problem, { cause: thrown });
  }
}

/** The {@link JobStoreFactory} made by {@link sqliteStore}: its stores answer synchronously. */
export interface SqliteStoreFactory extends JobStoreFactory {
  create(config: StoreConfig): SqliteJobStore;
}

/**
 * A durable store in an SQLite file: jobs survive a crash or restart of the process, in their
 * original order. `add` returns once the job is committed; `take` commits the job's deletion
 * before returning it (at-most-once). Methods answer synchronously. Needs the optional peer
 * dependency `better-sqlite3` (major 12).
 * @throws {InvalidOptionsError} naming the field when `options` are invalid (unknown keys too).
 * @throws {QuiError} `ERR_MISSING_PEER` from `create` when better-sqlite3 is not installed.
 * @example
 * const store = sqliteStore({ path: './data/jobs.db' });
 * defineQueue({ name: 'emails', store, workers: { count: 4, processor } });
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStoreFactory {
  const resolved = resolveSqliteStoreOptions(options);
  return Object.freeze({
    kind: 'sqlite',
    serializes: true,
    create(config: StoreConfig): SqliteJobStore {
      const lanes = priorityLanes(config);
      if (lanes.size > SQLITE_MAX_PRIORITIES) {
        throw new InvalidOptionsError(
          'priorities',
          `sqliteStore keeps at most ${SQLITE_MAX_PRIORITIES} priorities, got ${lanes.size}`,
        );
      }
      const Database = loadBetterSqlite3();
      let db: BetterSqlite3.Database | undefined;
      try {
        db = new Database(resolved.path);
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${resolved.synchronous.toUpperCase()}`);
        db.pragma('busy_timeout = 5000');
        return new SqliteJobStore(db, config.queue, lanes);
      } catch (thrown) {
        db?.close();
        throw new QuiError('ERR_STORE', `sqliteStore could not open ${resolved.path}`, { cause: thrown });
      }
    },
  });
}
