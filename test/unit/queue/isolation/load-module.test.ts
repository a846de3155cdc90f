import { join } from 'node:path';
import { InvalidSpecError } from '../../../../src/errors';
import { ok } from '../../../../src/jobs/job-result';
import { asJobId } from '../../../../src/ids';
import { loadProcessor } from '../../../../src/queue/isolation/load-module';
import { silentLogger } from '../../../../src/logging';
import type { Job } from '../../../../src/jobs/job';
import type { ProcessorContext } from '../../../../src/tasks/run-attempt';

const FIXTURES = join(__dirname, '../../../fixtures/isolation');
const fail = (path: string, problem: string) => new InvalidSpecError(path, problem);

function job(task: unknown): Job {
  return {
    id: asJobId('j1'),
    queue: 'q',
    task,
    priority: 'low',
    maxRetries: 0,
    retryDelayMs: 0,
    backoff: { type: 'fixed' },
    timeoutMs: Infinity,
    attempts: 0,
    enqueuedAtMs: 0,
  };
}
const ctx = { signal: new AbortController().signal, log: silentLogger(), attempt: 1 } as ProcessorContext;

describe('loadProcessor (what an isolated worker runs)', () => {
  it('runs the tasks a module exports through processTask', async () => {
    const processor = loadProcessor(join(FIXTURES, 'tasks.js'), fail);
    const result = await processor(job({ task: 'echo', params: { a: 1 } }), ctx);
    expect(result).toMatchObject({ ok: true, value: { echoed: { a: 1 } } });
    expect(await processor(job({ task: 'nope' }), ctx)).toMatchObject({
      ok: false,
      error: { code: 'ERR_TASK_NOT_FOUND' },
    });
  });

  it('takes a module that is a processor', async () => {
    const processor = loadProcessor(join(FIXTURES, 'processor.js'), fail);
    expect(await processor(job('x'), ctx)).toEqual(ok({ task: 'x', attempt: 1 }));
  });

  it.each([
    ['empty.js', /exports neither a processor function nor any task made by defineTask/],
    ['missing.js', /could not be loaded: Cannot find module/],
  ])('refuses %s, naming workers.module', (file, problem) => {
    expect(() => loadProcessor(join(FIXTURES, file), fail)).toThrow(
      expect.objectContaining({ path: 'workers.module', problem: expect.stringMatching(problem) }),
    );
  });
});
