import type { Redis } from 'ioredis';
import { InvalidOptionsError } from '../errors';
import { checkObject, checkString, describe, type Fail } from '../validate';
import { checkRedisName } from './redis-keys';

/**
 * An ioredis client (`new Redis(…)`), described by the two methods the store checks for, so that
 * Qui's types do not need ioredis installed.
 */
export interface RedisClientLike {
  duplicate(...args: never[]): unknown;
  evalsha(...args: never[]): unknown;
}

/** Options of `redisStore`. Give `url` or `client`, not both. */
export interface RedisStoreOptions {
  /**
   * Where Redis is; the store opens (and closes) its own connections.
   * @defaultValue 'redis://127.0.0.1:6379' when no `client` is given
   */
  readonly url?: string;
  /** An ioredis client to use instead of `url`. The store never closes it, only its own duplicate. */
  readonly client?: RedisClientLike;
  /**
   * Prefix of every key and channel, so that apps (or tests) sharing a Redis stay apart. It may not
   * hold `{` or `}`: each key is `<prefix>{<queue>}:…`, the queue name being the hash tag.
   * @defaultValue 'qui:'
   */
  readonly prefix?: string;
}

/** Defaults of {@link RedisStoreOptions}. */
export const DEFAULT_REDIS_STORE_OPTIONS = Object.freeze({ url: 'redis://127.0.0.1:6379', prefix: 'qui:' });

const fail: Fail = (path, problem) => new InvalidOptionsError(path, problem);

/** Validates {@link RedisStoreOptions}, naming the faulty field. @internal */
export function resolveRedisStoreOptions(
  options: unknown,
): Readonly<{ url?: string; client?: Redis; prefix: string }> {
  const o = checkObject(options, '', ['url', 'client', 'prefix'], fail);
  const url = o.url === undefined ? undefined : checkString(o.url, 'url', fail);
  const client = o.client as { duplicate?: unknown; evalsha?: unknown } | undefined;
  if (client !== undefined) {
    const ok = typeof client?.duplicate === 'function' && typeof client.evalsha === 'function';
    if (!ok) throw fail('client', `must be an ioredis client, got ${describe(client)}`);
    if (url !== undefined) throw fail('client', 'cannot be given together with url: give one of them');
  }
  const prefix =
    o.prefix === undefined
      ? DEFAULT_REDIS_STORE_OPTIONS.prefix
      : checkRedisName(checkString(o.prefix, 'prefix', fail), 'prefix');
  return Object.freeze({ url, client: client as Redis | undefined, prefix });
}
