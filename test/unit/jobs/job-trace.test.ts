import { InvalidOptionsError } from '../../../src/errors';
import { buildJob, buildJobs, type JobQueueConfig } from '../../../src/jobs/job-options';

const NOW = 1_700_000_000_000;
const queue: JobQueueConfig = { name: 'mail', priorities: ['p'], defaultPriority: 'p', serializes: true };
const carrier = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

describe('the trace option (Job.trace)', () => {
  it('stores a frozen copy of the carrier on the job', () => {
    const given = { ...carrier };
    const job = buildJob(queue, { n: 1 }, { trace: given }, undefined, NOW);
    expect(job.trace).toEqual(carrier);
    expect(job.trace).not.toBe(given);
    expect(Object.isFrozen(job.trace)).toBe(true);
  });

  it('stores no trace when it is false or absent', () => {
    expect(buildJob(queue, 1, { trace: false }, undefined, NOW)).not.toHaveProperty('trace');
    expect(buildJob(queue, 1, undefined, undefined, NOW)).not.toHaveProperty('trace');
  });

  it.each([
    ['a string', 'x', 'options.trace: must be false or an object of strings (a trace carrier), got "x"'],
    ['true', true, 'options.trace: must be false or an object of strings (a trace carrier), got true'],
    ['a number value', { traceparent: 1 }, 'options.trace.traceparent: must be a string, got 1'],
  ])('rejects %s, naming the field', (_name, trace, message) => {
    const call = () => buildJob(queue, 1, { trace }, undefined, NOW);
    expect(call).toThrow(InvalidOptionsError);
    expect(call).toThrow(message);
  });

  it('names the item in enqueueMany', () => {
    expect(() =>
      buildJobs(queue, [{ task: 1 }, { task: 2, options: { trace: [] } }], undefined, NOW),
    ).toThrow(
      'items[1].options.trace: must be false or an object of strings (a trace carrier), got an array',
    );
  });
});
