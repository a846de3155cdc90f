import type { QuiEvents } from '../../../src/events';
import { err, ok, type JobResult } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { findQueueRuntime } from '../../../src/queue/queue-runtime';
import type { JobRecords } from '../../../src/stores/job-records';
import { defineSupervisor } from '../../../src/supervision/spec';
import type { Processor } from '../../../src/tasks/run-attempt';
import { broadcastBus } from '../../helpers/bus-store';
import { deferred } from '../../helpers/events';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

type Task = { readonly do: 'ok' | 'fail' | 'hold' | 'progress' };

const processor: Processor = (job, ctx) => {
  const t = job.task as Task;
  if (t.do === 'ok') return ok({ n: 1 });
  if (t.do === 'fail') return err(Object.assign(new Error('boom'), { code: 'E_BOOM' }));
  if (t.do === 'progress') {
    ctx.progress({ pct: 10 });
    return ok();
  }
  const { promise, resolve } = deferred<JobResult>();
  ctx.signal.addEventListener('abort', () => resolve(err(ctx.signal.reason as Error)));
  return promise;
};

/** Two systems on one broadcast bus: `a` runs jobs, `b` watches, as two processes would. */
async function twoProcesses() {
  const bus = broadcastBus();
  const spec = (workers: boolean) =>
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({
          name: 'q',
          store: bus.factory(),
          defaults: { maxRetries: 0, timeoutMs: Infinity },
          ...(workers ? { workers: { count: 1, processor } } : {}),
        }),
      ],
    });
  const a = await startTestSystem(spec(true));
  const b = await startTestSystem(spec(false));
  await b.system.queue('q').size(); // b's store is open and listening
  return { bus, a, b, aJobs: new JobEvents(a.system.events), bJobs: new JobEvents(b.system.events) };
}

describe('lifecycle events across processes (a shared store)', () => {
  it('job.completed reaches the other process once, with origin and the value as JSON gave it back', async () => {
    const t = await twoProcesses();
    const job = await t.a.system.queue<Task>('q').enqueue({ do: 'ok' });
    const seen = await t.bJobs.wait('job.completed');
    expect(seen).toMatchObject({ job: { id: job.id }, value: { n: 1 }, origin: t.a.system.processId });
    expect(seen.job.timeoutMs).toBe(Infinity);
    // The sender saw its own event once, without origin: its broadcast coming back was not re-emitted.
    await t.bJobs.wait('job.completed');
    expect(t.aJobs.seen['job.completed']).toEqual([
      expect.not.objectContaining({ origin: expect.anything() }),
    ]);
    expect(t.bJobs.count('job.completed')).toBe(1);
  });

  it('job.failed and job.dead cross with the error rebuilt (name, message, code)', async () => {
    const t = await twoProcesses();
    const job = await t.a.system.queue<Task>('q').enqueue({ do: 'fail' });
    const dead = await t.bJobs.wait('job.dead');
    expect(dead).toMatchObject({ job: { id: job.id }, attempts: 1, origin: t.a.system.processId });
    expect(dead.error).toBeInstanceOf(Error);
    expect(dead.error).toMatchObject({ message: 'boom', code: 'E_BOOM' });
    expect((await t.bJobs.wait('job.failed')).error.message).toBe('boom');
  });

  it('job.progress crosses too', async () => {
    const t = await twoProcesses();
    await t.a.system.queue<Task>('q').enqueue({ do: 'progress' });
    expect(await t.bJobs.wait('job.progress')).toMatchObject({
      progress: { pct: 10 },
      origin: t.a.system.processId,
    });
  });

  it('a job.cancel from another process aborts the attempt where it runs; it ends cancelled there', async () => {
    const t = await twoProcesses();
    const job = await t.a.system.queue<Task>('q').enqueue({ do: 'hold' });
    await t.aJobs.wait('job.started');
    const bStore = await findQueueRuntime(t.b.core, 'q')?.openStore();
    await (bStore?.records as JobRecords).broadcast({
      type: 'job.cancel',
      origin: t.b.system.processId,
      jobId: job.id,
      reason: 'from b',
    });
    const cancelled: QuiEvents['job.cancelled'] = await t.bJobs.wait('job.cancelled');
    expect(cancelled).toMatchObject({ job: { id: job.id }, reason: 'from b', origin: t.a.system.processId });
    expect(await t.a.system.queue('q').getJob(job.id)).toMatchObject({
      state: 'cancelled',
      reason: 'from b',
    });
    expect(t.aJobs.count('job.retrying')).toBe(0);
  });
});
