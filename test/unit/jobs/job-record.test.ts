import { asJobId } from '../../../src/ids';
import { MAX_RESULT_CHARS, recordOptions, taskNameOf, toRecordResult } from '../../../src/jobs/job-record';
import { jobFixture } from '../../helpers/job-fixture';
import { decodeJob, encodeJob } from '../../../src/stores/job-codec';

describe('toRecordResult', () => {
  it.each([
    [undefined, undefined],
    [null, 'null'],
    [{ sent: 3 }, '{"sent":3}'],
    ['ok', '"ok"'],
  ])('encodes %p as %p', (value, text) => {
    expect(toRecordResult(value)).toBe(text);
  });

  it('keeps a result of exactly MAX_RESULT_CHARS characters of JSON', () => {
    const value = 'x'.repeat(MAX_RESULT_CHARS - 2);
    expect(toRecordResult(value)).toHaveLength(MAX_RESULT_CHARS);
  });

  it('refuses a larger one with ERR_RESULT_TOO_LARGE naming the cap and the size', () => {
    const call = () => toRecordResult('x'.repeat(MAX_RESULT_CHARS - 1));
    expect(call).toThrow(expect.objectContaining({ code: 'ERR_RESULT_TOO_LARGE' }));
    expect(call).toThrow(
      `is ${MAX_RESULT_CHARS + 1} characters of JSON; a record keeps at most MAX_RESULT_CHARS (${MAX_RESULT_CHARS})`,
    );
  });

  it('names progress when it checks a progress value', () => {
    expect(() => toRecordResult('x'.repeat(MAX_RESULT_CHARS), 'progress')).toThrow("the job's progress is");
  });

  it('refuses what JSON cannot write with ERR_RESULT_NOT_JSON', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => toRecordResult(cycle)).toThrow(expect.objectContaining({ code: 'ERR_RESULT_NOT_JSON' }));
    expect(() => toRecordResult(1n)).toThrow(expect.objectContaining({ code: 'ERR_RESULT_NOT_JSON' }));
  });
});

describe('taskNameOf', () => {
  it.each([
    [{ task: 'send-email', params: {} }, 'send-email'],
    [{ task: 7 }, undefined],
    ['send-email', undefined],
    [null, undefined],
  ])('reads the task name of %p as %p', (task, name) => {
    expect(taskNameOf(task)).toBe(name);
  });
});

describe('recordOptions', () => {
  it('shows a function backoff as { type: function }, and object ones as they are', () => {
    expect(recordOptions(jobFixture({ backoff: () => 5 })).backoff).toEqual({ type: 'function' });
    const job = jobFixture({ backoff: { type: 'exponential', maxDelayMs: 9 } });
    expect(recordOptions(job)).toEqual({
      maxRetries: 3,
      retryDelayMs: 100,
      backoff: job.backoff,
      timeoutMs: 1_000,
    });
  });
});

describe('job codec and the dead-letter and trace fields', () => {
  it('round-trips deadLetterOf (with its error) and trace', () => {
    const job = jobFixture({
      id: asJobId('copy-1'),
      deadLetterOf: { queue: 'emails', jobId: 'j-9', error: { name: 'Error', message: 'boom', code: 'E1' } },
      trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(decodeJob(encodeJob(job))).toEqual(job);
  });
});
