import { MAX_ATTEMPT_HISTORY } from '../../../src/jobs/attempt-history';
import { err, ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import type { JobStoreFactory } from '../../../src/stores/job-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import type { Processor } from '../../../src/tasks/run-attempt';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

/** Fails its first `times` attempts (`boom <attempt>`, code `E_BOOM`), then completes (or, with `hold`, runs until aborted). */
interface Task {
  readonly times: number;
  readonly hold?: true;
}

/** More failures than any test allows retries. */
const ALWAYS = 1_000;

const processor: Processor = (job, ctx) => {
  const { times, hold } = job.task as Task;
  if (ctx.attempt > times && hold)
    return new Promise((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve(err(ctx.signal.reason as Error))),
    );
  if (ctx.attempt > times) return ok('recovered');
  return err(Object.assign(new Error(`boom ${ctx.attempt}`), { code: 'E_BOOM' }));
};

/** The history entry of failed attempt `n`, as a record keeps it: no stack. */
const failure = (n: number): unknown => ({
  attempt: n,
  error: { name: 'Error', message: `boom ${n}`, code: 'E_BOOM' },
  startedAtMs: expect.any(Number),
  finishedAtMs: expect.any(Number),
});

/**
 * A job's failed attempts with their errors (`JobRecord.history`), end to end through a running
 * queue, on one store kind: kept in the job body the retry stores, so getJob shows them.
 */
export function describeAttemptHistory(kind: string, store: () => JobStoreFactory): void {
  describe(`attempt history on ${kind}`, () => {
    async function start(maxRetries: number) {
      const t = await startTestSystem(
        defineSupervisor({
          id: 'root',
          children: [
            defineQueue({ name: 'dlq', store: store() }),
            defineQueue({
              name: 'q',
              store: store(),
              deadLetter: 'dlq',
              workers: { count: 1, processor },
              defaults: { maxRetries, retryDelayMs: 0 },
            }),
          ],
        }),
        { account: true },
      );
      return {
        ...t,
        q: t.system.queue<Task>('q'),
        dlq: t.system.queue<Task>('dlq'),
        jobs: new JobEvents(t.system.events),
      };
    }

    it('a job failing twice then succeeding shows both failed attempts with their errors', async () => {
      const t = await start(3);
      const job = await t.q.enqueue({ times: 2 });
      const record = await t.q.waitFor(job.id);
      expect(record).toMatchObject({ state: 'completed', attempts: 3, result: 'recovered' });
      expect(record.history).toEqual({ failed: [failure(1), failure(2)], dropped: 0 });
      for (const entry of record.history?.failed ?? []) {
        expect(entry.error).not.toHaveProperty('stack');
        expect(entry.startedAtMs).toBeLessThanOrEqual(entry.finishedAtMs);
      }
      expect(await t.q.getJob(job.id)).toEqual(record);
    });

    it('a job that never failed has no history', async () => {
      const t = await start(3);
      const job = await t.q.enqueue({ times: 0 });
      expect((await t.q.waitFor(job.id)).history).toBeUndefined();
    });

    it('a dead job keeps its retried attempts, its last error in error; the dead-letter copy carries them', async () => {
      const t = await start(2);
      const job = await t.q.enqueue({ times: ALWAYS });
      const dead = await t.q.waitFor(job.id);
      expect(dead).toMatchObject({ state: 'dead', attempts: 3, error: { message: 'boom 3' } });
      expect(dead.history).toEqual({ failed: [failure(1), failure(2)], dropped: 0 });
      await t.jobs.wait('job.enqueued', 2);
      const [copy] = (await t.dlq.getJobs({ state: 'waiting' })).records;
      expect(copy?.deadLetterOf).toEqual({
        queue: 'q',
        jobId: job.id,
        error: expect.objectContaining({ message: 'boom 3' }),
        history: dead.history,
      });
      // The copy's own attempts have not failed yet.
      expect(copy?.history).toBeUndefined();
    });

    it('a job cancelled while it runs again keeps the attempts that failed before', async () => {
      const t = await start(3);
      const job = await t.q.enqueue({ times: 1, hold: true });
      await t.jobs.wait('job.started', 2);
      const ended = t.q.waitFor(job.id);
      await t.q.cancel(job.id, 'enough');
      const record = await ended;
      expect(record).toMatchObject({ state: 'cancelled', attempts: 2 });
      expect(record.history).toEqual({ failed: [failure(1)], dropped: 0 });
    });

    it(`keeps the last ${MAX_ATTEMPT_HISTORY} failed attempts and says how many it dropped`, async () => {
      const retries = MAX_ATTEMPT_HISTORY + 2;
      const t = await start(retries);
      const job = await t.q.enqueue({ times: ALWAYS });
      const dead = await t.q.waitFor(job.id);
      expect(dead).toMatchObject({ state: 'dead', attempts: retries + 1 });
      expect(dead.history?.dropped).toBe(2);
      expect(dead.history?.failed.map((f) => f.attempt)).toEqual(
        Array.from({ length: MAX_ATTEMPT_HISTORY }, (_, i) => i + 3),
      );
      expect(dead.history?.failed.at(-1)).toEqual(failure(retries));
    });
  });
}
