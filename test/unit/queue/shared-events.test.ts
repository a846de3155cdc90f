import { QuiError } from '../../../src/errors';
import type { Job } from '../../../src/jobs/job';
import { toJobError } from '../../../src/jobs/job-error';
import { fromShared, jobOfRecord, shareLostReason } from '../../../src/queue/shared-events';
import { makeJob } from '../../contracts/job-store.contract';

/** What crosses the wire: JSON, as Redis pub/sub carries it. */
const wire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value)) as unknown;

describe('shared events', () => {
  const job: Job = makeJob('q', { timeoutMs: Infinity });

  it('rebuild a QuiError with its code, and a job whose Infinity timeout JSON turned into null', () => {
    const error = toJobError(new QuiError('ERR_TASK_TIMEOUT', 'too slow'));
    const local = fromShared('job.dead', wire({ job, error, attempts: 2 }), 'p1');
    expect(local?.type).toBe('job.dead');
    const event = local?.event as { job: Job; error: Error; attempts: number; origin: string };
    expect(event.error).toBeInstanceOf(QuiError);
    expect(event.error).toMatchObject({ code: 'ERR_TASK_TIMEOUT', message: 'too slow', name: 'QuiError' });
    expect(event.job.timeoutMs).toBe(Infinity);
    expect(event).toMatchObject({ attempts: 2, origin: 'p1' });
  });

  it('rebuild a lost reason: process-gone with its process, store with its error', () => {
    const gone = fromShared(
      'job.lost',
      wire({ job, reason: shareLostReason({ type: 'process-gone', processId: 'p9' }) }),
      'p1',
    );
    expect(gone?.event).toMatchObject({ reason: { type: 'process-gone', processId: 'p9' }, origin: 'p1' });
    const store = fromShared(
      'job.lost',
      wire({ job, reason: shareLostReason({ type: 'store', error: new Error('down') }) }),
      'p1',
    );
    const reason = (store?.event as { reason: { type: string; error: Error } }).reason;
    expect(reason.type).toBe('store');
    expect(reason.error).toBeInstanceOf(Error);
    expect(reason.error.message).toBe('down');
  });

  it('ignore what this version does not know: another event type, a payload without a job', () => {
    expect(fromShared('job.teleported', wire({ job }), 'p1')).toBeUndefined();
    expect(fromShared('job.completed', wire({ value: '1' }), 'p1')).toBeUndefined();
    expect(fromShared('job.completed', 'nonsense', 'p1')).toBeUndefined();
  });

  it('a record becomes the job it stands for: attempts before the running one, a function backoff as fixed', () => {
    const record = {
      id: job.id,
      queue: 'q',
      task: job.task,
      taskName: 'noop',
      priority: 'low',
      options: { maxRetries: 3, retryDelayMs: 100, backoff: { type: 'function' as const }, timeoutMs: 5 },
      state: 'lost' as const,
      attempts: 2,
      enqueuedAtMs: 1,
      runAtMs: undefined,
      startedAtMs: 2,
      finishedAtMs: 3,
      error: undefined,
      result: undefined,
      progress: undefined,
      processId: 'p9',
      worker: 'w',
      reason: 'process-gone',
      deadLetterOf: undefined,
      trace: undefined,
    };
    expect(jobOfRecord(record as never, true)).toEqual({
      id: job.id,
      queue: 'q',
      task: job.task,
      priority: 'low',
      maxRetries: 3,
      retryDelayMs: 100,
      backoff: { type: 'fixed' },
      timeoutMs: 5,
      attempts: 1,
      enqueuedAtMs: 1,
    });
    expect(jobOfRecord(record as never, false).attempts).toBe(2);
  });
});
