import { defineQueue } from '../../../src/queue/define-queue';
import { ok, type JobResult } from '../../../src/jobs/job-result';
import { defineSupervisor } from '../../../src/supervision/spec';
import type { Processor } from '../../../src/tasks/run-attempt';
import { deferred } from '../../helpers/events';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

async function pool(processor: Processor, count: number, shutdown: number) {
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'q', workers: { count, processor, shutdown } })],
    }),
    { account: true },
  );
  return { ...t, q: t.system.queue('q'), jobs: new JobEvents(t.system.events) };
}

describe('graceful shutdown of a pool', () => {
  it('lets the running job finish and reports it before the system stops', async () => {
    const gate = deferred<JobResult>();
    const { system, q, jobs } = await pool(() => gate.promise, 1, 5_000);
    await q.enqueue('long');
    await jobs.wait('job.started');
    const stopped = system.stop();
    gate.resolve(ok('finished'));
    await stopped;
    expect((await jobs.wait('job.completed')).value).toBe('finished');
    expect(jobs.count('job.lost')).toBe(0);
  });

  it('kills a worker still running after its shutdown ms: the job is lost and its signal aborted', async () => {
    let signal: AbortSignal | undefined;
    const { system, q, jobs, clock } = await pool(
      (_job, ctx) => {
        signal = ctx.signal;
        return new Promise<JobResult>(() => undefined); // never settles
      },
      3,
      2_000,
    );
    await q.enqueue('stuck', { timeoutMs: Infinity });
    await jobs.wait('job.started');
    const stopped = system.stop();
    // The pool arms its shutdown timer once the stop reaches it.
    while (clock.pendingTimers === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    clock.advance(2_000);
    await stopped;
    const lost = await jobs.wait('job.lost');
    expect(lost.reason).toEqual({ type: 'killed' });
    expect(signal?.aborted).toBe(true);
  });

  it('does not hand out new jobs to stopping workers: waiting jobs stay in the queue', async () => {
    const gate = deferred<JobResult>();
    const { system, q, jobs, core } = await pool(() => gate.promise, 1, 5_000);
    await q.enqueueMany([{ task: 1 }, { task: 2 }, { task: 3 }]);
    await jobs.wait('job.started');
    const stopped = system.stop();
    gate.resolve(ok());
    await stopped;
    expect(jobs.count('job.started')).toBe(1);
    expect(core.stopped).toBe(true);
  });
});
