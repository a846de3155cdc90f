import { ManualClock } from '../../../src/clock';
import { QuiError } from '../../../src/errors';
import { asJobId } from '../../../src/ids';
import { silentLogger } from '../../../src/logging';
import { err, ok } from '../../../src/jobs/job-result';
import type { Job } from '../../../src/jobs/job';
import { defineTask } from '../../../src/tasks/define-task';
import { processTask } from '../../../src/tasks/process-task';
import { startAttempt, type ProcessorContext } from '../../../src/tasks/run-attempt';
import { createTaskRegistry } from '../../../src/tasks/task-registry';
import { jobFixture } from '../../helpers/job-fixture';

function job(task: unknown): Job {
  return jobFixture({ id: asJobId('job-7'), task });
}
const log = silentLogger();

const double = defineTask({ name: 'double', perform: async (p: { n: number }) => ok(p.n * 2) });
const fail = defineTask({ name: 'fail', perform: () => err(new Error('nope')) });
const bad = defineTask({ name: 'bad', perform: () => 'done' as never });
const registry = createTaskRegistry([double, fail, bad]);
const run = (task: unknown) =>
  startAttempt(processTask(registry), job(task), { log, clock: new ManualClock() }).outcome;

describe('processTask', () => {
  it("dispatches to the task's perform with its params and the attempt context", async () => {
    const perform = jest.fn((_p: { n: number }, _ctx: ProcessorContext) => ok());
    const spy = defineTask({ name: 'spy', perform });
    const j = job(spy.create({ n: 3 }));
    await processTask(createTaskRegistry([spy]))(j, {
      signal: new AbortController().signal,
      log,
      attempt: 1,
      job: j,
      progress: () => undefined,
    });
    expect(perform).toHaveBeenCalledWith({ n: 3 }, expect.objectContaining({ attempt: 1, job: j }));
  });

  it('completes with what perform returns', async () => {
    expect(await run(double.create({ n: 21 }))).toEqual({ status: 'completed', value: 42 });
  });

  it('passes an error result through as a failure', async () => {
    const outcome = await run(fail.create(undefined));
    expect(outcome.status).toBe('failed');
  });

  it('passes a non-conforming return through, so the worker sees a bad result', async () => {
    expect((await run(bad.create(undefined))).status).toBe('bad-result');
  });

  it.each<[string, unknown, string]>([
    [
      'an unknown name',
      { task: 'triple', params: 1 },
      'job job-7: no task named "triple" is registered (registered: "double", "fail", "bad")',
    ],
    [
      'a plain string',
      'double',
      "job job-7: the task must be a { task: name, params } value made by a task's create()",
    ],
    [
      'an object with extra keys',
      { task: 'double', params: {}, x: 1 },
      "job job-7: the task must be a { task: name, params } value made by a task's create()",
    ],
  ])('fails the attempt with ERR_TASK_NOT_FOUND for %s (no throw)', async (_name, task, message) => {
    const outcome = await run(task);
    expect(outcome.status).toBe('failed');
    const error = (outcome as { error: QuiError }).error;
    expect(error).toBeInstanceOf(QuiError);
    expect(error.code).toBe('ERR_TASK_NOT_FOUND');
    expect(error.message).toBe(message);
  });

  it('says "none" when the registry is empty', async () => {
    const p = processTask(createTaskRegistry([]));
    const j = job({ task: 'x' });
    const result = await p(j, { signal: new AbortController().signal, log, attempt: 1, job: j, progress: () => undefined });
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({
        message: 'job job-7: no task named "x" is registered (registered: none)',
      }),
    });
  });
});
