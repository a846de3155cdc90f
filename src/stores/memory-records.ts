import type { Job } from '../jobs/job';
import type { JobError } from '../jobs/job-error';
import type { JobRecord, JobState } from '../jobs/job-record';
import type { ResolvedRetention } from '../jobs/job-retention';
import {
  badCursorError,
  checkRecordQuery,
  jobNotFoundError,
  jobStateError,
  PRUNE_ON_WRITE,
  zeroCounts,
  type CancelOutcome,
  type JobRecords,
  type ProcessBeat,
  type ProcessInfo,
  type RecordEnd,
  type RecordPage,
  type RecordQuery,
  type RecordsConfig,
  type StoreBroadcast,
} from './job-records';
import {
  Entry,
  HEAP,
  LANE,
  NONE,
  snapshot,
  StateList,
  type MemoryRecordsHost,
  type StoredAt,
} from './memory-record-entry';

/**
 * The memory store's {@link JobRecords}: a Map of entries by job id, and one linked list per
 * state, so every move is O(1), pages read newest first from a list's tail, and pruning takes
 * from a list's head, O(pruned). A job costs one Map slot and one `Entry`, nothing more when it
 * is taken or ends. Answers synchronously, like its store.
 * Leases and broadcasts work in-process only (memory stores are not shared).
 * @internal
 */
export class MemoryJobRecords implements JobRecords {
  private readonly entries = new Map<string, Entry>();
  private readonly lists: Record<JobState, StateList> = {
    waiting: new StateList(),
    delayed: new StateList(),
    active: new StateList(),
    failed: new StateList(),
    completed: new StateList(),
    dead: new StateList(),
    lost: new StateList(),
    cancelled: new StateList(),
  };
  private readonly leases = new Map<string, ProcessInfo>();
  private readonly listeners = new Set<(message: StoreBroadcast) => void>();
  private readonly processId: string;
  private readonly retention: ResolvedRetention;
  private seq = 0;
  /** Read by the store on every take: a field, not a call. */
  paused = false;

  constructor(
    private readonly queue: string,
    config: RecordsConfig,
    private readonly host: MemoryRecordsHost,
  ) {
    this.processId = config.processId;
    this.retention = config.retention;
  }

  // ---- called by the store, in the same synchronous step as its own move ----

  /** `job` was stored at `where`: its record is written (replacing any of the same id). */
  added(job: Job, where: StoredAt): void {
    const old = this.entries.get(job.id);
    if (old !== undefined) this.drop(old);
    const entry = new Entry(job, where === LANE ? 'waiting' : 'delayed', where);
    this.entries.set(job.id, entry);
    this.link(entry);
  }

  /** The store reached `job` in a lane: true (and the record is active) unless it was dropped. */
  taken(job: Job, nowMs: number): boolean {
    const entry = this.entries.get(job.id);
    if (entry === undefined || entry.job !== job || entry.where !== LANE) return false;
    entry.where = NONE;
    entry.attempts = job.attempts + 1;
    entry.startedAtMs = nowMs;
    entry.processId = this.processId;
    this.move(entry, 'active');
    return true;
  }

  /** The store moved `job` from the heap to its lane: true unless it was dropped. */
  promoted(job: Job): boolean {
    const entry = this.entries.get(job.id);
    if (entry === undefined || entry.job !== job || entry.where !== HEAP) return false;
    entry.where = LANE;
    if (entry.state === 'delayed') this.move(entry, 'waiting');
    return true;
  }

  /** Whether `job`, found at `where`, still counts (used by the store's `counts`). */
  holds(job: Job, where: StoredAt): boolean {
    const entry = this.entries.get(job.id);
    return entry !== undefined && entry.job === job && entry.where === where;
  }

  clear(): void {
    this.entries.clear();
    for (const list of Object.values(this.lists)) {
      list.head = list.tail = undefined;
      list.length = 0;
    }
    this.leases.clear();
  }

  // ---- JobRecords ----

  get(id: string): JobRecord | undefined {
    const entry = this.entries.get(id);
    return entry === undefined ? undefined : snapshot(entry);
  }

  list(query: RecordQuery): RecordPage {
    const { state, limit, cursor } = checkRecordQuery(query);
    let node = this.lists[state].tail;
    if (cursor !== undefined) {
      const match = /^(\d+):(.+)$/s.exec(cursor);
      if (match === null) throw badCursorError(cursor);
      const seq = Number(match[1]);
      const at = this.entries.get(match[2] as string);
      if (at !== undefined && at.state === state && at.seq === seq) node = at.prev;
      else while (node !== undefined && node.seq >= seq) node = node.prev;
    }
    const records: JobRecord[] = [];
    let last: Entry | undefined;
    for (; node !== undefined && records.length < limit; node = node.prev) {
      records.push(snapshot(node));
      last = node;
    }
    const more = last?.prev !== undefined;
    return { records, cursor: more && last ? `${last.seq}:${last.job.id}` : undefined };
  }

  counts(): Readonly<Record<JobState, number>> {
    const out = zeroCounts();
    for (const state of Object.keys(out) as JobState[]) out[state] = this.lists[state].length;
    return out;
  }

  finish(id: string, end: RecordEnd, nowMs: number): boolean {
    const entry = this.running(id);
    if (entry === undefined) return false;
    entry.finishedAtMs = nowMs;
    entry.worker = end.worker;
    switch (end.state) {
      case 'completed':
        entry.result = end.result;
        if (end.error !== undefined) entry.error = end.error;
        if (end.reason !== undefined) entry.reason = end.reason;
        break;
      case 'dead':
        entry.error = end.error;
        break;
      case 'lost':
        entry.reason = end.reason;
        if (end.error !== undefined) entry.error = end.error;
        break;
      case 'cancelled':
        entry.reason = end.reason;
        break;
    }
    this.move(entry, end.state); // no snapshot: finish answers a boolean (the hot path)
    this.pruneState(end.state, nowMs, PRUNE_ON_WRITE);
    return true;
  }

  retryLater(retry: Job, error: JobError, worker: string | undefined, nowMs: number): boolean {
    const entry = this.running(retry.id);
    if (entry === undefined) return false;
    entry.error = error;
    entry.worker = worker;
    entry.job = retry;
    entry.attempts = retry.attempts;
    entry.where = this.host.store(retry, nowMs);
    this.move(entry, 'failed');
    return true;
  }

  progress(id: string, progress: string | undefined, _nowMs: number): boolean {
    const entry = this.running(id);
    if (entry === undefined) return false;
    entry.progress = progress;
    return true;
  }

  retry(id: string, nowMs: number): JobRecord {
    const entry = this.entries.get(id);
    if (entry === undefined) throw jobNotFoundError(this.queue, id);
    if (entry.state !== 'dead' && entry.state !== 'lost') throw jobStateError(id, entry.state, 'retry');
    this.again(entry, nowMs);
    entry.finishedAtMs = Number.NaN;
    entry.reason = entry.result = undefined;
    return snapshot(entry);
  }

  remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    if (entry.state === 'active') throw jobStateError(id, 'active', 'remove');
    this.drop(entry);
    this.entries.delete(id);
    return true;
  }

  cancel(id: string, reason: string | undefined, nowMs: number): CancelOutcome {
    const entry = this.entries.get(id);
    if (entry === undefined) throw jobNotFoundError(this.queue, id);
    switch (entry.state) {
      case 'active':
        return { state: 'active', processId: entry.processId, record: snapshot(entry) };
      case 'waiting':
      case 'delayed':
      case 'failed': {
        if (entry.where !== NONE) this.host.discard(entry.job, entry.where);
        entry.where = NONE;
        entry.finishedAtMs = nowMs;
        entry.reason = reason;
        const record = this.end(entry, 'cancelled', nowMs, true) as JobRecord;
        return { state: 'cancelled', record };
      }
      default:
        throw jobStateError(id, entry.state, 'cancel');
    }
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  isPaused(): boolean {
    return this.paused;
  }

  heartbeat(beat: ProcessBeat, nowMs: number, ttlMs: number): void {
    this.leases.set(beat.processId, { ...beat, lastBeatAtMs: nowMs, expiresAtMs: nowMs + ttlMs });
  }

  leave(processId: string): void {
    this.leases.delete(processId);
  }

  processes(nowMs: number): readonly ProcessInfo[] {
    return [...this.leases.values()].filter((p) => p.expiresAtMs > nowMs);
  }

  reap(nowMs: number, requeue: boolean): readonly JobRecord[] {
    const changed: JobRecord[] = [];
    for (let node = this.lists.active.head; node !== undefined;) {
      const entry = node;
      node = node.next;
      const lease = entry.processId === undefined ? undefined : this.leases.get(entry.processId);
      if (lease !== undefined && lease.expiresAtMs > nowMs) continue;
      if (requeue && entry.job.attempts < entry.job.maxRetries) {
        this.again(entry, nowMs);
        changed.push(snapshot(entry));
      } else {
        entry.finishedAtMs = nowMs;
        entry.reason = 'process-gone';
        changed.push(this.end(entry, 'lost', nowMs, true) as JobRecord);
      }
    }
    for (const [id, lease] of this.leases) if (lease.expiresAtMs <= nowMs) this.leases.delete(id);
    return changed;
  }

  prune(nowMs: number, max: number): number {
    let pruned = 0;
    for (const state of ['completed', 'dead', 'lost', 'cancelled'] as const) {
      pruned += this.pruneState(state, nowMs, max - pruned);
    }
    return pruned;
  }

  broadcast(message: StoreBroadcast): void {
    for (const listener of [...this.listeners]) listener(message);
  }

  onBroadcast(listener: (message: StoreBroadcast) => void): () => void {
    // A wrapper per call, so the same function subscribed twice is called twice and stops once per stop.
    const own = (message: StoreBroadcast): void => listener(message);
    this.listeners.add(own);
    return () => this.listeners.delete(own);
  }

  // ---- internals ----

  /** The entry of `id` when it is active under this process, else undefined. */
  private running(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.state !== 'active') return undefined;
    return entry.processId === this.processId ? entry : undefined;
  }

  /** Stores the entry's job again as one more attempt, due now; the record becomes waiting. */
  private again(entry: Entry, nowMs: number): void {
    const { runAtMs: _runAtMs, ...job } = entry.job;
    const next: Job = { ...job, attempts: job.attempts + 1 };
    entry.job = next;
    entry.attempts = next.attempts;
    entry.where = this.host.store(next, nowMs);
    this.move(entry, entry.where === LANE ? 'waiting' : 'delayed');
  }

  /** Moves the entry to end state `state` and prunes a little of that state; returns its snapshot when `wanted`. */
  private end(
    entry: Entry,
    state: 'completed' | 'dead' | 'lost' | 'cancelled',
    nowMs: number,
    wanted: boolean,
  ): JobRecord | undefined {
    this.move(entry, state);
    // The snapshot comes before pruning, which may take this very record (maxCount 0); `finish` wants none.
    const record = wanted ? snapshot(entry) : undefined;
    this.pruneState(state, nowMs, PRUNE_ON_WRITE);
    return record;
  }

  /** Removes ended records of `state` past retention, oldest first, at most `max`. */
  private pruneState(state: 'completed' | 'dead' | 'lost' | 'cancelled', nowMs: number, max: number): number {
    const list = this.lists[state];
    const { maxAgeMs, maxCount } = this.retention[state];
    let pruned = 0;
    while (pruned < max && list.head !== undefined) {
      const head = list.head;
      const age = nowMs - head.finishedAtMs;
      if (list.length <= maxCount && !(age > maxAgeMs)) break;
      this.unlink(head);
      this.entries.delete(head.job.id);
      pruned++;
    }
    return pruned;
  }

  /** Takes the entry out of the store (if its job is still held) and out of its list. */
  private drop(entry: Entry): void {
    if (entry.where !== NONE) this.host.discard(entry.job, entry.where);
    entry.where = NONE;
    this.unlink(entry);
  }

  private move(entry: Entry, state: JobState): void {
    this.unlink(entry);
    entry.state = state;
    this.link(entry);
  }

  /** Appends the entry to its state's list, as the newest. */
  private link(entry: Entry): void {
    const list = this.lists[entry.state];
    entry.seq = ++this.seq;
    entry.prev = list.tail;
    entry.next = undefined;
    if (list.tail === undefined) list.head = entry;
    else list.tail.next = entry;
    list.tail = entry;
    list.length++;
  }

  private unlink(entry: Entry): void {
    const list = this.lists[entry.state];
    if (entry.prev === undefined) list.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) list.tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = entry.next = undefined;
    list.length--;
  }
}
