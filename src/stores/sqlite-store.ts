import type BetterSqlite3 from 'better-sqlite3';
import { InvalidOptionsError, QuiError } from '../errors';
import { checkObject, checkOneOf, checkString, type Fail } from '../validate';
import type { Job } from './job';
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
 * One table for every queue in the file. `seq` (the rowid) is the FIFO order: SQLite gives a new
 * row max(seq) + 1, above every row still held, so order holds with no AUTOINCREMENT bookkeeping
 * (which would cost a write to sqlite_sequence per insert, about a third of the throughput);
 * `run_at` is NULL for due jobs and the due time for delayed ones. Promoting a due job re-inserts
 * it with a fresh `seq`, so it joins the tail of its priority and a reopen sees the same order.
 * `lane` is the priority's index, refreshed from the names at every open.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS qui_jobs (
  seq INTEGER PRIMARY KEY,
  queue TEXT NOT NULL,
  priority TEXT NOT NULL,
  lane INTEGER NOT NULL,
  run_at INTEGER,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qui_jobs_waiting ON qui_jobs (queue, lane, seq) WHERE run_at IS NULL;
CREATE INDEX IF NOT EXISTS qui_jobs_delayed ON qui_jobs (queue, run_at, seq) WHERE run_at IS NOT NULL;
`;

type Statement = BetterSqlite3.Statement;

/**
 * A {@link JobStore} on an SQLite file (better-sqlite3, WAL mode). Calls are synchronous: each
 * method returns once its transaction has committed, so `add` has stored the job and `take` has
 * deleted it, durably, before they return.
 * @internal
 */
export class SqliteJobStore implements JobStore {
  private readonly insert: Statement;
  private readonly anyDue: Statement;
  private readonly promoteDue: Statement;
  private readonly dropDue: Statement;
  private readonly takeHead: Statement;
  private readonly nextDue: Statement;
  private readonly countWaiting: Statement;
  private readonly countDelayed: Statement;
  private readonly countAll: Statement;
  private readonly insertMany: (rows: readonly (readonly unknown[])[]) => void;
  private readonly promoteTx: (nowMs: number) => void;
  private closed = false;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly queue: string,
    private readonly lanes: ReadonlyMap<string, number>,
  ) {
    this.insert = db.prepare(
      'INSERT INTO qui_jobs (queue, priority, lane, run_at, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.anyDue = db.prepare(
      'SELECT 1 FROM qui_jobs WHERE queue = ? AND run_at IS NOT NULL AND run_at <= ? LIMIT 1',
    );
    this.promoteDue = db.prepare(
      `INSERT INTO qui_jobs (queue, priority, lane, run_at, body)
       SELECT queue, priority, lane, NULL, body FROM qui_jobs
       WHERE queue = ? AND run_at IS NOT NULL AND run_at <= ? ORDER BY run_at, seq`,
    );
    this.dropDue = db.prepare('DELETE FROM qui_jobs WHERE queue = ? AND run_at IS NOT NULL AND run_at <= ?');
    this.takeHead = db
      .prepare(
        `DELETE FROM qui_jobs WHERE seq =
           (SELECT seq FROM qui_jobs WHERE queue = ? AND run_at IS NULL ORDER BY lane, seq LIMIT 1)
         RETURNING body`,
      )
      .pluck();
    this.nextDue = db
      .prepare('SELECT MIN(run_at) FROM qui_jobs WHERE queue = ? AND run_at IS NOT NULL')
      .pluck();
    this.countWaiting = db.prepare(
      `SELECT priority, COUNT(*) AS n FROM qui_jobs
       WHERE queue = ? AND (run_at IS NULL OR run_at <= ?) GROUP BY priority`,
    );
    this.countDelayed = db.prepare('SELECT COUNT(*) FROM qui_jobs WHERE queue = ? AND run_at > ?').pluck();
    this.countAll = db.prepare('SELECT COUNT(*) FROM qui_jobs WHERE queue = ?').pluck();
    this.insertMany = db.transaction((rows: readonly (readonly unknown[])[]) => {
      for (const row of rows) this.insert.run(row);
    });
    this.promoteTx = db.transaction((nowMs: number) => {
      this.promoteDue.run(queue, nowMs);
      this.dropDue.run(queue, nowMs);
    });
    // Lanes follow the priorities as declared now, whatever order they had when jobs were stored.
    const relane = db.prepare('UPDATE qui_jobs SET lane = ? WHERE queue = ? AND priority = ?');
    db.transaction(() => {
      for (const [name, lane] of lanes) relane.run(lane, queue, name);
    })();
  }

  add(job: Job, nowMs: number): void {
    this.insert.run(this.row(job, nowMs));
  }

  addMany(jobs: readonly Job[], nowMs: number): void {
    // Encode (and so validate) every job before the transaction: all or none.
    this.insertMany(jobs.map((job) => this.row(job, nowMs)));
  }

  take(nowMs: number): Job | undefined {
    this.open();
    // Calls are synchronous, so nothing of this process runs between the check and the promotion.
    if (this.anyDue.get(this.queue, nowMs) !== undefined) this.promoteTx(nowMs);
    const body = this.takeHead.get(this.queue) as string | undefined;
    return body === undefined ? undefined : decodeJob(body);
  }

  nextDueAtMs(): number | undefined {
    this.open();
    const at = this.nextDue.get(this.queue) as number | null;
    return at ?? undefined;
  }

  counts(nowMs: number): StoreCounts {
    this.open();
    const waiting: Record<string, number> = {};
    for (const name of this.lanes.keys()) waiting[name] = 0;
    for (const row of this.countWaiting.all(this.queue, nowMs) as { priority: string; n: number }[]) {
      waiting[row.priority] = row.n;
    }
    return { waiting, delayed: this.countDelayed.get(this.queue, nowMs) as number };
  }

  size(): number {
    this.open();
    return this.countAll.get(this.queue) as number;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private open(): void {
    if (this.closed) throw storeClosedError('sqlite');
  }

  private row(job: Job, nowMs: number): readonly unknown[] {
    this.open();
    const lane = this.lanes.get(job.priority);
    if (lane === undefined) throw unknownPriorityError(job, this.lanes);
    const delayed = job.runAtMs !== undefined && job.runAtMs > nowMs;
    return [this.queue, job.priority, lane, delayed ? job.runAtMs : null, encodeJob(job)];
  }
}

/** Loads better-sqlite3 on first use: it is an optional peer dependency. @internal */
function loadBetterSqlite3(): typeof BetterSqlite3 {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('better-sqlite3') as typeof BetterSqlite3;
  } catch (thrown) {
    throw new QuiError(
      'ERR_MISSING_PEER',
      'sqliteStore needs better-sqlite3: npm install better-sqlite3@12',
      {
        cause: thrown,
      },
    );
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
      const Database = loadBetterSqlite3();
      let db: BetterSqlite3.Database | undefined;
      try {
        db = new Database(resolved.path);
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${resolved.synchronous.toUpperCase()}`);
        db.pragma('busy_timeout = 5000');
        db.exec(SCHEMA);
        return new SqliteJobStore(db, config.queue, lanes);
      } catch (thrown) {
        db?.close();
        throw new QuiError('ERR_STORE', `sqliteStore could not open ${resolved.path}`, { cause: thrown });
      }
    },
  });
}
