import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { StoreBroadcast } from './job-records';
import type { PendingWrites } from './sqlite-commits';
import { EVENTS_KEPT, EVENTS_TRIM_EVERY } from './sqlite-schema';

type Statement = BetterSqlite3.Statement;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Broadcasts of one queue across the connections on an SQLite file: a broadcast is delivered to
 * this store's own listeners at once, and written to qui_events for the others, which read it
 * when their data_version watch sees the commit. The rows wait for the connection's next commit
 * (see {@link SqliteCommits}: a take's or an add's, else one on `setImmediate`), and a broadcast
 * resolves once its row is committed. At most once: a reader that falls more than EVENTS_KEPT rows
 * behind misses the oldest, and one that was not listening sees nothing of what came before.
 * @internal
 */
export class SqliteEvents implements PendingWrites {
  /** Tells this store's rows from the others': its own are never read back. */
  private readonly sender = randomUUID();
  private readonly listeners = new Set<(message: StoreBroadcast) => void>();
  private readonly insert: Statement;
  private readonly trim: Statement;
  private readonly newer: Statement;
  private readonly last: Statement;
  private queued: string[] = [];
  private waiters: Waiter[] = [];
  /** Written in the open transaction, settled when it commits. */
  private written: { bodies: string[]; waiters: Waiter[]; trimmed: number } | undefined;
  /** The newest row already read (or skipped, when listening started). */
  private seen = 0;
  /** Rows up to here were deleted by this connection's last trim. */
  private trimmed = 0;

  constructor(
    db: BetterSqlite3.Database,
    private readonly queueId: number,
    private readonly watch: () => void,
    private readonly schedule: () => void,
  ) {
    this.insert = db.prepare('INSERT INTO qui_events (queue_id, sender, body) VALUES (?, ?, ?)');
    this.trim = db.prepare('DELETE FROM qui_events WHERE seq <= ?');
    this.last = db.prepare('SELECT coalesce(max(seq), 0) FROM qui_events').pluck();
    this.newer = db
      .prepare(
        'SELECT body FROM qui_events WHERE seq > ? AND seq <= ? AND queue_id = ? AND sender <> ? ORDER BY seq',
      )
      .pluck();
  }

  get pending(): boolean {
    return this.queued.length > 0;
  }

  broadcast(message: StoreBroadcast): Promise<void> {
    this.deliver(message);
    this.queued.push(JSON.stringify(message));
    this.schedule();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  write(): void {
    const bodies = this.queued;
    let last = 0;
    for (const body of bodies)
      last = Number(this.insert.run(this.queueId, this.sender, body).lastInsertRowid);
    let trimmed = this.trimmed;
    if (last - EVENTS_KEPT >= trimmed + EVENTS_TRIM_EVERY) {
      trimmed = last - EVENTS_KEPT;
      this.trim.run(trimmed);
    }
    this.written = { bodies, waiters: this.waiters, trimmed };
    this.queued = [];
    this.waiters = [];
  }

  committed(): void {
    const done = this.written;
    this.written = undefined;
    if (done === undefined) return;
    this.trimmed = done.trimmed;
    for (const w of done.waiters) w.resolve();
  }

  rolledBack(): void {
    const back = this.written;
    if (back === undefined) return;
    this.written = undefined;
    this.queued = back.bodies.concat(this.queued);
    this.waiters = back.waiters.concat(this.waiters);
  }

  fail(error: unknown): void {
    const failed = this.waiters;
    this.queued = [];
    this.waiters = [];
    for (const w of failed) w.reject(error);
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

  /** Stops delivering; the store has committed what was pending (SqliteCommits.flush) first. */
  close(): void {
    this.listeners.clear();
  }

  private deliver(message: StoreBroadcast): void {
    for (const listener of [...this.listeners]) listener(message);
  }
}
