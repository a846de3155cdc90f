import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidOptionsError } from '../../src/errors';
import { sqliteStore } from '../../src/stores/sqlite-store';
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
