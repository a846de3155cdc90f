import type BetterSqlite3 from 'better-sqlite3';
import { QuiError } from '../errors';
import type { Job } from '../jobs/job';
import { decodeJob, encodeJob, storedJobId } from './job-codec';
import {
  exceedsLimit,
  hasLimit,
  queueFullError,
  reportUndecodable,
  storeClosedError,
  unknownPriorityError,
  type JobStore,
  type StoreConfig,
  type StoreCounts,
} from './job-store';
import type { JobRecords } from './job-records';
import { sqliteQueueMode, type QueueMode } from './queue-mode';
import type { Slot, Undecodable } from './sqlite-record-row';
import { SqliteJobRecords } from './sqlite-records';
import { recordedTake } from './sqlite-recorded-take';
import { LANE_SHIFT, QUEUE_SHIFT, openQueue } from './sqlite-schema';
import { unwatchSqlite, watchCommits, type SqliteWatcher } from './sqlite-watch';

type Statement = BetterSqlite3.Statement;

/** The seq range of one lane or one queue: rows with lo < seq < hi. */
type Range = { readonly lo: bigint; readonly hi: bigint };

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
  /** Stores rows (and, with records, their records) inside the caller's transaction. */
  private readonly insertRows: (rows: readonly Row[], limit?: number, jobs?: readonly Job[]) => void;
  private readonly insertMany: BetterSqlite3.Transaction<
    (rows: readonly Row[], limit?: number, jobs?: readonly Job[]) => void
  >;
  private readonly takeSome: BetterSqlite3.Transaction<(n: number, nowMs: number) => string[]>;
  /** With records: a take, its promotions and the records' moves (run in `rec.commit`). */
  private readonly takeRecorded: ((n: number, nowMs: number) => (Job | Undecodable)[]) | undefined;
  /** The job records, when the queue keeps them (`StoreConfig.records`). */
  readonly records: JobRecords | undefined;
  /** The same object as `records`, with the calls the store makes inside its transactions. */
  private readonly rec: SqliteJobRecords | undefined;
  private readonly listeners = new Set<() => void>();
  private watcher: SqliteWatcher | undefined;
  private closed = false;

  /** @internal */
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly config: StoreConfig,
    private readonly lanes: ReadonlyMap<string, number>,
  ) {
    const queue = config.queue;
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
      'SELECT seq, priority, lane, body FROM qui_delayed WHERE queue_id = ? AND run_at <= ? ORDER BY run_at, seq',
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
    this.insertRows = (rows: readonly Row[], limit?: number, jobs?: readonly Job[]): void => {
      // Counted inside the IMMEDIATE transaction: no other connection can add in between.
      if (hasLimit(limit) && rows.length > 0) {
        const held = this.countAll.get({ ...this.range, queue: this.queueId }) as number;
        if (exceedsLimit(held, rows.length, limit)) throw queueFullError(queue, held, limit, rows.length);
      }
      const tails = new Map<number, bigint>();
      const records = this.rec;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as Row;
        const slot = this.store(row, tails);
        if (records !== undefined) records.added((jobs as readonly Job[])[i] as Job, row.body, slot);
      }
    };
    this.insertMany = db.transaction(this.insertRows);
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
    const recordsConfig = config.records;
    this.records = this.rec =
      recordsConfig === undefined
        ? undefined
        : new SqliteJobRecords(db, queue, this.queueId, recordsConfig, {
            store: (job, nowMs) => this.store(this.row(job, nowMs), new Map()),
            watch: () => this.watch(),
          });
    const records = this.rec;
    this.takeRecorded =
      records &&
      recordedTake(db, records, takeFirst, {
        range: this.range,
        queueId: this.queueId,
        promote: (nowMs) => this.promote(nowMs),
      });
    db.transaction(() => this.relane()).immediate();
  }

  add(job: Job, nowMs: number, limit?: number): void {
    const row = this.row(job, nowMs);
    // Without a limit or records, one statement (one commit); else all in one transaction.
    const records = this.rec;
    if (records !== undefined) records.commit(this.insertRows, [row], limit, [job]);
    else if (hasLimit(limit)) this.insertMany.immediate([row], limit);
    else this.store(row);
  }

  addMany(jobs: readonly Job[], nowMs: number, limit?: number): void {
    // Encode (and so validate) every job before the transaction: all or none.
    // IMMEDIATE: the batch reads its lanes' tails, which no other connection may move before it writes.
    const rows = jobs.map((job) => this.row(job, nowMs));
    const records = this.rec;
    if (records !== undefined) records.commit(this.insertRows, rows, limit, jobs);
    else this.insertMany.immediate(rows, limit, jobs);
  }

  take(nowMs: number): Job | undefined {
    this.open();
    if (this.takeRecorded !== undefined) return this.takeMany(1, nowMs)[0];
    for (;;) {
      // One statement while nothing delayed is due; else (or when empty) promote, then take, in one transaction.
      const body =
        (this.takeHead.get({ ...this.range, queue: this.queueId, now: nowMs }) as string | undefined) ??
        this.takeSome.immediate(1, nowMs)[0];
      if (body === undefined) return undefined;
      const job = this.decode(body);
      if (job !== undefined) return job; // else the bad row is reported and gone: take the next
    }
  }

  /**
   * Takes up to `n` due jobs in one transaction (one commit), in line order. A row that cannot be
   * decoded is reported through `onUndecodable`, and another take fills its place.
   */
  takeMany(n: number, nowMs: number): Job[] {
    this.open();
    if (!(n >= 1)) return [];
    const wanted = Math.floor(n);
    const out: Job[] = [];
    const recorded = this.takeRecorded;
    for (let ask = wanted; ask > 0; ask = wanted - out.length) {
      if (recorded !== undefined) {
        const taken = (this.rec as SqliteJobRecords).commit(recorded, ask, nowMs, undefined);
        for (const item of taken) {
          if ('error' in item) reportUndecodable(this.config, item.id, item.error);
          else out.push(item);
        }
        if (taken.length < ask) break;
        continue;
      }
      const bodies = this.takeSome.immediate(ask, nowMs);
      for (const body of bodies) {
        const job = this.decode(body);
        if (job !== undefined) out.push(job);
      }
      if (bodies.length < ask) break; // nothing more is due
    }
    return out;
  }

  /**
   * Calls `listener` when another connection (another process, or another store on the file)
   * commits, so that workers parked here see jobs added elsewhere. SQLite has no notifications:
   * while anyone listens, the store reads `PRAGMA data_version` every `SQLITE_WATCH_INTERVAL_MS`
   * ms (one read, no disk access, on a timer shared by every store of the process); the
   * value changes only for commits made through other connections, so this store's own writes
   * never wake it.
   */
  onAvailable(listener: () => void): void {
    this.open();
    this.listeners.add(listener);
    this.watch();
  }

  /** Starts the data_version watch, once: it wakes the listeners and reads the records' broadcasts. */
  private watch(): void {
    this.watcher ??= watchCommits(this.db, () => {
      for (const wake of this.listeners) wake();
      this.rec?.changed();
    });
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

  /** The queue's mode kept in the file (`qui_queue_modes`), stored first when `claim` is given. */
  queueMode(claim: QueueMode | undefined): QueueMode | undefined {
    this.open();
    return sqliteQueueMode(this.db, this.config.queue, claim);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.watcher !== undefined) unwatchSqlite(this.watcher);
    this.listeners.clear();
    this.rec?.close();
    this.db.close();
  }

  private open(): void {
    if (this.closed) throw storeClosedError('sqlite');
  }

  /** Decodes a removed row; one that cannot be decoded is reported, and `undefined` returned. */
  private decode(body: string): Job | undefined {
    try {
      return decodeJob(body);
    } catch (thrown) {
      reportUndecodable(this.config, storedJobId(body), thrown as Error);
      return undefined;
    }
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
  private store(row: Row, tails?: Map<number, bigint>): Slot {
    if (row.runAtMs !== undefined) {
      const info = this.insertDelayed.run(this.queueId, row.priority, row.lane, row.runAtMs, row.body);
      return { waiting: null, delayed: BigInt(info.lastInsertRowid) };
    }
    const lane = Math.min(row.lane, this.lanes.size);
    const range = this.laneRanges[lane] as Range;
    let stored: boolean;
    // Without tails (no transaction, so no records) the seq is not read back: 0n stands for it.
    let seq = 0n;
    if (tails === undefined) {
      stored = this.append.run({ ...range, priority: row.priority, body: row.body }).changes > 0;
    } else {
      seq = (tails.get(lane) ?? (this.lastSeq.get(range) as bigint | null) ?? range.lo) + 1n;
      tails.set(lane, seq);
      stored = seq < range.hi && this.insertAt.run(seq, row.priority, row.body).changes > 0;
    }
    if (!stored) {
      throw new QuiError(
        'ERR_STORE',
        `sqlite store: priority ${row.priority} has used up its 2^44 sequence numbers`,
      );
    }
    return { waiting: seq, delayed: null };
  }

  /** Moves due delayed jobs to the tails of their lanes, by due time then insertion. In a transaction. */
  private promote(nowMs: number): void {
    const due = this.dueRows.all(this.queueId, nowMs) as (Omit<Row, 'runAtMs'> & { seq: number })[];
    if (due.length === 0) return;
    const tails = new Map<number, bigint>();
    const records = this.rec;
    for (const row of due) {
      const slot = this.store(
        { priority: row.priority, lane: row.lane, runAtMs: undefined, body: row.body },
        tails,
      );
      const id = records && storedJobId(row.body);
      if (id !== undefined) records?.promoted(id, BigInt(row.seq), slot.waiting as bigint);
    }
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
      const row = { priority: r.priority, lane: laneOf(r.priority), runAtMs: undefined, body: r.body };
      const slot = this.store(row, tails);
      const id = this.rec && storedJobId(r.body);
      if (id !== undefined) this.rec?.moved(id, r.seq, slot.waiting as bigint);
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
