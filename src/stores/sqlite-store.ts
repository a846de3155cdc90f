import type BetterSqlite3 from 'better-sqlite3';
import { InvalidOptionsError, QuiError } from '../errors';
import { checkObject, checkOneOf, checkString, type Fail } from '../validate';
import { priorityLanes, type JobStoreFactory, type StoreConfig } from './job-store';
import { SqliteJobStore } from './sqlite-job-store';
import { SQLITE_MAX_PRIORITIES } from './sqlite-schema';

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

/** Loads better-sqlite3 on first use: it is an optional peer dependency. @internal */
export function loadBetterSqlite3(): typeof BetterSqlite3 {
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
 * before returning it (at-most-once). Methods answer synchronously. Given `StoreConfig.records`,
 * the store keeps job records in the same file, each moved in its job's own transaction, shared
 * by every process on the file (tables and costs: docs/guides/durability.md). Needs the optional
 * peer dependency `better-sqlite3` (major 12).
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
        return new SqliteJobStore(db, config, lanes);
      } catch (thrown) {
        db?.close();
        throw new QuiError('ERR_STORE', `sqliteStore could not open ${resolved.path}`, { cause: thrown });
      }
    },
  });
}
