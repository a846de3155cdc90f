import fs from 'node:fs';
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { InvalidOptionsError } from '../../src/errors';
import { sqliteStore } from '../../src/stores/sqlite-store';
import { describeJobRecordsContract } from './job-records.contract';
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
describeJobRecordsContract('sqlite', () => sqliteStore({ path: file }), {
  shared: true,
  pending: 'TODO(branch stores): sqliteStore keeps no records yet; drop `pending` once it does',
});

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
