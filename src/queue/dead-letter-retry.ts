import { QuiError } from '../errors';
import type { JobRecord } from '../jobs/job-record';
import { jobStateError, type JobRecords } from '../stores/job-records';
import { describe } from '../validate';

/** What a dead-letter retry needs of a connection to the copy's source queue. @internal */
export interface SourceConnection {
  getJob(id: string): Promise<JobRecord | undefined>;
  retryJob(id: string): Promise<JobRecord>;
  enqueue(task: unknown): Promise<{ readonly id: string }>;
  close(): Promise<void>;
}

/**
 * `retryJob` of a dead-letter copy through a connection: the source job goes back to waiting in
 * its source queue (a new job of that queue when its record is gone), through a connection that
 * `open` makes to it, then the copy is removed. As a system's own retry of a copy does.
 * @throws {QuiError} `ERR_JOB_STATE` for an active or completed copy; `ERR_QUEUE_NOT_FOUND` when
 * `open` knows no such source (the connection was not given it in `sources`).
 * @internal
 */
export async function retryDeadLetterCopy(
  copy: JobRecord,
  records: JobRecords,
  dlq: string,
  open: (queue: string) => Promise<SourceConnection> | undefined,
): Promise<JobRecord> {
  const source = copy.deadLetterOf as NonNullable<JobRecord['deadLetterOf']>;
  if (copy.state === 'active' || copy.state === 'completed')
    throw jobStateError(copy.id, copy.state, 'retry');
  const opening = open(source.queue);
  if (!opening)
    throw new QuiError(
      'ERR_QUEUE_NOT_FOUND',
      `job ${describe(copy.id)} is a dead-letter copy of job ${describe(source.jobId)} of queue ${describe(source.queue)}: to retry it there, connect with connectQueue(${describe(dlq)} queue, { sources: [queue ${describe(source.queue)}'s spec or options] })`,
    );
  const target = await opening;
  try {
    const existing = await target.getJob(source.jobId);
    let back: JobRecord | undefined;
    if (existing && (existing.state === 'dead' || existing.state === 'lost'))
      back = await target.retryJob(source.jobId);
    else {
      // The source record is gone (pruned): a new job of that queue, built as it builds them.
      const job = await target.enqueue(copy.task);
      back = await target.getJob(job.id);
    }
    await records.remove(copy.id);
    return back as JobRecord;
  } finally {
    await target.close();
  }
}
