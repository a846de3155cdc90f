import { ManualClock } from '../../../src/clock';
import { QuiError } from '../../../src/errors';
import type { JobRecord, JobState } from '../../../src/jobs/job-record';
import { JobControl, WAIT_RECHECK_MS, type ControlHost } from '../../../src/queue/job-control';
import type { JobRecords } from '../../../src/stores/job-records';

/**
 * `waitFor` is woken by the broadcast of its job's end, which may be lost (delivery is at most
 * once): these tests end a job and send no broadcast at all.
 */

interface Fixture {
  readonly control: JobControl;
  readonly clock: ManualClock;
  /** Reads of a record so far. */
  readonly reads: () => number;
  /** Ends the job's record, telling no one (a lost broadcast). */
  end(): void;
  /** Lets the records' `listening` resolve (the subscriber subscribed). */
  listen(): void;
}

interface FixtureOptions {
  /** Whether other processes may share the store (`ControlHost.shared`). @defaultValue true */
  readonly shared?: boolean;
  /** Job ids whose read throws at once (as SQLite's does on a closed file) rather than reject. */
  readonly throwing?: readonly string[];
}

function fixture(options: FixtureOptions = {}): Fixture {
  const clock = new ManualClock();
  let state: JobState = 'active';
  let reads = 0;
  const removed = new Set<string>();
  let listen = (): void => undefined;
  const listening = new Promise<void>((resolve) => (listen = resolve));
  const records = {
    get: (id: string) => {
      reads++;
      if (options.throwing?.includes(id)) throw new TypeError('The database connection is not open');
      if (removed.has(id)) return Promise.resolve(undefined);
      // A job named `copy…` is a dead-letter copy.
      const copy = id.startsWith('copy') ? { deadLetterOf: { queue: 'source', id: 'j0' } } : {};
      return Promise.resolve({ id, state, ...copy } as unknown as JobRecord);
    },
    remove: (id: string) => {
      removed.add(id);
      return Promise.resolve(true);
    },
    listening: () => listening,
  } as unknown as JobRecords;
  const host = {
    name: 'emails',
    processId: 'here',
    clock,
    shared: options.shared ?? true,
    records: () => Promise.resolve(records),
    removed: () => undefined,
    // The copy goes back into its source queue and leaves this one.
    retryDeadLetter: (record: JobRecord) => {
      removed.add(record.id);
      return Promise.resolve({ ...record, state: 'waiting' });
    },
    onEnded: () => () => undefined, // no broadcast ever comes
  } as unknown as ControlHost;
  return {
    control: new JobControl(host),
    clock,
    reads: () => reads,
    end: () => (state = 'completed'),
    listen,
  };
}

/** Lets every pending read of the record answer. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function track(wait: Promise<JobRecord>): {
  readonly record: JobRecord | undefined;
  readonly error: unknown;
} {
  const seen: { record: JobRecord | undefined; error: unknown } = { record: undefined, error: undefined };
  void wait.then(
    (r) => (seen.record = r),
    (e: unknown) => (seen.error = e),
  );
  return seen;
}

describe('JobControl.waitFor', () => {
  it('reads the record only once broadcasts reach this store: an end before then is seen', async () => {
    const f = fixture();
    const seen = track(f.control.waitFor('j1'));
    await settle();
    // The job ends elsewhere while the subscriber is not yet subscribed: its broadcast is lost.
    f.end();
    f.listen();
    await settle();
    expect(seen.record?.state).toBe('completed');
  });

  it('ends within one re-check when the broadcast of the end was lost', async () => {
    const f = fixture();
    f.listen();
    const seen = track(f.control.waitFor('j1', { timeoutMs: 60_000 }));
    await settle();
    expect(seen.record).toBeUndefined();
    f.end(); // and no broadcast
    await settle();
    expect(seen.record).toBeUndefined();
    f.clock.advance(WAIT_RECHECK_MS);
    await settle();
    expect(seen.record?.state).toBe('completed');
  });

  it('keeps one re-check timer for all pending waits, and none once they ended', async () => {
    const f = fixture();
    f.listen();
    const waits = ['a', 'b', 'c'].map((id) => f.control.waitFor(id, { timeoutMs: 60_000 }));
    await settle();
    expect(f.clock.pendingTimers).toBe(1 + waits.length); // the re-check and each wait's timeout
    f.end();
    f.clock.advance(WAIT_RECHECK_MS);
    await Promise.all(waits);
    expect(f.clock.pendingTimers).toBe(0);
  });

  it('reads nothing again on a store no other process shares: its own ledger ends every job there', async () => {
    const f = fixture({ shared: false });
    f.listen();
    const seen = track(f.control.waitFor('j1', { timeoutMs: 60_000 }));
    await settle();
    expect(f.reads()).toBe(1);
    expect(f.clock.pendingTimers).toBe(1); // the wait's timeout, no re-check
    f.clock.advance(3 * WAIT_RECHECK_MS);
    await settle();
    expect(f.reads()).toBe(1);
    expect(seen.record).toBeUndefined();
  });

  it('reads every pending wait again at each re-check on a shared store', async () => {
    const f = fixture({ shared: true });
    f.listen();
    void f.control.waitFor('a', { timeoutMs: 60_000 });
    void f.control.waitFor('b', { timeoutMs: 60_000 });
    await settle();
    expect(f.reads()).toBe(2);
    f.clock.advance(WAIT_RECHECK_MS);
    await settle();
    expect(f.reads()).toBe(4);
  });

  it.each([
    ['removes its job', (c: JobControl) => c.removeJob('copy-1')],
    ['retries it, a dead-letter copy, into its source queue', (c: JobControl) => c.retryJob('copy-1')],
  ])('ends a wait at once, unshared, when this process %s', async (_what, leave) => {
    const f = fixture({ shared: false });
    f.listen();
    const seen = track(f.control.waitFor('copy-1'));
    await settle();
    await leave(f.control);
    await settle();
    expect(seen.error).toMatchObject({ code: 'ERR_JOB_NOT_FOUND' });
  });

  it('rejects only the wait whose read throws at once; the others go on', async () => {
    const f = fixture({ throwing: ['bad'] });
    f.listen();
    const bad = track(f.control.waitFor('bad'));
    const good = track(f.control.waitFor('good'));
    await settle();
    expect(bad.error).toEqual(new TypeError('The database connection is not open'));
    expect(good.error).toBeUndefined();
    f.end();
    f.clock.advance(WAIT_RECHECK_MS);
    await settle();
    expect(good.record?.state).toBe('completed');
    expect(f.clock.pendingTimers).toBe(0);
  });

  it('close() rejects every pending wait with its error and clears the re-check: nothing reads after', async () => {
    const f = fixture();
    f.listen();
    const waits = ['a', 'b'].map((id) => track(f.control.waitFor(id, { timeoutMs: 60_000 })));
    await settle();
    expect(f.clock.pendingTimers).toBe(3); // the re-check and each wait's timeout
    const stopped = new QuiError('ERR_STOPPED', 'the system is stopping');
    f.control.close(stopped);
    await settle();
    expect(waits.map((w) => w.error)).toEqual([stopped, stopped]);
    expect(f.clock.pendingTimers).toBe(0);
    const reads = f.reads();
    f.clock.advance(WAIT_RECHECK_MS);
    await expect(f.control.waitFor('c')).rejects.toBe(stopped);
    await settle();
    expect(f.reads()).toBe(reads);
  });
});
