import { QuiError } from '../errors';
import type { JobRecord } from '../jobs/job-record';
import { jobStateError, type JobRecords } from '../stores/job-records';
import { describe } from '../validate';

/**
 * A dead-letter copy's source queue, as a retry of the copy writes into it: the queue's runtime
 * in this system, or a connection to its store. @internal
 */
export interface SourceQueue {
  /** The source job's record; `undefined` when it is gone (pruned) or the queue keeps none. */
  get(id: string): Promise<JobRecord | undefined>;
  /** A `dead` or `lost` source job back to waiting, counted as the queue counts a retry. */
  retry(id: string): Promise<JobRecord>;
  /** A new job of the queue for `task`, built and stored as the queue builds them; answers its record. */
  enqueue(task: unknown): Promise<JobRecord>;
  /** Called once the retry is done (or failed): a runtime wakes its workers, a connection closes. */
  done(): Promise<void> | void;
}

/** Where a dead-letter retry runs: the one place that differs between a system and a connection. @internal */
export interface DeadLetterHost {
  /**
   * The source queue named by a copy, or `undefined` when this host cannot reach it. A source
   * queue that keeps no records (`retain: false`) is the host's to decide: a system's runtime
   * answers it (its `get` finds nothing: the task comes back as a new job), a connection refuses
   * it (`connectQueue` rejects with `ERR_RECORDS_OFF`).
   */
  open(queue: string): Promise<SourceQueue> | undefined;
  /** What the `ERR_QUEUE_NOT_FOUND` message tells the caller to do, after "to retry it there, ". */
  readonly toReach: (queue: string) => string;
  /** The copy, still stored (waiting, delayed, failed), was removed with its record. */
  removed(): void;
}

/**
 * `retryJob` of a dead-letter copy: the source job goes back to waiting in its source queue (a
 * new job of that queue with the copy's task when the source record is gone), then the copy is
 * removed; answers the source job's record. A system's retry and a connection's both run it.
 * @throws {QuiError} `ERR_JOB_STATE` for an active or completed copy; `ERR_QUEUE_NOT_FOUND` when
 * `host.open` cannot reach the source queue.
 * @internal
 */
export async function retryDeadLetterCopy(
  copy: JobRecord,
  records: JobRecords,
  host: DeadLetterHost,
): Promise<JobRecord> {
  const source = copy.deadLetterOf as NonNullable<JobRecord['deadLetterOf']>;
  if (copy.state === 'active' || copy.state === 'completed')
    throw jobStateError(copy.id, copy.state, 'retry');
  const opening = host.open(source.queue);
  if (!opening)
    throw new QuiError(
      'ERR_QUEUE_NOT_FOUND',
      `job ${describe(copy.id)} is a dead-letter copy of job ${describe(source.jobId)} of queue ${describe(source.queue)}: to retry it there, ${host.toReach(source.queue)}`,
    );
  const target = await opening;
  try {
    const existing = await target.get(source.jobId);
    const back =
      existing && (existing.state === 'dead' || existing.state === 'lost')
        ? await target.retry(source.jobId)
        : await target.enqueue(copy.task); // the source record is gone: a new job of that queue
    if (
      (await records.remove(copy.id)) &&
      copy.state !== 'dead' &&
      copy.state !== 'lost' &&
      copy.state !== 'cancelled'
    )
      host.removed();
    return back;
  } finally {
    await target.done();
  }
}
