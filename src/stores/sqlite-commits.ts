import type BetterSqlite3 from 'better-sqlite3';

/**
 * Writes a store keeping records holds back for its next commit (the ends of records, the
 * broadcasts): each is complete on its own and goes into one transaction whole, so sharing a
 * commit never splits a transition. @internal
 */
export interface PendingWrites {
  /** Whether anything waits for a commit. */
  readonly pending: boolean;
  /** Writes what is pending, inside the caller's transaction. */
  write(): void;
  /** That transaction committed: the writes settle (their promises resolve). */
  committed(): void;
  /** It rolled back: the writes are pending again, in their order. */
  rolledBack(): void;
  /** A commit of their own failed: the pending writes reject with `error` (their callers retry). */
  fail(error: unknown): void;
}

/**
 * One connection's write transactions when the store keeps records: every transaction first
 * writes what is pending, so the records that end in a turn of the event loop share the commit
 * of the next take or add (one WAL append for all of them) instead of one commit each, and
 * whatever no such transaction picked up is committed on `setImmediate`. A write is settled only
 * once its transaction has committed: no caller is told of a write a crash could still undo.
 * @internal
 */
export class SqliteCommits {
  private readonly parts: PendingWrites[] = [];
  private readonly txn: BetterSqlite3.Transaction<
    (fn: (a: unknown, b: unknown, c: unknown) => unknown, a: unknown, b: unknown, c: unknown) => unknown
  >;
  private scheduled: NodeJS.Immediate | undefined;
  /** Transactions committed; `seen` is the count at the last turn looked at, `turns` how many. */
  private count = 0;
  private seen = 0;
  private turns = 0;

  constructor(db: BetterSqlite3.Database) {
    this.txn = db.transaction(
      (fn: (a: unknown, b: unknown, c: unknown) => unknown, a: unknown, b: unknown, c: unknown) => {
        for (const part of this.parts) if (part.pending) part.write();
        return fn(a, b, c);
      },
    );
  }

  /** Adds writes of another kind; they commit after those added before. */
  join(part: PendingWrites): void {
    this.parts.push(part);
  }

  /**
   * Runs `fn(a, b, c)` in one IMMEDIATE transaction, after the pending writes; they settle once it
   * has committed, and are pending again (for the next commit) when it throws. The arguments are
   * passed through so that a take needs no closure per call.
   */
  run<TA, TB, TC, T>(fn: (a: TA, b: TB, c: TC) => T, a: TA, b: TB, c: TC): T {
    let out: T;
    try {
      out = this.txn.immediate(fn as (a: unknown, b: unknown, c: unknown) => unknown, a, b, c) as T;
    } catch (thrown) {
      for (const part of this.parts) part.rolledBack();
      if (this.parts.some((p) => p.pending)) this.schedule();
      throw thrown;
    }
    this.count++;
    for (const part of this.parts) part.committed();
    return out;
  }

  /**
   * Commits the pending writes once a turn of the event loop has passed without a commit of this
   * connection (at most {@link MAX_WAIT_TURNS} turns), unless a transaction takes them first:
   * while takes keep committing (a busy queue: a worker's next poll reaches it a turn or more
   * after its job ended), they carry the finishes; when they stop, the writes commit on their own.
   */
  schedule(): void {
    if (this.scheduled !== undefined) return;
    this.turns = 0;
    this.seen = this.count;
    this.scheduled = setImmediate(this.turn);
  }

  private readonly turn = (): void => {
    this.scheduled = undefined;
    if (!this.parts.some((p) => p.pending)) return;
    if (this.count !== this.seen && ++this.turns < MAX_WAIT_TURNS) {
      this.seen = this.count;
      this.scheduled = setImmediate(this.turn);
      return;
    }
    this.flush();
  };

  /** Commits what is pending now, in a transaction of its own; on failure the writes reject. */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (!this.parts.some((p) => p.pending)) return;
    try {
      this.run(noop, undefined, undefined, undefined);
    } catch (thrown) {
      for (const part of this.parts) part.fail(thrown);
      if (this.scheduled !== undefined) clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
  }
}

/** Most turns of the event loop a pending write waits for another transaction to carry it. */
const MAX_WAIT_TURNS = 8;
function noop(): undefined {
  return undefined;
}
