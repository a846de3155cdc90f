import type BetterSqlite3 from 'better-sqlite3';

/**
 * One timer per process for every SQLite store that watches its file for commits of other
 * connections: each tick calls every watcher's `check` (one `PRAGMA data_version` read each), so
 * the cost of a tick is one timer callback whatever the number of queues. The timer runs only
 * while something is watched and is unref'd: it never keeps a process alive. @internal
 */

/**
 * How often a listening SQLite store reads `PRAGMA data_version` to notice commits of other
 * processes: a job enqueued by another process starts here within about this long. @internal
 */
export const SQLITE_WATCH_INTERVAL_MS = 15;

/** A store watching its file. @internal */
export interface SqliteWatcher {
  check(): void;
}

const watchers = new Set<SqliteWatcher>();
let timer: NodeJS.Timeout | undefined;

function tick(): void {
  for (const watcher of watchers) watcher.check();
}

/** Starts calling `watcher.check` every {@link SQLITE_WATCH_INTERVAL_MS} ms. @internal */
export function watchSqlite(watcher: SqliteWatcher): void {
  watchers.add(watcher);
  if (timer !== undefined) return;
  timer = setInterval(tick, SQLITE_WATCH_INTERVAL_MS);
  timer.unref();
}

/** Stops calling `watcher.check`; the timer stops with the last watcher. @internal */
export function unwatchSqlite(watcher: SqliteWatcher): void {
  watchers.delete(watcher);
  if (watchers.size > 0 || timer === undefined) return;
  clearInterval(timer);
  timer = undefined;
}

/**
 * Watches `db` for commits of other connections: `changed` is called on the first tick after
 * each (one `PRAGMA data_version` read per tick; the value changes only for commits made through
 * other connections, so the store's own writes never call it). Stop it with {@link unwatchSqlite}.
 * @internal
 */
export function watchCommits(db: BetterSqlite3.Database, changed: () => void): SqliteWatcher {
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let seen = dataVersion.get() as number;
  const watcher: SqliteWatcher = {
    check: () => {
      let now: number;
      try {
        now = dataVersion.get() as number;
      } catch {
        return; // busy: look again next tick
      }
      if (now === seen) return;
      seen = now;
      changed();
    },
  };
  watchSqlite(watcher);
  return watcher;
}
