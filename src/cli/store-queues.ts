import type { Redis } from 'ioredis';
import { loadBetterSqlite3 } from '../stores/sqlite-store';

/** Keys scanned per SCAN round when looking for queues. */
const SCAN_COUNT = 1_000;

/** `s` with Redis glob characters escaped, for a SCAN MATCH pattern. */
function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * The queues that have keys under `prefix` on `client`'s Redis: each key of a queue is
 * `<prefix>{<queue>}:…` (see redis-keys.ts), so the queue is what lies between the first `{` and
 * `}` after the prefix. SCANs (never KEYS), so a big Redis is not blocked. Sorted.
 */
export async function redisQueueNames(client: Redis, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(
      cursor,
      'MATCH',
      `${globEscape(prefix)}{*}:*`,
      'COUNT',
      SCAN_COUNT,
    );
    cursor = next;
    for (const key of keys) {
      const end = key.indexOf('}', prefix.length + 1);
      if (key.startsWith(`${prefix}{`) && end > prefix.length + 1)
        found.add(key.slice(prefix.length + 1, end));
    }
  } while (cursor !== '0');
  return [...found].sort();
}

/**
 * Whether the Redis holds any key of queue `queue` under `prefix`. Asks first for the keys every
 * process running the queue with records keeps (its leases, its process beats: one round trip),
 * then SCANs the queue's own key pattern until the first match, so a queue with a million job
 * keys answers on the first batch and the full walk is left to a name that is not there.
 */
export async function redisQueueKnown(client: Redis, prefix: string, queue: string): Promise<boolean> {
  const base = `${prefix}{${queue}}`;
  if ((await client.exists(`${base}:leases`, `${base}:procs`)) > 0) return true;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${globEscape(base)}:*`, 'COUNT', SCAN_COUNT);
    if (keys.length > 0) return true;
    cursor = next;
  } while (cursor !== '0');
  return false;
}

/**
 * The queues a SQLite store file has registered (`qui_queues`: every queue a store opened on the
 * file), read through a read-only connection, so looking creates nothing. Sorted.
 */
export function sqliteQueueNames(path: string): string[] {
  const Database = loadBetterSqlite3();
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'qui_queues'")
      .get();
    if (table === undefined) return [];
    return db.prepare('SELECT name FROM qui_queues ORDER BY name').pluck().all() as string[];
  } finally {
    db.close();
  }
}
