import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, systemClock } from '../../../src/clock';
import type { ActorRef } from '../../../src/actors/actor-ref';
import { defineActor } from '../../../src/actors/define-actor';
import { defineQueue } from '../../../src/queue/define-queue';
import { pollMessage, type PoolMessage } from '../../../src/queue/pool-messages';
import type { WorkerMessage } from '../../../src/queue/worker-messages';
import { ok } from '../../../src/jobs/job-result';
import type { Processor } from '../../../src/tasks/run-attempt';
import type { JobStoreFactory } from '../../../src/stores/job-store';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { startTestSystem } from '../../helpers/start-test-system';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * A ManualClock that, like systemClock, knows only the latest time it returned: moving it
 * (`advance`) reads nothing, so a time read before the move is still the latest anyone has seen.
 * It counts its reads.
 */
class LatestReadClock extends ManualClock {
  private latest = -Infinity;
  reads = 0;
  override wallNow(): number {
    this.reads++;
    const ms = super.wallNow();
    if (ms > this.latest) this.latest = ms;
    return ms;
  }
  override latestWallMs(): number {
    return this.latest;
  }
}

/** A queue 'q' (on `store`, memory by default) and a stand-in worker: the queue's assignments, in order. */
async function queueWithProbe(store?: JobStoreFactory) {
  const clock = new LatestReadClock();
  const assigned: Array<{ id: string; takenAtMs: number }> = [];
  const probe = defineActor<null, WorkerMessage>({
    id: 'probe',
    name: 'probe',
    init: () => null,
    handle: (s, msg) => {
      if (msg.type === 'worker.assign') assigned.push({ id: msg.job.id, takenAtMs: msg.takenAtMs });
      if (msg.type === 'worker.status') msg.replyTo.send({ state: 'idle' });
      return s;
    },
  });
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'q', ...(store ? { store } : {}) }), probe],
    }),
    {
      clock,
    },
  );
  const queueRef = t.system.lookup<PoolMessage>('q') as ActorRef<PoolMessage>;
  const probeRef = t.system.lookup<WorkerMessage>('probe') as ActorRef<WorkerMessage>;
  const q = t.system.queue<string>('q');
  /**
   * Sends one poll carrying `atMs`; resolves with the queue's stats once the queue has handled it
   * and the probe any assignment it made (each ask is a barrier of its mailbox).
   */
  const poll = async (atMs: number) => {
    const msg = pollMessage(probeRef);
    msg.atMs = atMs;
    queueRef.send(msg);
    const stats = await q.stats();
    await t.system.ask<unknown, WorkerMessage>(
      'probe',
      (replyTo) => ({ type: 'worker.status', replyTo }),
      Infinity,
    );
    return stats;
  };
  return { t, clock, q, poll, assigned };
}

/** A queue 'q' (records on) with one worker running the processor `make` returns for its clock. */
async function oneWorker(make: (clock: LatestReadClock) => Processor) {
  const clock = new LatestReadClock();
  const q = defineQueue({ name: 'q', workers: { count: 1, processor: make(clock) } });
  const t = await startTestSystem(defineSupervisor({ id: 'root', children: [q] }), { clock });
  return { t, clock, client: t.system.queue<string>('q') };
}

describe("a poll's time (the clock read the worker's last attempt ended with)", () => {
  it('is the take time while no later time has been read, with no read of its own', async () => {
    const { clock, q, poll, assigned } = await queueWithProbe();
    const job = await q.enqueue('a');
    const endedAt = clock.wallNow();
    clock.advance(10); // time moves on, but nothing reads it
    await poll(endedAt);
    const record = await q.getJob(job.id);
    expect(record).toMatchObject({ state: 'active', startedAtMs: endedAt });
    expect(assigned).toEqual([{ id: job.id, takenAtMs: endedAt }]);
  });

  it('is not used once a later time was read: the take reads the clock, never going back before a stamp', async () => {
    const { clock, q, poll, assigned } = await queueWithProbe();
    const endedAt = clock.wallNow();
    clock.advance(10);
    const job = await q.enqueue('a'); // stamped 10 ms after the worker's read
    await poll(endedAt);
    const record = await q.getJob(job.id);
    expect(record?.startedAtMs).toBe(endedAt + 10);
    expect(record?.startedAtMs).toBeGreaterThanOrEqual(job.enqueuedAtMs);
    expect(assigned[0]?.takenAtMs).toBe(endedAt + 10);
  });

  it('NaN (a worker that read no time) makes the take read the clock', async () => {
    const { clock, q, poll, assigned } = await queueWithProbe();
    const job = await q.enqueue('a');
    clock.advance(10);
    await poll(Number.NaN);
    expect(assigned).toEqual([{ id: job.id, takenAtMs: clock.wallNow() }]);
  });

  it('finding nothing due at that time, looks again at a fresh read: a job due since is handed out at once', async () => {
    const { clock, q, poll, assigned } = await queueWithProbe();
    const job = await q.enqueue('later', { delayMs: 5 });
    const endedAt = clock.wallNow();
    clock.advance(10); // the job fell due, and nothing read the clock since
    const stats = await poll(endedAt);
    expect(stats.parkedPolls).toBe(0);
    expect(assigned).toEqual([{ id: job.id, takenAtMs: endedAt + 10 }]);
  });

  it('is not used on a shared store, whose jobs other processes stamp with times this clock never returned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qui-poll-time-'));
    dirs.push(dir);
    const { clock, q, poll, assigned } = await queueWithProbe(sqliteStore({ path: join(dir, 'jobs.db') }));
    const job = await q.enqueue('a');
    const endedAt = clock.wallNow();
    clock.advance(10);
    await poll(endedAt);
    expect(assigned).toEqual([{ id: job.id, takenAtMs: endedAt + 10 }]);
  });

  it('is carried by a real worker: its next job starts when its last one ended, not at a second read', async () => {
    const { t, clock, client } = await oneWorker((clock) => () => {
      clock.advance(7); // the attempt takes 7 ms
      return ok();
    });
    // Between the first attempt's end (read by the worker) and the next take, time moves on
    // without a read: the next take is at the end read, not 5 ms later.
    t.system.events.on('job.completed', () => clock.advance(5));
    const [first, second] = await client.enqueueMany([{ task: 'a' }, { task: 'b' }]);
    await client.waitFor(second!.id);
    const a = await client.getJob(first!.id);
    const b = await client.getJob(second!.id);
    expect(a?.state).toBe('completed');
    expect(b?.startedAtMs).toBe(a?.finishedAtMs);
    expect(b?.finishedAtMs).toBe((a?.finishedAtMs as number) + 5 + 7);
  });

  it('makes one clock read per job serve both its end and the next take', async () => {
    const { clock, client } = await oneWorker(() => () => ok());
    await client.stats(); // started and parked
    const before = clock.reads;
    const jobs = await client.enqueueMany(['a', 'b', 'c', 'd', 'e'].map((task) => ({ task })));
    await client.waitFor(jobs[4]!.id);
    await client.size(); // the last poll has been handled (size reads no clock; stats would)
    // 2 for the enqueue (the jobs' stamp, the store's), 1 for the take that wakes the parked
    // worker, 1 per job as it ends (its record's end, and the next take), 1 for the last poll's
    // fresh look before it parks. Two reads per job (take and end) would make 2 + 1 + 10.
    expect(clock.reads - before).toBe(2 + 1 + jobs.length + 1);
  });

  it("ends a crashed attempt's lost record at the time the attempt ended: no second read", async () => {
    const { t, clock, client } = await oneWorker((clock) => () => {
      clock.advance(7); // the attempt takes 7 ms, then answers with no JobResult
      return 42 as never;
    });
    // job.lost is emitted before the record ends: a read made after it would see 5 ms more.
    t.system.events.on('job.lost', () => clock.advance(5));
    const job = await client.enqueue('bad');
    const record = await client.waitFor(job.id);
    expect(record.state).toBe('lost');
    expect(record.finishedAtMs).toBe((record.startedAtMs as number) + 7);
  });

  it("ends a cancelled attempt's record at the time the worker read as it settled", async () => {
    // Runs until its signal aborts, 7 ms after it started.
    const { t, clock, client } = await oneWorker(
      (clock) => (_job, ctx) =>
        new Promise((resolve) => {
          clock.advance(7);
          ctx.signal.addEventListener('abort', () => resolve(ok()));
        }),
    );
    // job.cancelled is emitted before the record ends: a read made after it would see 5 ms more.
    t.system.events.on('job.cancelled', () => clock.advance(5));
    const started = new Promise<void>((resolve) => t.system.events.once('job.started', () => resolve()));
    const job = await client.enqueue('long');
    await started;
    await client.cancel(job.id, 'not needed');
    const record = await client.waitFor(job.id);
    expect(record.state).toBe('cancelled');
    expect(record.finishedAtMs).toBe((record.startedAtMs as number) + 7);
  });
});

describe('Clock.latestWallMs', () => {
  it("systemClock's is the latest time its wallNow returned", () => {
    const read = systemClock.wallNow();
    expect(systemClock.latestWallMs?.()).toBeGreaterThanOrEqual(read);
    expect(systemClock.latestWallMs?.()).toBeLessThanOrEqual(Date.now());
  });

  it('is not copied by a spread of systemClock with a wallNow of its own', () => {
    const shifted = { ...systemClock, wallNow: () => Date.now() + 60_000 };
    expect(shifted.latestWallMs).toBeUndefined();
  });

  it("a ManualClock's is its current time", () => {
    const clock = new ManualClock();
    clock.advance(3);
    expect(clock.latestWallMs()).toBe(clock.wallNow());
  });
});
