import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { StoreBroadcast } from './job-records';
import { EVENTS_KEPT } from './sqlite-schema';

type Statement = BetterSqlite3.Statement;

/**
 * Broadcasts of one queue across the connections on an SQLite file: a broadcast is delivered to
 * this store's own listeners at once, and written to qui_events for the others, which read it
 * when their data_version watch sees the commit. Writes made in the same turn share one commit
 * (flushed on `setImmediate`). At most once: a reader that falls more than EVENTS_KEPT rows
 * behind misses the oldest, and one that was not listening sees nothing of what came before.
 * @internal
 */
export class SqliteEvents {
  /** Tells this store's rows from the others': its own are never read back. */
  private readonly sender = randomUUID();
  private readonly listeners = new Set<(message: StoreBroadcast) => void>();
  private readonly insert: Statement;
  private readonly trim: Statement;
  private readonly newer: Statement;
  private readonly last: Statement;
  private readonly flushAll: BetterSqlite3.Transaction<(bodies: readonly string[]) => void>;
  private pending: string[] = [];
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  /** The newest row already read (or skipped, when listening started). */
  private seen = 0;

  constructor(
    db: BetterSqlite3.Database,
    private readonly queueId: number,
    private readonly watch: () => void,
  ) {
    this.insert = db.prepare('INSERT INTO qui_events (queue_id, sender, body) VALUES (?, ?, ?)');
    this.trim = db.prepare('DELETE FROM qui_events WHERE seq <= ?');
    this.last = db.prepare('SELECT coalesce(max(seq), 0) FROM qui_events').pluck();
    this.newer = db
      .prepare(
        'SELECT body FROM qui_events WHERE seq > ? AND seq <= ? AND queue_id = ? AND sender <> ? ORDER BY seq',
      )
      .pluck();
    this.flushAll = db.transaction((bodies: readonly string[]) => {
      for (const body of bodies) this.insert.run(this.queueId, this.sender, body);
      this.trim.run((this.last.get() as number) - EVENTS_KEPT);
    });
  }

  broadcast(message: StoreBroadcast): Promise<void> {
    this.deliver(message);
    this.pending.push(JSON.stringify(message));
    this.scheduled ??= setImmediate(() => this.flush());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  onBroadcast(listener: (message: StoreBroadcast) => void): () => void {
    // A wrapper per call, so the same function subscribed twice is called twice and stops once per stop.
    const own = (message: StoreBroadcast): void => listener(message);
    if (this.listeners.size === 0) this.seen = this.last.get() as number;
    this.listeners.add(own);
    this.watch();
    return () => this.listeners.delete(own);
  }

  /** Another connection committed: delivers the broadcasts it wrote for this queue. */
  read(): void {
    if (this.listeners.size === 0) return;
    let upTo: number;
    let bodies: string[];
    try {
      upTo = this.last.get() as number;
      if (upTo === this.seen) return;
      bodies = this.newer.all(this.seen, upTo, this.queueId, this.sender) as string[];
    } catch {
      return; // busy: read again on the next commit seen (this runs on the watch timer: never throw)
    }
    this.seen = upTo;
    for (const body of bodies) this.deliver(JSON.parse(body) as StoreBroadcast);
  }

  /** Writes what is pending now (before the store's connection closes). */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const bodies = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    if (bodies.length === 0) return;
    try {
      this.flushAll.immediate(bodies);
    } catch (thrown) {
      for (const w of waiters) w.reject(thrown);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  close(): void {
    this.flush();
    this.listeners.clear();
  }

  private deliver(message: StoreBroadcast): void {
    for (const listener of [...this.listeners]) listener(message);
  }
}
