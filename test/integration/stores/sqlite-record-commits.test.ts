import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { QuiError } from '../../../src/errors';
import type { Job } from '../../../src/jobs/job';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import type { RecordEnd } from '../../../src/stores/job-records';
import type { SqliteJobRecords } from '../../../src/stores/sqlite-records';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { makeJob } from '../../contracts/job-store.contract';

/**
 * The SQLite store's finishes share commits: those of one turn wait for the connection's next
 * transaction (a take's or an add's) or commit together once the turn is over; never before a
 * crash could undo them are they reported, and never lost to a transaction that rolls back.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qui-sqlite-commits-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
const COMPLETED: RecordEnd = { state: 'completed', result: undefined, error: undefined, worker: 'w/1' };

/** A store keeping records on a fresh file, with jobs taken (active), and another connection's view. */
function setUp(count: number) {
  const file = path.join(dir, `f${++n}.db`);
  const store = sqliteStore({ path: file }).create({
    queue: 'q',
    priorities: ['p'],
    records: { processId: 'p1', retention: DEFAULT_RETENTION },
  });
  const jobs: Job[] = Array.from({ length: count }, () => makeJob('q', { priority: 'p' }));
  store.addMany(jobs, 0);
  for (let i = 0; i < count; i++) store.take(1);
  const other = new Database(file, { readonly: true });
  const read = other.prepare('SELECT state FROM qui_records WHERE id = ?').pluck();
  /** The states of `ids` as committed, seen from the other connection. */
  const committed = (ids: readonly Job[]): unknown[] => ids.map((j) => read.get(j.id));
  return {
    store,
    /** The SQLite store's records, typed as they are: `finish` a promise, reads synchronous. */
    records: store.records as SqliteJobRecords,
    jobs,
    committed,
    close: () => {
      other.close();
      store.close();
    },
  };
}

it('holds the finishes of one turn back, then commits them together and resolves each', async () => {
  const { records, jobs, committed, close } = setUp(3);
  const ends = jobs.map((j) => records.finish(j.id, COMPLETED, 5));
  expect(committed(jobs)).toEqual(['active', 'active', 'active']);
  await expect(Promise.all(ends)).resolves.toEqual([true, true, true]);
  expect(committed(jobs)).toEqual(['completed', 'completed', 'completed']);
  close();
});

it('commits pending finishes with the next take, in its transaction', async () => {
  const { store, records, jobs, committed, close } = setUp(1);
  const next = makeJob('q', { priority: 'p' });
  store.add(next, 2);
  const end = records.finish(jobs[0]!.id, COMPLETED, 5);
  expect(store.take(6)?.id).toBe(next.id);
  expect(committed([jobs[0]!, next])).toEqual(['completed', 'active']);
  await expect(end).resolves.toBe(true);
  close();
});

it('keeps pending finishes through a transaction that rolls back, and commits them after', async () => {
  const { store, records, jobs, committed, close } = setUp(1);
  store.add(makeJob('q', { priority: 'p' }), 2);
  const end = records.finish(jobs[0]!.id, COMPLETED, 5);
  // Over the limit: the add's transaction throws, and the finish it wrote first rolls back with it.
  expect(() => store.add(makeJob('q', { priority: 'p' }), 3, 1)).toThrow(
    expect.objectContaining({ code: 'ERR_QUEUE_FULL' }) as QuiError,
  );
  expect(committed(jobs)).toEqual(['active']);
  await expect(end).resolves.toBe(true);
  expect(committed(jobs)).toEqual(['completed']);
  close();
});

it('shows a pending finish to reads in this process at once', () => {
  const { records, jobs, close } = setUp(1);
  void records.finish(jobs[0]!.id, COMPLETED, 5);
  expect(records.get(jobs[0]!.id)?.state).toBe('completed');
  expect(records.counts()).toMatchObject({ active: 0, completed: 1 });
  close();
});

it('resolves false for a finish that finds its record no longer active here', async () => {
  const { records, jobs, close } = setUp(1);
  await records.finish(jobs[0]!.id, COMPLETED, 5);
  await expect(records.finish(jobs[0]!.id, COMPLETED, 6)).resolves.toBe(false);
  close();
});
