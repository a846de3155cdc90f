import { ManualClock } from '../../../src/clock';
import { QuiEventBus } from '../../../src/events';
import type { Job } from '../../../src/jobs/job';
import { CLOSE_WAIT_MS, JobLedger, STORE_RETRY_DELAYS_MS } from '../../../src/queue/job-ledger';
import type { JobStore } from '../../../src/stores/job-store';
import { createTestLogger } from '../../helpers/test-logger';

const job = { id: 'j1', queue: 'q', task: 1, attempts: 1 } as unknown as Job;

function ledgerOver(add: JobStore['add']) {
  const clock = new ManualClock();
  const log = createTestLogger('debug');
  const events = new QuiEventBus(() => undefined);
  const lost: unknown[] = [];
  events.on('job.lost', (e) => lost.push(e));
  let woken = 0;
  const ledger = new JobLedger({
    queue: 'q',
    events,
    clock,
    log: log.logger,
    open: () => Promise.reject(new Error('not used')),
    wake: () => woken++,
    deadLetter: () => undefined,
    deadLetterName: undefined,
    build: () => job,
  });
  ledger.store = { add } as unknown as JobStore;
  return { ledger, clock, log, lost, woken: () => woken };
}

describe('JobLedger', () => {
  it('tries a failing write 5 times, waiting 50, 200, 800 and 2000 ms, then reports the job lost', () => {
    let tries = 0;
    const { ledger, clock, lost } = ledgerOver(() => {
      tries++;
      throw new Error('down');
    });
    const endedAtMs = clock.wallNow();
    ledger.retry(job, 0, 'w', new Error('failed'), endedAtMs);
    expect(STORE_RETRY_DELAYS_MS).toEqual([50, 200, 800, 2_000]);
    for (const ms of STORE_RETRY_DELAYS_MS) {
      expect(lost).toHaveLength(0);
      clock.advance(ms);
    }
    expect(tries).toBe(5);
    expect(lost).toEqual([
      {
        job: { ...job, attempts: 2, runAtMs: endedAtMs },
        worker: 'w',
        reason: { type: 'store', error: expect.objectContaining({ code: 'ERR_STORE' }) },
      },
    ]);
    expect(ledger.totals).toMatchObject({ retried: 1, failed: 1, lost: 1 });
    expect(ledger.pendingWrites).toBe(0);
  });

  it('wakes the queue once a returned job is stored', () => {
    const { ledger, woken } = ledgerOver(() => undefined);
    ledger.returned(job, undefined);
    expect(woken()).toBe(1);
    expect(ledger.pendingWrites).toBe(0);
  });

  it('stops waiting for a write that never settles after CLOSE_WAIT_MS, and says so', async () => {
    const { ledger, clock, log } = ledgerOver(() => new Promise<void>(() => undefined));
    ledger.returned(job, undefined);
    let done = false;
    const settled = ledger.settled().then(() => (done = true));
    clock.advance(CLOSE_WAIT_MS - 1);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await settled;
    expect(log.find('store writes still pending at close; closing anyway', 'error')).toHaveLength(1);
  });
});
