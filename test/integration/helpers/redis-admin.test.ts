import { Redis } from 'ioredis';
import { dropKeys, dropKeysAt } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

/** The key cleanup every Redis test file runs: all of its prefix, nothing else. */
const url = requireRedis();
const base = `qui-test:redis-admin:${process.pid}:`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });
afterAll(async () => {
  await admin.del(`${base}other`);
  await admin.quit();
});

it('drops every key under the prefix, across SCAN rounds, and no other', async () => {
  const prefix = `${base}p:`;
  const keys = Array.from({ length: 2_500 }, (_, i) => `${prefix}{q}:job:${i}`);
  await admin.mset(...keys.flatMap((k) => [k, '1']));
  await admin.set(`${base}other`, '1');
  expect(await dropKeys(admin, prefix)).toBe(2_500);
  expect(await admin.exists(keys[0] as string, keys[2_499] as string)).toBe(0);
  expect(await admin.get(`${base}other`)).toBe('1');
});

it('reads glob characters in the prefix as themselves, and opens its own connection by url', async () => {
  await admin.set(`${base}[a]:x`, '1');
  await admin.set(`${base}a:x`, '1');
  expect(await dropKeysAt(url, `${base}[a]:`)).toBe(1);
  expect(await admin.get(`${base}a:x`)).toBe('1');
  await admin.del(`${base}a:x`);
});
