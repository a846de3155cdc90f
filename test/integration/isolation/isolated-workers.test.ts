import { join } from 'node:path';
import type { QuiError } from '../../../src/errors';
import { defineQueue, type WorkersOptions } from '../../../src/queue/define-queue';
import { defineSupervisor } from '../../../src/supervision/spec';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const FIXTURES = join(__dirname, '../../fixtures/isolation');
const TASKS = join(FIXTURES, 'tasks.js');

async function isolated(mode: 'thread' | 'process', extra: Partial<WorkersOptions> = {}) {
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'q', workers: { count: 1, isolation: mode, module: TASKS, ...extra } })],
    }),
  );
  return { ...t, q: t.system.queue('q'), jobs: new JobEvents(t.system.events) };
}

describe.each(['thread', 'process'] as const)('isolated workers (%s)', (mode) => {
  it('run a task in their own thread or process and report its value', async () => {
    const { q, jobs } = await isolated(mode);
    await q.enqueue({ task: 'echo', params: { a: 1 } });
    const done = await jobs.wait('job.completed');
    expect(done.value).toMatchObject({ echoed: { a: 1 } });
    const where = (done.value as { where: string }).where;
    expect(where).not.toBe(`${process.pid}:0`); // not the test's own main thread
  });

  it('run a processor exported by the module', async () => {
    const { q, jobs } = await isolated(mode, { module: join(FIXTURES, 'processor.js') });
    await q.enqueue('hello');
    expect((await jobs.wait('job.completed')).value).toEqual({ task: 'hello', attempt: 1 });
  });

  it('kill a busy loop at its timeout, retry it on a fresh thread or process, then run the next job', async () => {
    const { q, jobs, clock } = await isolated(mode);
    await q.enqueue({ task: 'echo' });
    const before = (await jobs.wait('job.completed')).value as { where: string };
    await q.enqueue({ task: 'spin' }, { timeoutMs: 1_000, maxRetries: 1, retryDelayMs: 0 });
    await jobs.wait('job.started', 2);
    clock.advance(1_000 + 50); // the deadline, then the kill grace
    const failed = await jobs.wait('job.failed');
    expect((failed.error as QuiError).code).toBe('ERR_TASK_TIMEOUT');
    expect((await jobs.wait('job.completed', 2)).value).toBe('recovered');
    await q.enqueue({ task: 'echo' });
    const after = (await jobs.wait('job.completed', 3)).value as { where: string };
    expect(after.where).not.toBe(before.where);
    expect(jobs.count('job.lost')).toBe(0);
  });

  it('start the clock of an attempt when it reaches its thread, not while a fresh one loads', async () => {
    const { q, jobs, clock } = await isolated(mode, { standby: false });
    await q.enqueue({ task: 'spin' }, { timeoutMs: 1_000, maxRetries: 1, retryDelayMs: 0 });
    await jobs.wait('job.started');
    clock.advance(1_000 + 50);
    await jobs.wait('job.started', 2); // the retry, assigned while the fresh thread still loads
    clock.advance(1_000);
    expect((await jobs.wait('job.completed')).value).toBe('recovered');
    expect(jobs.count('job.failed')).toBe(1);
  });

  it('abort the signal first, so a cooperative processor cleans up within the grace', async () => {
    const { q, jobs, clock, log } = await isolated(mode);
    const job = await q.enqueue({ task: 'cooperative' }, { timeoutMs: 500, maxRetries: 0 });
    await jobs.wait('job.started');
    clock.advance(500);
    const dead = await jobs.wait('job.dead');
    expect((dead.error as QuiError).code).toBe('ERR_TASK_TIMEOUT');
    expect(log.find('cleaning up')[0]).toMatchObject({
      jobId: job.id,
      task: 'cooperative',
      reason: 'ERR_TASK_TIMEOUT',
    });
  });

  it("write ctx.log through the parent's logger with the job's bindings, at the parent's level", async () => {
    const { q, jobs, log } = await isolated(mode);
    const job = await q.enqueue({ task: 'log', params: { n: 5 } });
    await jobs.wait('job.completed');
    expect(log.find('inside the thread', 'info')).toEqual([
      expect.objectContaining({ jobId: job.id, task: 'log', n: 5, actor: expect.stringContaining('worker') }),
    ]);
    expect(log.find('a debug line', 'debug')).toHaveLength(1);
  });

  it('carry an error across with its name, message and code; an UnrecoverableError skips the retries', async () => {
    const { q, jobs } = await isolated(mode);
    await q.enqueue({ task: 'fail', params: {} }, { maxRetries: 0 });
    const dead = await jobs.wait('job.dead');
    expect(dead.error).toMatchObject({ message: 'failed inside', code: 'E_CUSTOM' });
    await q.enqueue({ task: 'fail', params: { unrecoverable: true } }, { maxRetries: 5 });
    const second = await jobs.wait('job.dead', 2);
    expect(second).toMatchObject({
      attempts: 1,
      error: { code: 'ERR_UNRECOVERABLE', message: 'no point retrying' },
    });
  });

  it('pass ctx.progress from the thread or process to the record and the job.progress event', async () => {
    const { q, jobs } = await isolated(mode);
    const job = await q.enqueue({ task: 'progress' });
    const record = await q.waitFor(job.id);
    expect(record).toMatchObject({ state: 'completed', result: 'reported', progress: { pct: 100 } });
    expect(jobs.seen['job.progress'].map((e) => e.progress)).toEqual([{ pct: 50 }, { pct: 100 }]);
  });

  it('fail the attempt with ERR_NOT_SENDABLE when the result cannot be sent back', async () => {
    const { q, jobs } = await isolated(mode);
    await q.enqueue({ task: 'unsendable' }, { maxRetries: 0 });
    const dead = await jobs.wait('job.dead');
    expect((dead.error as QuiError).code).toBe('ERR_NOT_SENDABLE');
    expect(dead.error.message).toMatch(mode === 'process' ? /value\.fn/ : /could not be cloned/);
  });
});

describe('isolated workers (start-up)', () => {
  it('fail to start, naming workers.module, when the module exports nothing runnable', async () => {
    await expect(isolated('thread', { module: join(FIXTURES, 'empty.js') })).rejects.toThrow(
      /workers\.module: .*empty\.js exports neither a processor function nor any task/,
    );
  });
});
