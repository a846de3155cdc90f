import { InvalidOptionsError } from '../../../src/errors';
import { appendFailedAttempt } from '../../../src/jobs/attempt-history';
import { decodeJob, encodeJob, storedJobId } from '../../../src/stores/job-codec';
import { makeJob } from '../../contracts/job-store.contract';

describe('job codec', () => {
  it('round-trips a job, runAtMs and an exponential backoff included', () => {
    const job = makeJob('q', { runAtMs: 5, backoff: { type: 'exponential', maxDelayMs: 10, jitter: 0.2 } });
    expect(decodeJob(encodeJob(job))).toEqual(job);
  });

  it('round-trips a trace carrier, and refuses one that is not strings', () => {
    const job = { ...makeJob('q'), trace: { traceparent: '00-abc-def-01', tracestate: 'k=v' } };
    expect(decodeJob(encodeJob(job)).trace).toEqual(job.trace);
    const bad = JSON.stringify({ ...JSON.parse(encodeJob(job)), trace: { traceparent: 5 } });
    expect(() => decodeJob(bad)).toThrow(expect.objectContaining({ code: 'ERR_STORE' }));
  });

  it('writes a job without history exactly as before, and reads a body without one', () => {
    const job = makeJob('q', { runAtMs: 5 });
    const text = encodeJob(job);
    expect(text).not.toContain('history');
    expect(text).toBe(JSON.stringify({ ...job, timeoutMs: job.timeoutMs }));
    expect(decodeJob(text)).not.toHaveProperty('history');
  });

  it('round-trips a history; one that does not read is left out, the job kept, the problem told', () => {
    const history = appendFailedAttempt(undefined, 1, { name: 'Error', message: 'boom' }, 1, 2);
    const job = { ...makeJob('q'), attempts: 1, history };
    expect(decodeJob(encodeJob(job))).toEqual(job);
    const bad = JSON.stringify({ ...JSON.parse(encodeJob(job)), history: { failed: 'x', dropped: 0 } });
    const problems: string[] = [];
    const read = decodeJob(bad, problems);
    expect(read).toEqual({ ...job, history: undefined });
    expect(read).not.toHaveProperty('history');
    expect(problems).toEqual(['history: has no failed list']);
  });

  it('keeps an Infinity timeout', () => {
    const job = makeJob('q', { timeoutMs: Infinity });
    expect(encodeJob(job)).toContain('"timeoutMs":"Infinity"');
    expect(decodeJob(encodeJob(job)).timeoutMs).toBe(Infinity);
  });

  it('leaves runAtMs absent when it was absent', () => {
    expect(decodeJob(encodeJob(makeJob('q')))).not.toHaveProperty('runAtMs');
  });

  it('rejects a function backoff, naming backoff', () => {
    const call = () => encodeJob(makeJob('q', { backoff: () => 1 }));
    expect(call).toThrow(InvalidOptionsError);
    expect(call).toThrow(expect.objectContaining({ path: 'backoff' }));
  });

  it.each([
    ['a BigInt', { n: 1n }],
    [
      'a cycle',
      (() => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      })(),
    ],
  ])('rejects a task holding %s, naming task', (_what, task) => {
    expect(() => encodeJob(makeJob('q', { task }))).toThrow(expect.objectContaining({ path: 'task' }));
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '3'],
    ['no id', '{}'],
    ['no queue', '{"id":"a","priority":"p"}'],
    ['no attempts', JSON.stringify({ ...makeJob('q'), attempts: undefined })],
    ['no timeoutMs', JSON.stringify({ ...makeJob('q'), timeoutMs: 'soon' })],
    ['no backoff', JSON.stringify({ ...makeJob('q'), backoff: null })],
  ])('rejects stored text with %s as ERR_STORE', (_what, text) => {
    expect(() => decodeJob(text)).toThrow(expect.objectContaining({ code: 'ERR_STORE' }));
  });

  it.each([
    ['{', undefined],
    ['3', undefined],
    ['null', undefined],
    ['{"id":7}', undefined],
    ['{"id":"job-1"}', 'job-1'],
  ])('reads the id of refused stored text %p as %p', (text, id) => {
    expect(storedJobId(text)).toBe(id);
  });
});
