import type { Job } from '../../src/jobs/job';
import type { JobRecords, StoreBroadcast } from '../../src/stores/job-records';
import type { JobStore } from '../../src/stores/job-store';
import { PROCESS, retention, type RecordsHarness } from './job-records-harness';

type RecordsStore = JobStore & { records: JobRecords };

const DEAD = { state: 'dead', error: { name: 'Error', message: 'boom' }, worker: undefined } as const;
const LOST = { state: 'lost', reason: 'worker-crashed', error: undefined, worker: undefined } as const;
const COMPLETED = { state: 'completed', result: undefined, error: undefined, worker: undefined } as const;
const BEAT = {
  processId: PROCESS,
  host: 'test-host',
  pid: 1,
  startedAtMs: 0,
  workers: { busy: 1, total: 2 },
};

/** Pause, cancel, retry, remove, leases and broadcasts: part of the records suite. @internal */
export function describeRecordsControlContract(h: RecordsHarness): void {
  /** Adds a job, takes it, and ends it with `end` when given. */
  const taken = async (store: RecordsStore, end?: Parameters<JobRecords['finish']>[1]): Promise<Job> => {
    const job = h.job();
    await store.add(job, 0);
    expect((await store.take(0))?.id).toBe(job.id);
    if (end !== undefined) await store.records.finish(job.id, end, 10);
    return job;
  };

  describe('pause', () => {
    it('hands out nothing while paused, keeps what is added, and hands it out once resumed', async () => {
      const store = await h.open();
      await store.records.setPaused(true);
      expect(await store.records.isPaused()).toBe(true);
      const job = h.job();
      await store.add(job, 0);
      expect(await store.take(0)).toBeUndefined();
      if (store.takeMany) expect(await store.takeMany(5, 0)).toEqual([]);
      expect(await store.records.counts()).toEqual(h.counts({ waiting: 1 }));
      expect(await store.size()).toBe(1);
      await store.records.setPaused(false);
      expect(await store.records.isPaused()).toBe(false);
      expect((await store.take(0))?.id).toBe(job.id);
    });
  });

  describe('cancel', () => {
    it.each([
      ['waiting', {}],
      ['delayed', { runAtMs: 500 }],
    ])('cancels a %s job: its record ends cancelled and its job leaves the store', async (state, fields) => {
      const store = await h.open();
      const job = h.job(fields);
      const other = h.job({ runAtMs: 600 });
      await store.addMany([job, other], 0);
      expect((await store.records.get(job.id))?.state).toBe(state);
      const outcome = await store.records.cancel(job.id, 'not needed', 20);
      expect(outcome).toMatchObject({
        state: 'cancelled',
        record: { state: 'cancelled', reason: 'not needed' },
      });
      expect(await store.records.get(job.id)).toMatchObject({
        state: 'cancelled',
        finishedAtMs: 20,
        reason: 'not needed',
      });
      expect(await store.size()).toBe(1);
      expect(await store.counts(1_000)).toMatchObject({ waiting: { low: 1 }, delayed: 0 });
      expect((await store.take(1_000))?.id).toBe(other.id);
      expect(await store.take(1_000)).toBeUndefined();
      expect(await store.records.counts()).toEqual(h.counts({ cancelled: 1, active: 1 }));
    });

    it('cancels a failed job: its stored retry is removed', async () => {
      const store = await h.open();
      const job = await taken(store);
      await store.records.retryLater(
        { ...job, attempts: 1, runAtMs: 50 },
        { name: 'Error', message: 'x' },
        undefined,
        5,
      );
      expect((await store.records.cancel(job.id, undefined, 6)).state).toBe('cancelled');
      expect(await store.take(100)).toBeUndefined();
      expect(await store.size()).toBe(0);
      expect(await store.records.counts()).toEqual(h.counts({ cancelled: 1 }));
    });

    it('leaves an active job to the process that runs it, and says which', async () => {
      const store = await h.open();
      const job = await taken(store);
      const outcome = await store.records.cancel(job.id, 'stop', 5);
      expect(outcome).toMatchObject({
        state: 'active',
        processId: PROCESS,
        record: { id: job.id, state: 'active' },
      });
      expect((await store.records.get(job.id))?.state).toBe('active');
      expect(
        await store.records.finish(job.id, { state: 'cancelled', reason: 'stop', worker: 'w/1' }, 7),
      ).toBe(true);
      expect(await store.records.get(job.id)).toMatchObject({ state: 'cancelled', reason: 'stop' });
    });

    it.each([
      ['completed', COMPLETED],
      ['dead', DEAD],
      ['lost', LOST],
    ] as const)('refuses to cancel a %s job with ERR_JOB_STATE and changes nothing', async (state, end) => {
      const store = await h.open();
      const job = await taken(store, end);
      const before = await store.records.get(job.id);
      await expect(async () => store.records.cancel(job.id, undefined, 50)).rejects.toMatchObject({
        code: 'ERR_JOB_STATE',
        message: expect.stringContaining(`is ${state}: cannot cancel it`),
      });
      expect(await store.records.get(job.id)).toEqual(before);
    });

    it('refuses to cancel a cancelled job, and an unknown one with ERR_JOB_NOT_FOUND', async () => {
      const store = await h.open();
      const job = h.job();
      await store.add(job, 0);
      await store.records.cancel(job.id, undefined, 1);
      await expect(async () => store.records.cancel(job.id, undefined, 2)).rejects.toMatchObject({
        code: 'ERR_JOB_STATE',
      });
      await expect(async () => store.records.cancel('no-such-job', undefined, 2)).rejects.toMatchObject({
        code: 'ERR_JOB_NOT_FOUND',
      });
      expect((await store.records.get(job.id))?.finishedAtMs).toBe(1);
    });

    it('prunes cancelled records by their own retention', async () => {
      const store = await h.open({
        retention: retention({ cancelled: { maxAgeMs: Infinity, maxCount: 1 } }),
      });
      const [a, b] = [h.job(), h.job()];
      await store.addMany([a, b], 0);
      await store.records.cancel(a.id, undefined, 1);
      await store.records.cancel(b.id, undefined, 2);
      expect(await store.records.get(a.id)).toBeUndefined();
      expect(await store.records.counts()).toEqual(h.counts({ cancelled: 1 }));
    });
  });

  describe('retry', () => {
    it.each([
      ['dead', DEAD],
      ['lost', LOST],
    ] as const)('puts a %s job back to waiting as one more attempt, its error kept', async (_state, end) => {
      const store = await h.open();
      const job = await taken(store, end);
      const record = await store.records.retry(job.id, 20);
      expect(record).toMatchObject({
        state: 'waiting',
        attempts: 1,
        finishedAtMs: undefined,
        reason: undefined,
      });
      expect(record.error).toEqual(end.error);
      expect(await store.records.counts()).toEqual(h.counts({ waiting: 1 }));
      const again = await store.take(20);
      expect(again).toMatchObject({ id: job.id, attempts: 1 });
      expect(await store.records.get(job.id)).toMatchObject({
        state: 'active',
        attempts: 2,
        startedAtMs: 20,
      });
    });

    it.each([
      ['completed', COMPLETED],
      ['cancelled', { state: 'cancelled', reason: undefined, worker: undefined }],
    ] as const)('refuses to retry a %s job with ERR_JOB_STATE and changes nothing', async (state, end) => {
      const store = await h.open();
      const job = await taken(store, end);
      const before = await store.records.get(job.id);
      await expect(async () => store.records.retry(job.id, 50)).rejects.toMatchObject({
        code: 'ERR_JOB_STATE',
        message: expect.stringContaining(`is ${state}: cannot retry it`),
      });
      expect(await store.records.get(job.id)).toEqual(before);
      expect(await store.size()).toBe(0);
    });

    it('refuses to retry a waiting job, or an unknown one', async () => {
      const store = await h.open();
      const job = h.job();
      await store.add(job, 0);
      await expect(async () => store.records.retry(job.id, 1)).rejects.toMatchObject({
        code: 'ERR_JOB_STATE',
      });
      await expect(async () => store.records.retry('no-such-job', 1)).rejects.toMatchObject({
        code: 'ERR_JOB_NOT_FOUND',
      });
      expect(await store.size()).toBe(1);
    });
  });

  describe('remove', () => {
    it('removes a waiting job with its record, an ended record, and answers false for an unknown id', async () => {
      const store = await h.open();
      const ended = await taken(store, COMPLETED);
      const waiting = h.job();
      await store.add(waiting, 0);
      expect(await store.records.remove(waiting.id)).toBe(true);
      expect(await store.records.remove(ended.id)).toBe(true);
      expect(await store.records.remove('no-such-job')).toBe(false);
      expect(await store.records.get(waiting.id)).toBeUndefined();
      expect(await store.take(0)).toBeUndefined();
      expect(await store.size()).toBe(0);
      expect(await store.records.counts()).toEqual(h.counts({}));
    });

    it('refuses to remove an active job with ERR_JOB_STATE', async () => {
      const store = await h.open();
      const job = await taken(store);
      await expect(async () => store.records.remove(job.id)).rejects.toMatchObject({ code: 'ERR_JOB_STATE' });
      expect((await store.records.get(job.id))?.state).toBe('active');
    });
  });

  describe('leases', () => {
    it('lists a process while its lease runs, and not once it expired or left', async () => {
      const store = await h.open();
      await store.records.heartbeat(BEAT, 100, 50);
      expect(await store.records.processes(120)).toEqual([{ ...BEAT, lastBeatAtMs: 100, expiresAtMs: 150 }]);
      expect(await store.records.processes(150)).toEqual([]);
      await store.records.heartbeat(BEAT, 200, 50);
      await store.records.leave(PROCESS);
      expect(await store.records.processes(210)).toEqual([]);
    });

    it('reaps the active jobs of a process whose lease expired as lost, process-gone', async () => {
      const store = await h.open();
      await store.records.heartbeat(BEAT, 0, 100);
      const job = await taken(store);
      expect(await store.records.reap(50, false)).toEqual([]);
      const reaped = await store.records.reap(150, false);
      expect(reaped).toMatchObject([
        { id: job.id, state: 'lost', reason: 'process-gone', finishedAtMs: 150 },
      ]);
      expect(await store.records.counts()).toEqual(h.counts({ lost: 1 }));
      // The process comes back too late: its writes change nothing.
      expect(await store.records.finish(job.id, COMPLETED, 160)).toBe(false);
      expect((await store.records.get(job.id))?.state).toBe('lost');
      expect(await store.records.reap(200, false)).toEqual([]);
    });

    it('reaps the jobs of a process that never beat', async () => {
      const store = await h.open();
      const job = await taken(store);
      expect((await store.records.reap(1, false)).map((r) => r.id)).toEqual([job.id]);
    });

    it('with requeue, stores a reaped job again as a retry when it has retries left, else ends it lost', async () => {
      const store = await h.open();
      const retried = await taken(store);
      const last = h.job({ attempts: 3, maxRetries: 3 });
      await store.add(last, 0);
      await store.take(0);
      const reaped = await store.records.reap(10, true);
      expect(reaped.find((r) => r.id === retried.id)).toMatchObject({ state: 'waiting', attempts: 1 });
      expect(reaped.find((r) => r.id === last.id)).toMatchObject({ state: 'lost', reason: 'process-gone' });
      expect(await store.take(10)).toMatchObject({ id: retried.id, attempts: 1 });
      expect(await store.records.get(retried.id)).toMatchObject({ state: 'active', attempts: 2 });
    });
  });

  describe('broadcast', () => {
    it('delivers to every listener, this process included, until it stops listening', async () => {
      const store = await h.open();
      const seen: StoreBroadcast[] = [];
      const stop = store.records.onBroadcast((m) => seen.push(m));
      const second = new Promise<StoreBroadcast>((resolve) => store.records.onBroadcast(resolve));
      const message: StoreBroadcast = { type: 'job.cancel', origin: PROCESS, jobId: 'j-1', reason: 'stop' };
      await store.records.broadcast(message);
      expect(await second).toEqual(message);
      stop();
      const next = new Promise<StoreBroadcast>((resolve) => store.records.onBroadcast(resolve));
      const paused: StoreBroadcast = { type: 'queue.paused', origin: PROCESS, paused: true };
      await store.records.broadcast(paused);
      expect(await next).toEqual(paused);
      expect(seen).toEqual([message]);
    });
  });

  if (h.traits.shared) {
    describe('across processes', () => {
      it('shares records, counts, pause and ownership between two instances of the queue', async () => {
        const one = await h.open();
        const two = await h.open({ processId: 'p2' });
        const job = h.job();
        await one.add(job, 0);
        expect(await two.records.counts()).toEqual(h.counts({ waiting: 1 }));
        await one.records.setPaused(true);
        expect(await two.take(0)).toBeUndefined();
        await one.records.setPaused(false);
        expect((await two.take(0))?.id).toBe(job.id);
        expect(await one.records.get(job.id)).toMatchObject({ state: 'active', processId: 'p2' });
        expect(await one.records.finish(job.id, COMPLETED, 5)).toBe(false);
        expect(await two.records.finish(job.id, COMPLETED, 5)).toBe(true);
        expect(await one.records.counts()).toEqual(h.counts({ completed: 1 }));
      });

      it('delivers a broadcast to the other instance', async () => {
        const one = await h.open();
        const two = await h.open({ processId: 'p2' });
        const got = new Promise<StoreBroadcast>((resolve) => two.records.onBroadcast(resolve));
        const message: StoreBroadcast = {
          type: 'job.event',
          origin: PROCESS,
          event: 'job.progress',
          payload: { n: 1 },
        };
        await one.records.broadcast(message);
        expect(await got).toEqual(message);
      });
    });
  }
}
