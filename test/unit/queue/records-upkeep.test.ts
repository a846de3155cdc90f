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
function setup(requeueLost = false) {
  const clock = new ManualClock(1_000_000);
  const store = memoryStore().create({
    queue: 'q',
    priorities: ['high', 'low'],
    records: { processId: 'dead', retention: DEFAULT_RETENTION },
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
});
