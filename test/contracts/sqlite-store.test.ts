import fs from 'node:fs';
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { InvalidOptionsError } from '../../src/errors';
import type { Job } from '../../src/jobs/job';
import { sqliteStore } from '../../src/stores/sqlite-store';
import { describeJobRecordsContract } from './job-records.contract';
import { withRecords } from './job-records-harness';
import { describeJobStoreContract, makeJob } from './job-store.contract';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qui-sqlite-contract-'));
const file = path.join(dir, 'jobs.db');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describeJobStoreContract(
  'sqlite',
  () => sqliteStore({ path: file }),
  () => undefined,
  { durable: true, shared: true },
);
// With records on, the store keeps every rule it keeps without them.
describeJobStoreContract(
  'sqlite with records',
  () => withRecords(sqliteStore({ path: file })),
  () => undefined,
  { durable: true, shared: true },
);
describeJobRecordsContract('sqlite', () => sqliteStore({ path: file }), { shared: true });

describe('sqliteStore options', () => {
  it.each([
    [undefined, 'options', /must be an object/],
    [{}, 'path', /non-empty string/],
    [{ path: '' }, 'path', /non-empty string/],
    [{ path: 42 }, 'path', /non-empty string/],
    [{ path: file, pth: 'x' }, 'pth', /not a known option/],
    [{ path: file, synchronous: 'off' }, 'synchronous', /'normal', 'full'/],
  ])('rejects %j, naming %s', (options, field, message) => {
    const call = () => sqliteStore(options as never);
    expect(call).toThrow(InvalidOptionsError);
    expect(call).toThrow(message);
    expect(call).toThrow(expect.objectContaining({ path: field }));
  });

  it('accepts synchronous full and keeps jobs', () => {
    const store = sqliteStore({ path: path.join(dir, 'full.db'), synchronous: 'full' }).create({
      queue: 'full',
      priorities: ['p'],
    });
    const job = makeJob('full', { priority: 'p' });
    store.add(job, 0);
    expect(store.take(0)).toEqual(job);
    store.close();
  });

  it('hands out jobs of a priority no longer declared after every declared one', () => {
    const factory = sqliteStore({ path: file });
    const before = factory.create({ queue: 'dropped', priorities: ['a', 'gone', 'b'] });
    const jobs = [makeJob('dropped', { priority: 'gone' }), makeJob('dropped', { priority: 'b' })];
    before.addMany([...jobs, makeJob('dropped', { priority: 'a' })], 0);
    before.close();
    const after = factory.create({ queue: 'dropped', priorities: ['b', 'a'] });
    expect([after.take(0), after.take(0), after.take(0)].map((j) => j?.priority)).toEqual(['b', 'a', 'gone']);
    after.close();
  });

  it('rejects more than 255 priorities, naming priorities', () => {
    const priorities = Array.from({ length: 256 }, (_, i) => `p${i}`);
    const create = () => sqliteStore({ path: file }).create({ queue: 'wide', priorities });
    expect(create).toThrow(expect.objectContaining({ path: 'priorities' }));
  });

  it('refuses a file that holds the pre-release qui_jobs table', () => {
    const old = path.join(dir, 'old.db');
    const db = new Database(old);
    db.exec('CREATE TABLE qui_jobs (seq INTEGER PRIMARY KEY, body TEXT)');
    db.close();
    const create = () => sqliteStore({ path: old }).create({ queue: 'q', priorities: ['p'] });
    expect(create).toThrow(expect.objectContaining({ code: 'ERR_STORE' }));
  });

  it('fails with ERR_STORE when the file cannot be opened', async () => {
    const factory = sqliteStore({ path: path.join(dir, 'no-such-dir', 'jobs.db') });
    await expect(async () => factory.create({ queue: 'q', priorities: ['p'] })).rejects.toMatchObject({
      code: 'ERR_STORE',
    });
  });

  it('asks for better-sqlite3 when it is not installed', async () => {
    jest.resetModules();
    jest.doMock('better-sqlite3', () => {
      throw Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' });
    });
    const { sqliteStore: isolated } = jest.requireActual<typeof import('../../src/stores/sqlite-store')>(
      '../../src/stores/sqlite-store',
    );
    const factory = isolated({ path: file });
    await expect(async () => factory.create({ queue: 'q', priorities: ['p'] })).rejects.toMatchObject({
      code: 'ERR_MISSING_PEER',
      message: 'sqliteStore needs better-sqlite3: npm install better-sqlite3@12',
    });
    jest.dontMock('better-sqlite3');
  });
});

describe('sqliteStore rows that cannot be decoded', () => {
  const priorities = ['p'];
  /** Five jobs on a fresh queue, the 2nd stored as bad JSON and the 3rd as JSON missing its fields. */
  function corrupted(queue: string, reported: { id: string | undefined; error: Error }[]) {
    const store = sqliteStore({ path: file }).create({
      queue,
      priorities,
      onUndecodable: (entry) => reported.push(entry),
    });
    const jobs: Job[] = Array.from({ length: 5 }, () => makeJob(queue, { priority: 'p' }));
    store.addMany(jobs, 0);
    const db = new Database(file);
    const corrupt = db.prepare('UPDATE qui_waiting SET body = ? WHERE body LIKE ?');
    corrupt.run('{not json', `%${jobs[1]!.id}%`);
    corrupt.run(JSON.stringify({ id: jobs[2]!.id }), `%${jobs[2]!.id}%`);
    db.close();
    return { store, jobs };
  }

  it('takeMany reports each bad row, with its id when it has one, and hands out the good ones', () => {
    const reported: { id: string | undefined; error: Error }[] = [];
    const { store, jobs } = corrupted('bad-many', reported);
    expect(store.takeMany(3, 0).map((j) => j.id)).toEqual([jobs[0]!.id, jobs[3]!.id, jobs[4]!.id]);
    expect(reported.map((r) => r.id)).toEqual([undefined, jobs[2]!.id]);
    expect(reported.map((r) => (r.error as { code?: string }).code)).toEqual(['ERR_STORE', 'ERR_STORE']);
    expect(store.size()).toBe(0);
    store.close();
  });

  it('take reports a bad row and hands out the next good one', () => {
    const reported: { id: string | undefined; error: Error }[] = [];
    const { store, jobs } = corrupted('bad-one', reported);
    expect([store.take(0), store.take(0), store.take(0)].map((j) => j?.id)).toEqual(
      [jobs[0]!, jobs[3]!, jobs[4]!].map((j) => j.id),
    );
    expect(reported.map((r) => r.id)).toEqual([undefined, jobs[2]!.id]);
    expect(store.take(0)).toBeUndefined();
    store.close();
  });

  it('throws ERR_STORE for a bad row when the config has no onUndecodable', () => {
    const store = sqliteStore({ path: file }).create({ queue: 'bad-unheard', priorities });
    store.add(makeJob('bad-unheard', { priority: 'p' }), 0);
    const db = new Database(file);
    db.prepare("UPDATE qui_waiting SET body = 'x' WHERE body LIKE '%bad-unheard%'").run();
    db.close();
    expect(() => store.take(0)).toThrow(expect.objectContaining({ code: 'ERR_STORE' }));
    store.close();
  });
});

describe('sqliteStore wake-ups across connections', () => {
  it('wakes a listening store when another connection commits', async () => {
    const factory = sqliteStore({ path: file });
    const consumer = factory.create({ queue: 'wake', priorities: ['p'] });
    const producer = factory.create({ queue: 'wake', priorities: ['p'] });
    const woken = new Promise<void>((resolve) => consumer.onAvailable(resolve));
    const job = makeJob('wake', { priority: 'p' });
    producer.add(job, 0);
    await woken;
    expect(consumer.take(0)).toEqual(job);
    consumer.close();
    producer.close();
  });

  it('keeps waking the stores still open after another listening store closes (one shared timer)', async () => {
    const factory = sqliteStore({ path: file });
    const closing = factory.create({ queue: 'wake-shared', priorities: ['p'] });
    const staying = factory.create({ queue: 'wake-shared', priorities: ['p'] });
    const producer = factory.create({ queue: 'wake-shared', priorities: ['p'] });
    closing.onAvailable(() => undefined);
    const woken = new Promise<void>((resolve) => staying.onAvailable(resolve));
    closing.close();
    producer.add(makeJob('wake-shared', { priority: 'p' }), 0);
    await woken;
    staying.close();
    producer.close();
  });
});
