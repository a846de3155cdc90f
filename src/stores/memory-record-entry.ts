import type { Job } from '../jobs/job';
import type { JobError } from '../jobs/job-error';
import { recordOptions, taskNameOf, type JobRecord, type JobState } from '../jobs/job-record';

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

/** @internal Fields only a job that has been taken needs: kept apart so a waiting job's entry stays small. */
export class Extra {
  startedAtMs: number | undefined = undefined;
  finishedAtMs: number | undefined = undefined;
  error: JobError | undefined = undefined;
  /** JSON text, parsed on read. */
  result: string | undefined = undefined;
  progress: string | undefined = undefined;
  processId: string | undefined = undefined;
  worker: string | undefined = undefined;
  reason: string | undefined = undefined;
}

/** @internal One job's record: a node of its state's doubly linked list (oldest at the head). */
export class Entry {
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  /** When it entered its state's list: orders the list, and pages' cursors. */
  seq = 0;
  /** Attempts started so far. */
  attempts: number;
  extra: Extra | undefined = undefined;
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
  const { job, extra } = entry;
  return Object.freeze({
    id: job.id,
    queue: job.queue,
    task: job.task,
    taskName: taskNameOf(job.task),
    priority: job.priority,
    options: recordOptions(job),
    state: entry.state,
    attempts: entry.attempts,
    enqueuedAtMs: job.enqueuedAtMs,
    runAtMs: job.runAtMs,
    startedAtMs: extra?.startedAtMs,
    finishedAtMs: extra?.finishedAtMs,
    error: extra?.error,
    result: parse(extra?.result),
    progress: parse(extra?.progress),
    processId: extra?.processId,
    worker: extra?.worker,
    reason: extra?.reason,
    deadLetterOf: job.deadLetterOf,
    trace: job.trace,
  });
}

function parse(text: string | undefined): unknown {
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}
