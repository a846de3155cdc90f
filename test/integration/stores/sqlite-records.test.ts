import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { EVENTS_KEPT, EVENTS_TRIM_EVERY } from '../../../src/stores/sqlite-schema';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import type { StoreBroadcast } from '../../../src/stores/job-records';
import { makeJob } from '../../contracts/job-store.contract';

/** What only the SQLite store's records do: survive a reopen, follow relaned jobs, cost nothing when off. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qui-sqlite-records-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
const fresh = (): string => path.join(dir, `f${++n}.db`);
const records = { processId: 'p1', retention: DEFAULT_RETENTION };
const tables = (file: string): string[] => {
  const db = new Database(file);
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  db.close();
  return names;
};

it('keeps records, counts and pause through a close and reopen of the file', () => {
  const file = fresh();
  const open = () => sqliteStore({ path: file }).create({ queue: 'q', priorities: ['p'], records });
  const before = open();
  const [done, running, waiting] = [makeJob('q'), makeJob('q'), makeJob('q')].map((j) => ({
    ...j,
    priority: 'p',
  }));
  before.addMany([done!, running!, waiting!], 0);
  before.take(1);
  before.take(2);
  before.records!.finish(done!.id, { state: 'completed', result: '7', error: undefined, worker: 'w' }, 3);
  before.records!.setPaused(true);
  before.close();

  const after = open();
  expect(after.records!.counts()).toMatchObject({ completed: 1, active: 1, waiting: 1 });
  expect(after.records!.get(done!.id)).toMatchObject({ state: 'completed', result: 7, finishedAtMs: 3 });
  expect(after.records!.get(running!.id)).toMatchObject({ state: 'active', processId: 'p1' });
  expect(after.records!.isPaused()).toBe(true);
  expect(after.take(10)).toBeUndefined();
  after.close();
});

it('creates no records tables and writes no record for a queue without records', () => {
  const file = fresh();
  const store = sqliteStore({ path: file }).create({ queue: 'plain', priorities: ['p'] });
  store.add(makeJob('plain', { priority: 'p' }), 0);
  expect(store.take(0)).toBeDefined();
  store.close();
  expect(tables(file).filter((t) => t.startsWith('qui_rec'))).toEqual([]);
});

it('still cancels a waiting job after a reopen with the priorities in another order (its job moved)', async () => {
  const file = fresh();
  const factory = sqliteStore({ path: file });
  const before = factory.create({ queue: 'r', priorities: ['a', 'b'], records });
  const [first, second] = [makeJob('r', { priority: 'a' }), makeJob('r', { priority: 'b' })];
  before.addMany([first, second], 0);
  before.close();
  const after = factory.create({ queue: 'r', priorities: ['b', 'a'], records });
  expect((await after.records!.cancel(first.id, 'no', 5)).state).toBe('cancelled');
  expect(after.take(10)?.id).toBe(second.id);
  expect(after.take(10)).toBeUndefined();
  expect(after.size()).toBe(0);
  after.close();
});

it('ends the record of a row that cannot be decoded lost, and reports the row', () => {
  const file = fresh();
  const reported: (string | undefined)[] = [];
  const store = sqliteStore({ path: file }).create({
    queue: 'bad',
    priorities: ['p'],
    records,
    onUndecodable: (entry) => reported.push(entry.id),
  });
  const [bad, good] = [makeJob('bad', { priority: 'p' }), makeJob('bad', { priority: 'p' })];
  store.addMany([bad, good], 0);
  const db = new Database(file);
  db.prepare('UPDATE qui_waiting SET body = ? WHERE body LIKE ?').run(
    JSON.stringify({ id: bad.id }),
    `%${bad.id}%`,
  );
  db.close();
  expect(store.take(5)?.id).toBe(good.id);
  expect(reported).toEqual([bad.id]);
  expect(store.records!.get(bad.id)).toMatchObject({ state: 'lost', reason: 'decode', finishedAtMs: 5 });
  expect(store.records!.counts()).toMatchObject({ lost: 1, active: 1, waiting: 0 });
  store.close();
});

it('keeps only the newest broadcasts in qui_events, and reads none back to their sender', async () => {
  const file = fresh();
  const factory = sqliteStore({ path: file });
  const one = factory.create({ queue: 'e', priorities: ['p'], records });
  const two = factory.create({ queue: 'e', priorities: ['p'], records: { ...records, processId: 'p2' } });
  const atOne: StoreBroadcast[] = [];
  one.records!.onBroadcast((m) => atOne.push(m));
  const last = { type: 'queue.paused', origin: 'p1', paused: false } as const;
  const gotLast = new Promise<void>((resolve) =>
    two.records!.onBroadcast((m) => m.type === 'queue.paused' && !m.paused && resolve()),
  );
  const sent = Array.from({ length: EVENTS_KEPT + 10 }, (_, i) =>
    one.records!.broadcast({ type: 'job.cancel', origin: 'p1', jobId: `j-${i}`, reason: undefined }),
  );
  await Promise.all([...sent, one.records!.broadcast(last)]);
  await gotLast;
  // A commit by the other connection, then a watch tick (other commits read by `one` would show here).
  two.add(makeJob('e', { priority: 'p' }), 0);
  await new Promise<void>((resolve) => one.onAvailable(resolve));
  expect(atOne).toHaveLength(EVENTS_KEPT + 11); // its own, delivered once, at once
  const db = new Database(file);
  // Trimmed EVENTS_TRIM_EVERY rows at a time: never fewer than EVENTS_KEPT, never that many more.
  const kept = db.prepare('SELECT count(*) FROM qui_events').pluck().get() as number;
  expect(kept).toBeGreaterThanOrEqual(EVENTS_KEPT);
  expect(kept).toBeLessThan(EVENTS_KEPT + EVENTS_TRIM_EVERY);
  db.close();
  one.close();
  two.close();
});

it('rolls a take back when its record cannot be written: the job is still stored, never half taken', () => {
  const file = fresh();
  const store = sqliteStore({ path: file }).create({ queue: 'atomic', priorities: ['p'], records });
  const job = makeJob('atomic', { priority: 'p' });
  store.add(job, 0);
  // The record's move now fails (its trigger's table is gone): the take must not commit the removal.
  const db = new Database(file);
  db.exec('DROP TABLE qui_record_counts');
  db.close();
  expect(() => store.take(0)).toThrow(/qui_record_counts/);
  store.close();
  const plain = sqliteStore({ path: file }).create({ queue: 'atomic', priorities: ['p'] });
  expect(plain.take(0)?.id).toBe(job.id);
  plain.close();
});

it('gives a job stored while the queue kept no records an active record when a store with records takes it', () => {
  const file = fresh();
  const plain = sqliteStore({ path: file }).create({ queue: 'late', priorities: ['p'] });
  const job = makeJob('late', { priority: 'p' });
  plain.add(job, 0);
  plain.close();
  const store = sqliteStore({ path: file }).create({ queue: 'late', priorities: ['p'], records });
  expect(store.take(7)?.id).toBe(job.id);
  expect(store.records!.get(job.id)).toMatchObject({ state: 'active', attempts: 1, startedAtMs: 7 });
  expect(store.records!.counts()).toMatchObject({ active: 1, waiting: 0 });
  store.close();
});
