import type { Job } from '../jobs/job';
import type { JobError } from '../jobs/job-error';
import { jobRecord, type JobRecord, type JobState } from '../jobs/job-record';

/** Where an entry's job is kept by the memory store: nowhere (taken, ended), a due lane, the delayed heap. @internal */
export type Where = typeof NONE | typeof LANE | typeof HEAP;
/** @internal */
export const NONE = 0;
/** @internal */
export const LANE = 1;
/** @internal */
export const HEAP = 2;
/** @internal */
export type StoredAt = typeof LANE | typeof HEAP;

/**
 * What the records need of the memory store they live in: to store a job again (a retry, a
 * requeue) and to drop a stored one (cancel, remove, a replaced add) without searching for it.
 * @internal
 */
export interface MemoryRecordsHost {
  /** Stores `job` as `add` would; says where it went. */
  store(job: Job, nowMs: number): StoredAt;
  /** `job`, held at `where`, no longer counts: the store skips it when it reaches it. */
  discard(job: Job, where: StoredAt): void;
}

/**
 * @internal One job's record: a node of its state's doubly linked list (oldest at the head). The
 * fields a taken job needs live here too, not in an object allocated per take: entries outlive
 * the young generation (a waiting job's entry is old by the time it is taken), and a fresh object
 * hung on each would survive every scavenge through the old entry that points to it, pruned or
 * not. The two times hold NaN while unset, so their fields stay doubles written in place.
 */
export class Entry {
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  /** When it entered its state's list: orders the list, and pages' cursors. */
  seq = 0;
  /** Attempts started so far. */
  attempts: number;
  /** NaN until taken. */
  startedAtMs = Number.NaN;
  /** NaN until ended. */
  finishedAtMs = Number.NaN;
  error: JobError | undefined = undefined;
  /** JSON text, parsed on read. */
  result: string | undefined = undefined;
  progress: string | undefined = undefined;
  processId: string | undefined = undefined;
  worker: string | undefined = undefined;
  reason: string | undefined = undefined;
  constructor(
    /** The job as last stored or taken. */
    public job: Job,
    public state: JobState,
    public where: Where,
  ) {
    this.attempts = job.attempts;
  }
}

/** A state's records, oldest first. @internal */
export class StateList {
  head: Entry | undefined = undefined;
  tail: Entry | undefined = undefined;
  length = 0;
}

/** The record an entry stands for, as a frozen snapshot. @internal */
export function snapshot(entry: Entry): JobRecord {
  return jobRecord(entry.job, {
    state: entry.state,
    attempts: entry.attempts,
    startedAtMs: time(entry.startedAtMs),
    finishedAtMs: time(entry.finishedAtMs),
    error: entry.error,
    result: parse(entry.result),
    progress: parse(entry.progress),
    processId: entry.processId,
    worker: entry.worker,
    reason: entry.reason,
  });
}

function time(ms: number): number | undefined {
  return Number.isNaN(ms) ? undefined : ms;
}

function parse(text: string | undefined): unknown {
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}
