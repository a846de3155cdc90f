import { UnrecoverableError } from '../../../src/errors';
import { defineQueue, type QueueOptions } from '../../../src/queue/define-queue';
import { err, ok, type JobResult } from '../../../src/jobs/job-result';
import { defineSupervisor } from '../../../src/supervision/spec';
import type { Processor } from '../../../src/tasks/run-attempt';
import { deferred } from '../../helpers/events';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

async function pool(
  processor: Processor,
  count = 1,
  extra: Partial<QueueOptions> = {},
  more: QueueOptions[] = [],
) {
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({ name: 'q', workers: { count, processor }, ...extra }),
        ...more.map((o) => defineQueue(o)),
      ],
    }),
    { account: true },
  );
  return { ...t, q: t.system.queue('q'), jobs: new JobEvents(t.system.events) };
}

describe('workers', () => {
  it('complete a job whose processor returns ok, and the queue counts it', async () => {
    const { q, jobs } = await pool(() => ok(42));
    const job = await q.enqueue('a');
    const done = await jobs.wait('job.completed');
    expect(done).toMatchObject({ job: { id: job.id }, value: 42 });
    const stats = await q.stats();
    expect(stats.totals).toMatchObject({ enqueued: 1, handedOut: 1 });
  });

  it('run one job at a time each: concurrency equals the number of workers', async () => {
    const gates: Array<() => void> = [];
    let running = 0;
    let peak = 0;
    const { q, jobs } = await pool(
      () =>
        new Promise<JobResult>((resolve) => {
          running++;
          peak = Math.max(peak, running);
          gates.push(() => {
            running--;
            resolve(ok());
          });
        }),
      3,
    );
    await q.enqueueMany(Array.from({ length: 7 }, (_, i) => ({ task: i })));
    await jobs.wait('job.started', 3);
    expect(running).toBe(3);
    for (let released = 0; released < 7; released++) {
      await jobs.wait('job.started', Math.min(7, released + 3));
      gates.shift()?.();
      await jobs.wait('job.completed', released + 1);
    }
    expect(peak).toBe(3);
  });

  it('park their polls while the queue is empty and get a job the moment one arrives', async () => {
    const { q, jobs } = await pool(() => ok(), 4);
    let stats = await q.stats();
    while (stats.parkedPolls < 4) stats = await q.stats();
    expect(stats.parkedPolls).toBe(4);
    await q.enqueue('x');
    await jobs.wait('job.completed');
    expect((await q.stats()).totals.handedOut).toBe(1);
  });

  it('retry a failed attempt as a delayed job of its queue, with attempts + 1, after the retry delay', async () => {
    let calls = 0;
    const { q, jobs, clock } = await pool(() => (++calls === 1 ? err(new Error('flaky')) : ok()));
    await q.enqueue('j', { retryDelayMs: 250 });
    const retrying = await jobs.wait('job.retrying');
    expect(retrying).toMatchObject({ delayMs: 250, job: { attempts: 1 } });
    expect(retrying.error.message).toBe('flaky');
    let stats = await q.stats();
    while (stats.totals.retried < 1) stats = await q.stats();
    expect(stats.delayed).toBe(1);
    clock.advance(250);
    const done = await jobs.wait('job.completed');
    expect(done.job.attempts).toBe(1);
  });

  it.each([
    ['an error result', () => err(new Error('no'))],
    [
      'a throw',
      () => {
        throw new Error('no');
      },
    ],
    ['a rejection', () => Promise.reject(new Error('no'))],
  ])(
    'fail the attempt on %s and end the job dead after maxRetries + 1 attempts',
    async (_label, processor) => {
      const { q, jobs, clock } = await pool(processor);
      await q.enqueue('doomed', { maxRetries: 2, retryDelayMs: 10 });
      for (let i = 1; i <= 2; i++) {
        await jobs.wait('job.retrying', i);
        let stats = await q.stats();
        while (stats.totals.retried < i) stats = await q.stats();
        clock.advance(10);
      }
      const dead = await jobs.wait('job.dead');
      expect(dead.attempts).toBe(3);
      expect(dead.error.message).toBe('no');
      expect(jobs.count('job.failed')).toBe(3);
    },
  );

  it('make one attempt only with maxRetries 0', async () => {
    const { q, jobs } = await pool(() => err(new Error('once')));
    await q.enqueue('x', { maxRetries: 0 });
    expect((await jobs.wait('job.dead')).attempts).toBe(1);
    expect(jobs.count('job.retrying')).toBe(0);
  });

  it('skip the retries left when the processor fails with an UnrecoverableError', async () => {
    const { q, jobs } = await pool(() => err(new UnrecoverableError('card declined')));
    await q.enqueue('x', { maxRetries: 5 });
    expect((await jobs.wait('job.dead')).attempts).toBe(1);
  });

  it('send the task of a dead job to the dead-letter queue', async () => {
    const { system, q, jobs } = await pool(() => err(new Error('x')), 1, { deadLetter: 'graveyard' }, [
      { name: 'graveyard' },
    ]);
    await q.enqueue({ order: 7 }, { maxRetries: 0 });
    await jobs.wait('job.dead');
    await jobs.wait('job.enqueued', 2);
    expect((await system.queue('graveyard').dequeue())?.task).toEqual({ order: 7 });
  });

  it('grow the delay with exponential backoff, capped by maxDelayMs', async () => {
    const { q, jobs, clock } = await pool(() => err(new Error('x')));
    await q.enqueue('x', {
      maxRetries: 4,
      retryDelayMs: 100,
      backoff: { type: 'exponential', maxDelayMs: 300 },
    });
    for (let i = 1; i <= 4; i++) {
      const e = await jobs.wait('job.retrying', i);
      let stats = await q.stats();
      while (stats.totals.retried < i) stats = await q.stats();
      clock.advance(e.delayMs);
    }
    expect(jobs.seen['job.retrying'].map((e) => e.delayMs)).toEqual([100, 200, 300, 300]);
  });

  it('time an attempt out: its signal aborts, the attempt fails with ERR_TASK_TIMEOUT, a late settle is ignored', async () => {
    const late = deferred<JobResult>();
    let signal: AbortSignal | undefined;
    const { q, jobs, clock } = await pool((_job, ctx) => {
      signal ??= ctx.signal;
      return ctx.attempt === 1 ? late.promise : ok('second');
    });
    await q.enqueue('slow', { timeoutMs: 1_000, retryDelayMs: 0 });
    await jobs.wait('job.started');
    clock.advance(1_000);
    const failed = await jobs.wait('job.failed');
    expect(failed.error).toMatchObject({ code: 'ERR_TASK_TIMEOUT' });
    expect(signal?.aborted).toBe(true);
    const done = await jobs.wait('job.completed');
    expect(done.value).toBe('second');
    late.resolve(ok('late'));
    await q.stats();
    expect(jobs.count('job.completed')).toBe(1);
  });

  it('crash on a non-conforming return: the job is lost, the worker restarted, and the next job runs', async () => {
    const { q, jobs, events } = await pool((job) =>
      job.task === 'bad' ? (undefined as unknown as JobResult) : ok(),
    );
    const bad = await q.enqueue('bad');
    const lost = await jobs.wait('job.lost');
    expect(lost.job?.id).toBe(bad.id);
    expect(lost.reason).toMatchObject({ type: 'error', error: { code: 'ERR_BAD_RESULT' } });
    expect((lost.reason as { error: Error }).error.message).toContain(bad.id);
    await events.restartOf('worker');
    await q.enqueue('good');
    await jobs.wait('job.completed');
    expect((await q.stats()).totals.lost).toBe(1);
  });

  it('keep a pending retry in the queue when the worker that failed it crashes, for any worker to take', async () => {
    const { q, jobs, events, clock } = await pool((job) => {
      if (job.task === 'flaky' && job.attempts === 0) return err(new Error('first try'));
      if (job.task === 'bad') return 'not a result' as unknown as JobResult;
      return ok();
    });
    await q.enqueue('flaky', { retryDelayMs: 100 });
    await jobs.wait('job.retrying');
    await q.enqueue('bad');
    await events.restartOf('worker');
    clock.advance(100);
    const done = await jobs.wait('job.completed');
    expect(done.job).toMatchObject({ task: 'flaky', attempts: 1 });
  });

  it('answer status while a job runs', async () => {
    const gate = deferred<JobResult>();
    const { system, q, jobs } = await pool(() => gate.promise);
    const job = await q.enqueue('long');
    const started = await jobs.wait('job.started');
    const ref = (await system.supervisor('q.workers').whichChildren())[0]?.ref;
    expect(typeof ref).toBe('object');
    const status = await system.ask(
      ref as never,
      (replyTo) => ({ type: 'worker.status', replyTo }),
      Infinity,
    );
    expect(status).toEqual({ state: 'running', jobId: job.id, attempt: 1 });
    expect(started.worker).toContain('q/workers/worker');
    gate.resolve(ok());
    await jobs.wait('job.completed');
  });
});
