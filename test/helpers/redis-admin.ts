import { Redis } from 'ioredis';

/** The ids of the Redis connections named `name` (stores name theirs `qui:<queue>`). */
export async function connectionsNamed(admin: Redis, name: string): Promise<string[]> {
  const list = (await admin.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
}

/** Kills every Redis connection named `name`; returns how many. */
export async function killConnectionsNamed(admin: Redis, name: string): Promise<number> {
  const ids = await connectionsNamed(admin, name);
  for (const id of ids) await admin.client('KILL', 'ID', id);
  return ids.length;
}

/** Keys asked for per SCAN round by {@link dropKeys}. */
const SCAN_COUNT = 1_000;

/**
 * Deletes every key under `prefix` (a test file's own prefix) on `redis`; returns how many. SCANs
 * rather than KEYS, so a shared Redis is not blocked; glob characters in `prefix` match themselves.
 */
export async function dropKeys(redis: Redis, prefix: string): Promise<number> {
  const match = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  let dropped = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (keys.length > 0) dropped += await redis.del(...keys);
  } while (cursor !== '0');
  return dropped;
}

/** {@link dropKeys} through a connection of its own to the Redis at `url`, closed after. */
export async function dropKeysAt(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await dropKeys(redis, prefix);
  } finally {
    await redis.quit();
  }
}
