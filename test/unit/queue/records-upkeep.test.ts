import { ManualClock } from '../../../src/clock';
import { QuiEventBus, type QuiEvents } from '../../../src/events';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { JobLedger } from '../../../src/queue/job-ledger';
import { LEASE_BEATS, RecordsUpkeep } from '../../../src/queue/records-upkeep';
import type { JobRecords } from '../../../src/stores/job-records';
import { memoryStore } from '../../../src/stores/memory-store';
import { makeJob } from '../../contracts/job-store.contract';
import { flush } from '../../helpers/events';
import { createTestLogger } from '../../helpers/test-logger';

const HEARTBEAT_MS = 1_000;

/**
 * A store whose jobs were taken by process `dead` (which beat once, then died), and the upkeep of
 * a surviving process `alive` over the same records.
 */
function setup(requeueLost = false, taker = 'dead') {
  const clock = new ManualClock(1_000_000);
  const store = memoryStore().create({
    queue: 'q',
    priorities: ['high', 'low'],
    records: { processId: taker, retention: DEFAULT_RETENTION },
  });
  const records = store.records as JobRecords;
  const events = new QuiEventBus(() => undefined);
  const lost: QuiEvents['job.lost'][] = [];
  events.on('job.lost', (e) => lost.push(e));
  let woken = 0;
  const log = createTestLogger('debug').logger;
  const ledger = new JobLedger({
    queue: 'q',
    events,
    clock,
    log,
    open: () => Promise.resolve(store),
    wake: () => woken++,
    deadLetter: () => undefined,
    deadLetterName: undefined,
    build: () => makeJob('q'),
    processId: 'alive',
  });
  const upkeep = new RecordsUpkeep({
    records,
    ledger,
    clock,
    log,
    processId: 'alive',
    heartbeatMs: HEARTBEAT_MS,
    shared: true,
    requeueLost,
    workers: 2,
  });
  return { clock, store, records, lost, upkeep, woken: () => woken };
}

/** Advances the clock in steps of `stepMs`, letting each upkeep round finish, until `until()` or `maxMs`. */
async function runFor(clock: ManualClock, maxMs: number, until: () => boolean, stepMs = 50): Promise<number> {
  const start = clock.wallNow();
  while (!until() && clock.wallNow() - start < maxMs) {
    clock.advance(stepMs);
    await flush(5);
  }
  return clock.wallNow() - start;
}

describe('RecordsUpkeep', () => {
  it("marks a dead process's active jobs lost (process-gone) within two heartbeats of its last beat", async () => {
    const t = setup();
    const job = makeJob('q', { maxRetries: 3 });
    t.store.add(job, t.clock.wallNow());
    t.store.take(t.clock.wallNow()); // taken by 'dead'
    await t.records.heartbeat(
      { processId: 'dead', host: 'h', pid: 1, startedAtMs: 0, workers: { busy: 1, total: 1 } },
      t.clock.wallNow(),
      HEARTBEAT_MS * LEASE_BEATS,
    );
    await t.upkeep.start();
    const took = await runFor(t.clock, 10 * HEARTBEAT_MS, () => t.lost.length > 0);
    expect(took).toBeGreaterThanOrEqual(HEARTBEAT_MS * LEASE_BEATS);
    expect(took).toBeLessThanOrEqual(2 * HEARTBEAT_MS);
    expect(t.lost).toEqual([
      expect.objectContaining({
        job: expect.objectContaining({ id: job.id, attempts: 0 }),
        reason: { type: 'process-gone', processId: 'dead' },
      }),
    ]);
    expect((await t.records.get(job.id))?.state).toBe('lost');
    await t.upkeep.stop();
  });

  it("with onLost: 'retry', stores the job again and wakes the queue instead", async () => {
    const t = setup(true);
    const job = makeJob('q', { maxRetries: 3 });
    t.store.add(job, t.clock.wallNow());
    t.store.take(t.clock.wallNow());
    await t.upkeep.start();
    await runFor(t.clock, 10 * HEARTBEAT_MS, () => t.woken() > 0);
    expect(t.lost).toEqual([]);
    expect((await t.records.get(job.id))?.state).toBe('waiting');
    expect(t.store.size()).toBe(1);
    await t.upkeep.stop();
  });

  it('keeps its own lease alive while it runs, and ends it on stop', async () => {
    const t = setup();
    await t.upkeep.start();
    await runFor(t.clock, 5 * HEARTBEAT_MS, () => false);
    expect((await t.records.processes(t.clock.wallNow())).map((p) => p.processId)).toEqual(['alive']);
    await t.upkeep.stop();
    expect(await t.records.processes(t.clock.wallNow())).toEqual([]);
  });

  it('after its beats failed for longer than its lease, beats before it reaps: it never reaps its own jobs', async () => {
    // A Redis outage longer than the lease: this process's lease lapsed while it ran a job. When the
    // store is back, a round that reaped before beating took its own job for lost (process-gone).
    const t = setup(false, 'alive');
    const job = makeJob('q');
    t.store.add(job, t.clock.wallNow());
    t.store.take(t.clock.wallNow()); // taken by this process, 'alive', and still running here
    const calls: string[] = [];
    let down = false;
    const { heartbeat, reap } = t.records;
    t.records.heartbeat = (...args) => {
      calls.push('beat');
      return down ? Promise.reject(new Error('store down')) : heartbeat.apply(t.records, args);
    };
    t.records.reap = (...args) => {
      calls.push('reap');
      return down ? Promise.reject(new Error('store down')) : reap.apply(t.records, args);
    };
    await t.upkeep.start();
    down = true;
    // Down for five leases; stop on a round that beat, so the next round is one that beats no more
    // than every other round would (a reap-only round).
    await runFor(t.clock, 5 * HEARTBEAT_MS * LEASE_BEATS, () => false);
    await runFor(t.clock, 2 * HEARTBEAT_MS, () => calls[calls.length - 1] === 'beat');
    expect(calls[calls.length - 1]).toBe('beat');
    const before = calls.length;
    down = false;
    await runFor(t.clock, 2 * HEARTBEAT_MS, () => calls.length >= before + 2);
    expect(t.lost).toEqual([]);
    expect((await t.records.get(job.id))?.state).toBe('active');
    expect(calls.slice(before, before + 2)).toEqual(['beat', 'reap']);
    await t.upkeep.stop();
  });

  it('reaps nothing after a beat that landed later than its lease: its own job stays active', async () => {
    // A beat sent while Redis was down runs when it is back, with the time it was sent: the lease it
    // writes has lapsed already, and a reap right after it took this process's own job for lost.
    const t = setup(false, 'alive');
    const job = makeJob('q');
    t.store.add(job, t.clock.wallNow());
    t.store.take(t.clock.wallNow());
    await t.upkeep.start();
    const { heartbeat, reap } = t.records;
    let late = true;
    let landed = false;
    let reapsAfter = 0;
    t.records.heartbeat = (beat, nowMs, ttlMs) => {
      if (!late) return heartbeat.call(t.records, beat, nowMs, ttlMs);
      late = false;
      // Lands three heartbeats later, written with the time it was sent.
      return new Promise<void>((resolve) => {
        t.clock.setTimeout(() => {
          void Promise.resolve(heartbeat.call(t.records, beat, nowMs, ttlMs)).then(() => {
            landed = true;
            resolve();
          });
        }, 3 * HEARTBEAT_MS);
      });
    };
    t.records.reap = (...args) => {
      if (landed) reapsAfter++;
      return reap.apply(t.records, args);
    };
    await runFor(t.clock, 10 * HEARTBEAT_MS, () => reapsAfter >= 2);
    expect(reapsAfter).toBeGreaterThanOrEqual(2);
    expect(t.lost).toEqual([]);
    expect((await t.records.get(job.id))?.state).toBe('active');
    await t.upkeep.stop();
  });
});
