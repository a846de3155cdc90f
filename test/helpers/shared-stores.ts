import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobStoreFactory } from '../../src/stores/job-store';
import { redisStore } from '../../src/stores/redis-store';
import { sqliteStore } from '../../src/stores/sqlite-store';
import { dropKeysAt } from './redis-admin';
import { requireRedis } from './services';

/**
 * The store kinds other processes can share, for `describe.each`: `[kind, make]`, each `make()` a
 * fresh store (a new SQLite file, a new Redis prefix) under a temp folder and a Redis prefix of
 * the test file `name`, both removed after the file. Call it at the file's top: it calls
 * `requireRedis()` first, so the file fails in one line when Redis is down.
 */
export function sharedStoreKinds(name: string): Array<[string, () => JobStoreFactory]> {
  const url = requireRedis();
  const base = `qui-test:${name}:${process.pid}:`;
  const dir = mkdtempSync(join(tmpdir(), `qui-${name}-`));
  let n = 0;
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropKeysAt(url, base);
  });
  return [
    ['sqlite', () => sqliteStore({ path: join(dir, `q${++n}.db`) })],
    ['redis', () => redisStore({ url, prefix: `${base}${++n}:` })],
  ];
}
