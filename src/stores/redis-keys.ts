import { InvalidOptionsError } from '../errors';
import { describe } from '../validate';

/**
 * The names of a queue's Redis keys and channel. Every one is `<prefix>{<queue>}:<suffix>`, and
 * neither the prefix nor the queue name may hold a brace, so:
 * - the key's first `{…}` is `{<queue>}`: Redis Cluster hashes only that tag, so all keys of a
 *   queue share one hash slot, as a Lua script needs;
 * - a key names its (prefix, queue) pair: the prefix is what comes before the first `{`, the queue
 *   what lies between it and the first `}`. Two pairs never share a key (`X:{q}:` with queue `q2`
 *   and `X:` with queue `q}:{q2` would, were braces allowed).
 * @internal
 */
export interface RedisQueueKeys {
  /** `<prefix>{<queue>}`: the start of every key of the queue (records keys are built from it). */
  readonly base: string;
  /** INCR sequence ordering delayed jobs due at the same ms. */
  readonly seq: string;
  /** One list of due jobs per priority, in lane order. */
  readonly wait: readonly string[];
  /** One sorted set of delayed jobs per priority, in lane order. */
  readonly delayed: readonly string[];
  /** Pub/sub channel of the queue's adds. */
  readonly channel: string;
  /** Pub/sub channel of the records' broadcasts (`JobRecords.broadcast`). */
  readonly bus: string;
  /** Start of the token keys of one store instance (guards against lost replies). */
  tokenPrefix(origin: string): string;
}

/**
 * Refuses a name that holds `{` or `}`: a brace in the prefix or the queue name would move the
 * hash tag and let two queues share keys.
 * @throws {InvalidOptionsError} naming `path`.
 * @internal
 */
export function checkRedisName(value: string, path: string): string {
  if (/[{}]/.test(value)) {
    throw new InvalidOptionsError(
      path,
      `must not contain '{' or '}' on redisStore (they delimit the queue's hash tag), got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * The keys of queue `queue` under `prefix`, one per priority in the order given.
 * @throws {InvalidOptionsError} naming `prefix` or `queue` when either holds a brace.
 * @example
 * redisQueueKeys('shop:', 'emails', ['high', 'low']).wait; // ['shop:{emails}:wait:high', 'shop:{emails}:wait:low']
 * @internal
 */
export function redisQueueKeys(prefix: string, queue: string, priorities: readonly string[]): RedisQueueKeys {
  const base = `${checkRedisName(prefix, 'prefix')}{${checkRedisName(queue, 'queue')}}`;
  return Object.freeze({
    base,
    seq: `${base}:seq`,
    wait: Object.freeze(priorities.map((p) => `${base}:wait:${p}`)),
    delayed: Object.freeze(priorities.map((p) => `${base}:delayed:${p}`)),
    channel: `${base}:added`,
    bus: `${base}:bus`,
    tokenPrefix: (origin: string) => `${base}:token:${origin}:`,
  });
}
