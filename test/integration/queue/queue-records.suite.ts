import { QuiError } from '../../../src/errors';
import type { JobRecord } from '../../../src/jobs/job-record';
import { err, ok, type JobResult } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import type { JobStoreFactory } from '../../../src/stores/job-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import type { Processor, ProcessorContext } from '../../../src/tasks/run-attempt';
import { deferred, flush } from '../../helpers/events';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

export interface RecordsSuiteOptions {
  /** Set while the store keeps no records yet: the suite is skipped, with this reason. */
  readonly pending?: string;
}

/** A task the test processor understands: what to do, and a tag to find the job by. */
type Task =
  | { readonly do: 'ok'; readonly value?: unknown }
  | { readonly do: 'fail'; readonly times?: number }
  | { readonly do: 'hold' }
  | { readonly do: 'progress'; readonly value: unknown };

/**
 * The records API of `QueueClient`, end to end through a running queue, on one store kind: every
 * call on its happy path and its bad input. Run per store: memory always, SQLite and Redis once
 * their records land (`pending` until then).
 */
export function describeQueueRecords(
  kind: string,
  store: () => JobStoreFactory,
  options: RecordsSuiteOptions = {},
): void {
  const d = options.pending === undefined ? describe : describe.skip;
  d(`QueueClient records on ${kind}${options.pending ? ` (${options.pending})` : ''}`, () => {
    /** Held attempts by job id: the test releases them. */
    let held: Map<string, { ctx: ProcessorContext; release: (r: JobResult) => void }>;
    let failures: Map<string, number>;
    const processor: Processor = (job, ctx) => {
      const t = job.task as Task;
      switch (t.do) {
        case 'ok':
          return ok(t.value);
        case 'fail': {
          const n = (failures.get(job.id) ?? 0) + 1;
          failures.set(job.id, n);
          return n <= (t.times ?? Infinity) ? err(new Error(`boom ${n}`)) : ok('recovered');
        }
        case 'progress':
          ctx.progress(t.value);
          return ok();
        case 'hold': {
          const { promise, resolve } = deferred<JobResult>();
          held.set(job.id, { ctx, release: resolve });
          ctx.signal.addEventListener('abort', () => resolve(err(ctx.signal.reason as Error)));
          return promise;
        }
      }
    };

    async function start(extra: object = {}, workers = 1) {
      held = new Map();
      failures = new Map();
      const t = await startTestSystem(
        defineSupervisor({
          id: 'root',
          children: [
            defineQueue({
              name: 'q',
              store: store(),
              workers: { count: workers, processor },
              defaults: { maxRetries: 0, retryDelayMs: 0 },
              ...extra,
            }),
          ],
        }),
        { account: true },
      );
      return {
        ...t,
        q: t.system.queue<Task>('q'),
        jobs: new JobEvents(t.system.events),
      };
    }

    const code = (c: string): unknown => expect.objectContaining({ code: c });

    it('getJob follows a job from waiting to completed, with its result; an unknown id is undefined', async () => {
      const t = await start({ workers: undefined });
      const job = await t.q.enqueue({ do: 'ok', value: 1 });
      expect(await t.q.getJob(job.id)).toMatchObject({ id: job.id, state: 'waiting', attempts: 0 });
      expect(await t.q.getJob('no-such-job')).toBeUndefined();
      await expect(t.q.getJob('')).rejects.toThrow(/^id: /);
    });

    it('records a completed job with its result, process and worker, and waitFor gives it', async () => {
      const t = await start();
      const job = await t.q.enqueue({ do: 'ok', value: { sent: 3 } });
      const record = await t.q.waitFor(job.id);
      expect(record).toMatchObject({
        state: 'completed',
        result: { sent: 3 },
        attempts: 1,
        processId: t.system.processId,
        worker: expect.stringContaining('worker'),
      });
      expect(record.finishedAtMs).toEqual(expect.any(Number));
    });

    it('dequeue hands the job to the caller for good: its record ends completed, reason dequeued, never active', async () => {
      const t = await start({ workers: undefined });
      const job = await t.q.enqueue({ do: 'ok', value: 1 });
      const ended = t.q.waitFor(job.id);
      expect(await t.q.dequeue()).toMatchObject({ id: job.id });
      const record = await t.q.getJob(job.id);
      expect(record).toMatchObject({
        state: 'completed',
        reason: 'dequeued',
        result: undefined,
        worker: undefined,
        attempts: 1,
        processId: t.system.processId,
      });
      expect(record?.finishedAtMs).toEqual(expect.any(Number));
      expect(await ended).toEqual(record);
      expect(await t.q.counts()).toMatchObject({ waiting: 0, active: 0, completed: 1 });
      expect(await t.q.dequeue()).toBeUndefined();
      // No event stands for it: the job ran nowhere in this system.
      expect(t.jobs.count('job.completed')).toBe(0);
    });

    it('a result too large to keep: the job completes, its record keeps ERR_RESULT_TOO_LARGE', async () => {
      const t = await start();
      const job = await t.q.enqueue({ do: 'ok', value: 'x'.repeat(70_000) });
      const record = await t.q.waitFor(job.id);
      expect(record).toMatchObject({
        state: 'completed',
        result: undefined,
        error: code('ERR_RESULT_TOO_LARGE'),
      });
      expect(t.jobs.count('job.lost')).toBe(0);
    });

    it('getJobs pages a state newest first; counts() agrees; bad queries name the field', async () => {
      const t = await start({ workers: undefined });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await t.q.enqueue({ do: 'ok', value: i })).id);
        t.clock.advance(1);
      }
      const first = await t.q.getJobs({ state: 'waiting', limit: 2 });
      expect(first.records.map((r) => r.id)).toEqual([ids[4], ids[3]]);
      const second = await t.q.getJobs({ state: 'waiting', limit: 2, cursor: first.cursor });
      expect(second.records.map((r) => r.id)).toEqual([ids[2], ids[1]]);
      expect((await t.q.getJobs({ state: 'waiting' })).records).toHaveLength(5);
      expect(await t.q.counts()).toMatchObject({ waiting: 5, active: 0, completed: 0, dead: 0 });
      await expect(t.q.getJobs({ state: 'waiting', limit: 0 })).rejects.toThrow(/^limit: /);
      await expect(t.q.getJobs({ state: 'nope' as never })).rejects.toThrow(/^state: /);
      await expect(t.q.getJobs({ state: 'waiting', bogus: 1 } as never)).rejects.toThrow(/bogus/);
    });

    it('retryJob puts a dead job back as one more attempt; a completed one is ERR_JOB_STATE and unchanged', async () => {
      const t = await start();
      const doomed = await t.q.enqueue({ do: 'fail', times: 1 });
      const dead = await t.q.waitFor(doomed.id);
      expect(dead).toMatchObject({
        state: 'dead',
        attempts: 1,
        error: expect.objectContaining({ message: 'boom 1' }),
      });
      expect((await t.q.retryJob(doomed.id)).state).toMatch(/waiting|active|completed/);
      await t.jobs.wait('job.completed');
      const after = await t.q.waitFor(doomed.id);
      expect(after).toMatchObject({ state: 'completed', result: 'recovered', attempts: 2 });
      await expect(t.q.retryJob(doomed.id)).rejects.toEqual(code('ERR_JOB_STATE'));
      expect(await t.q.getJob(doomed.id)).toEqual(after);
      await expect(t.q.retryJob('no-such-job')).rejects.toEqual(code('ERR_JOB_NOT_FOUND'));
    });

    it('removeJob removes a waiting job and its record; an unknown id gives false', async () => {
      const t = await start({ workers: undefined });
      const job = await t.q.enqueue({ do: 'ok' });
      expect(await t.q.removeJob(job.id)).toBe(true);
      expect(await t.q.getJob(job.id)).toBeUndefined();
      expect(await t.q.size()).toBe(0);
      expect(await t.q.removeJob(job.id)).toBe(false);
    });

    it('a paused queue hands out nothing but accepts enqueues; resume wakes the parked workers', async () => {
      const t = await start({}, 2);
      await t.q.pause();
      expect(await t.q.isPaused()).toBe(true);
      const job = await t.q.enqueue({ do: 'ok', value: 'later' });
      await flush();
      expect(t.jobs.count('job.started')).toBe(0);
      expect((await t.q.getJob(job.id))?.state).toBe('waiting');
      await t.q.resume();
      expect(await t.q.isPaused()).toBe(false);
      expect((await t.q.waitFor(job.id)).result).toBe('later');
    });

    it('cancel: a waiting job ends cancelled at once, with a job.cancelled event', async () => {
      const t = await start({ workers: undefined });
      const job = await t.q.enqueue({ do: 'ok' });
      const record = await t.q.cancel(job.id, 'not needed');
      expect(record).toMatchObject({ state: 'cancelled', reason: 'not needed' });
      expect(t.jobs.seen['job.cancelled']).toEqual([
        expect.objectContaining({
          job: expect.objectContaining({ id: job.id }),
          reason: 'not needed',
          worker: undefined,
        }),
      ]);
      expect(await t.q.size()).toBe(0);
      await expect(t.q.cancel(job.id)).rejects.toEqual(code('ERR_JOB_STATE'));
      await expect(t.q.cancel('no-such-job')).rejects.toEqual(code('ERR_JOB_NOT_FOUND'));
    });

    it('cancel: a running job has its signal aborted and ends cancelled, not retried', async () => {
      const t = await start({ defaults: { maxRetries: 3, retryDelayMs: 0 } });
      const job = await t.q.enqueue({ do: 'hold' });
      await t.jobs.wait('job.started');
      const ended = t.q.waitFor(job.id);
      expect((await t.q.cancel(job.id, 'user asked')).state).toBe('active');
      const record = await ended;
      expect(record).toMatchObject({ state: 'cancelled', reason: 'user asked', attempts: 1 });
      expect(held.get(job.id)?.ctx.signal.aborted).toBe(true);
      expect((held.get(job.id)?.ctx.signal.reason as QuiError).code).toBe('ERR_JOB_CANCELLED');
      await t.jobs.wait('job.cancelled');
      expect(t.jobs.count('job.retrying')).toBe(0);
      expect(t.jobs.seen['job.cancelled'][0]).toMatchObject({
        reason: 'user asked',
        worker: expect.any(String),
      });
    });

    it('cancelling a completed job is ERR_JOB_STATE and changes nothing', async () => {
      const t = await start();
      const job = await t.q.enqueue({ do: 'ok', value: 7 });
      const done = await t.q.waitFor(job.id);
      await expect(t.q.cancel(job.id)).rejects.toEqual(code('ERR_JOB_STATE'));
      expect(await t.q.getJob(job.id)).toEqual(done);
    });

    it('waitFor: an ended job at once; a timeout is ERR_WAIT_TIMEOUT; an unknown id ERR_JOB_NOT_FOUND', async () => {
      const t = await start();
      const job = await t.q.enqueue({ do: 'hold' });
      await t.jobs.wait('job.started');
      const waiting = t.q.waitFor(job.id, { timeoutMs: 1_000 });
      await flush();
      t.clock.advance(1_000);
      await expect(waiting).rejects.toEqual(code('ERR_WAIT_TIMEOUT'));
      await expect(t.q.waitFor('no-such-job')).rejects.toEqual(code('ERR_JOB_NOT_FOUND'));
      await expect(t.q.waitFor(job.id, { timeoutMs: -1 })).rejects.toThrow(/^timeoutMs: /);
      held.get(job.id)?.release(ok('done'));
      const record: JobRecord = await t.q.waitFor(job.id);
      expect(record.result).toBe('done');
      expect(await t.q.waitFor(job.id)).toEqual(record);
    });

    it('ctx.progress is kept on the record and sent as job.progress; a value too large throws to the processor', async () => {
      const t = await start();
      const job = await t.q.enqueue({ do: 'progress', value: { pct: 50 } });
      const record = await t.q.waitFor(job.id);
      expect(record.progress).toEqual({ pct: 50 });
      expect(t.jobs.seen['job.progress']).toEqual([
        expect.objectContaining({ job: expect.objectContaining({ id: job.id }), progress: { pct: 50 } }),
      ]);
      const big = await t.q.enqueue({ do: 'progress', value: 'x'.repeat(70_000) });
      const failed = await t.q.waitFor(big.id);
      expect(failed).toMatchObject({ state: 'dead', error: code('ERR_RESULT_TOO_LARGE') });
    });

    it('a dead-letter copy names its source and error; retryJob on it puts the source job back in its queue', async () => {
      held = new Map();
      failures = new Map();
      const t = await startTestSystem(
        defineSupervisor({
          id: 'root',
          children: [
            defineQueue({ name: 'dlq', store: store() }),
            defineQueue({
              name: 'src',
              store: store(),
              deadLetter: 'dlq',
              workers: { count: 1, processor },
              defaults: { maxRetries: 0 },
            }),
          ],
        }),
        { account: true },
      );
      const src = t.system.queue<Task>('src');
      const dlq = t.system.queue<Task>('dlq');
      const jobs = new JobEvents(t.system.events);
      const job = await src.enqueue({ do: 'fail', times: 1 });
      await src.waitFor(job.id);
      await jobs.wait('job.enqueued', 2);
      const [copy] = (await dlq.getJobs({ state: 'waiting' })).records;
      expect(copy?.deadLetterOf).toEqual({
        queue: 'src',
        jobId: job.id,
        error: expect.objectContaining({ message: 'boom 1' }),
      });
      const back = await dlq.retryJob(copy?.id as string);
      expect(back).toMatchObject({ id: job.id, queue: 'src' });
      expect(await dlq.getJob(copy?.id as string)).toBeUndefined();
      expect((await src.waitFor(job.id)).result).toBe('recovered');
    });

    it('with retain: false every records call is ERR_RECORDS_OFF', async () => {
      const t = await start({ retain: false });
      const job = await t.q.enqueue({ do: 'ok' });
      for (const call of [
        () => t.q.getJob(job.id),
        () => t.q.getJobs({ state: 'waiting' }),
        () => t.q.counts(),
        () => t.q.retryJob(job.id),
        () => t.q.removeJob(job.id),
        () => t.q.pause(),
        () => t.q.resume(),
        () => t.q.isPaused(),
        () => t.q.cancel(job.id),
        () => t.q.waitFor(job.id),
      ])
        await expect(call()).rejects.toEqual(code('ERR_RECORDS_OFF'));
    });

    it('prunes ended records past their age on the upkeep timer', async () => {
      const t = await start({ retain: { completed: { maxAgeMs: 1_000 } }, lease: { heartbeatMs: 1_000 } });
      const job = await t.q.enqueue({ do: 'ok' });
      await t.q.waitFor(job.id);
      t.clock.advance(1_001);
      for (let i = 0; i < 5 && (await t.q.getJob(job.id)) !== undefined; i++) {
        await flush();
        t.clock.advance(500);
      }
      expect(await t.q.getJob(job.id)).toBeUndefined();
    });
  });
}
