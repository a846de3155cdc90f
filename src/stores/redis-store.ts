import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { QuiError } from '../errors';
import type { Job } from '../jobs/job';
import { decodeJob, encodeJob, storedJobId } from './job-codec';
import {
  DEFAULT_REDIS_STORE_OPTIONS,
  resolveRedisStoreOptions,
  type RedisStoreOptions,
} from './redis-options';
import { checkRedisName, redisQueueKeys } from './redis-keys';
import { ADD_RECORDS, TAKE_RECORDS } from './redis-record-scripts';
import type { JobRecords } from './job-records';
import { redisQueueMode, type QueueMode } from './queue-mode';
import { RedisJobRecords } from './redis-records';
import { ADD, MAX_TAKE, runScript, TAKE, type Script } from './redis-scripts';
import {
  hasLimit,
  priorityLanes,
  queueFullError,
  reportUndecodable,
  storeClosedError,
  unknownPriorityError,
  type JobStore,
  type JobStoreFactory,
  type StoreConfig,
  type StoreCounts,
} from './job-store';

export type { RedisClientLike, RedisStoreOptions } from './redis-options';
export { DEFAULT_REDIS_STORE_OPTIONS } from './redis-options';

/** Most acknowledgements or orphans carried by one script call. */
const MAX_CARRIED = 256;
const noop = (): void => undefined;

/**
 * A {@link JobStore} shared through Redis: one list per priority for due jobs and one sorted set
 * per priority for delayed ones (score = due time, member = INCR sequence + body), all under the
 * hash tag `{queue}` ({@link redisQueueKeys}). `add`, `addMany` and `take` are single Lua scripts,
 * so each is atomic, an add's `limit` check included.
 *
 * Lost replies: every add and take carries a token that its script records (a take records the
 * job it popped) under a key expiring after an hour. If ioredis re-sends the call after a
 * reconnect, the script sees the token: it does not add twice, and it answers the same job again.
 * If the call rejects instead, the next take recovers a job the failed one may have popped.
 * Tokens of answered calls are deleted by the next call.
 * Made by `redisStore().create`; its constructor is not public.
 */
export class RedisJobStore implements JobStore {
  private readonly keys: readonly string[];
  private readonly takeKeys: readonly string[];
  private readonly delayedKeys: readonly string[];
  private readonly waitKeys: readonly string[];
  private readonly base: string;
  private readonly channel: string;
  private readonly bus: string;
  private readonly tokenPrefix: string;
  /** Marks this instance's publishes, so that it does not wake itself. */
  private readonly origin = randomUUID();
  private tokenSeq = 0;
  private acks: string[] = [];
  private orphans: string[] = [];
  private readonly listeners = new Set<() => void>();
  private subscriber: Redis | undefined;
  private listening: Promise<void> | undefined;
  private unlisten: ((error: Error) => void) | undefined;
  private closed = false;
  private readonly onReady = (): void => this.notify();
  /** The job records, when the queue keeps them (`StoreConfig.records`). */
  readonly records: JobRecords | undefined;
  /** The same object as `records`, with what only the store calls. */
  private readonly own: RedisJobRecords | undefined;

  /** @internal */
  constructor(
    private readonly client: Redis,
    private readonly ownsClient: boolean,
    prefix: string,
    private readonly config: StoreConfig,
    private readonly lanes: ReadonlyMap<string, number>,
  ) {
    const keys = redisQueueKeys(prefix, config.queue, [...lanes.keys()]);
    this.waitKeys = keys.wait;
    this.delayedKeys = keys.delayed;
    this.takeKeys = [...this.waitKeys, ...this.delayedKeys];
    this.keys = [keys.seq, ...this.takeKeys];
    this.base = keys.base;
    this.channel = keys.channel;
    this.bus = keys.bus;
    this.tokenPrefix = keys.tokenPrefix(this.origin);
    client.on('ready', this.onReady);
    this.own =
      config.records === undefined
        ? undefined
        : new RedisJobRecords(
            {
              client,
              keys: this.keys,
              base: keys.base,
              bus: keys.bus,
              channel: this.channel,
              origin: this.origin,
              queue: config.queue,
              lanes,
              open: () => this.open(),
              subscribe: () => this.subscribe(),
              listening: () => this.whenListening(),
            },
            config.records,
          );
    this.records = this.own;
  }

  async add(job: Job, nowMs: number, limit?: number): Promise<void> {
    await this.addMany([job], nowMs, limit);
  }

  async addMany(jobs: readonly Job[], nowMs: number, limit?: number): Promise<void> {
    this.open();
    // Encode (and so validate) every job before the script runs: all or none.
    const records = this.records !== undefined;
    const args: (string | number)[] = [];
    for (const job of jobs) {
      const lane = this.lanes.get(job.priority);
      if (lane === undefined) throw unknownPriorityError(job, this.lanes);
      const runAt = job.runAtMs !== undefined && job.runAtMs > nowMs ? String(job.runAtMs) : '';
      if (records) args.push(lane + 1, runAt, job.id, job.attempts, encodeJob(job));
      else args.push(lane + 1, runAt, encodeJob(job));
    }
    if (jobs.length === 0) return;
    const acks = this.acks.splice(0, MAX_CARRIED);
    const token = this.nextToken();
    const max = hasLimit(limit) ? Math.max(0, Math.floor(limit)) : -1;
    let reply: number;
    try {
      const head = [this.channel, this.origin, token, max, acks.length, ...acks];
      reply = (
        records
          ? await this.run(ADD_RECORDS, this.keys, [this.base, this.lanes.size, nowMs, ...head, ...args])
          : await this.run(ADD, this.keys, [this.lanes.size, ...head, ...args])
      ) as number;
    } catch (thrown) {
      this.acks.push(...acks);
      const problem = 'redis store: add failed; the jobs may or may not be stored';
      throw new QuiError('ERR_STORE', problem, { cause: thrown });
    }
    // A refusal sets no token: nothing to acknowledge.
    if (reply < 0) throw queueFullError(this.config.queue, -reply - 1, max, jobs.length);
    this.acks.push(token);
  }

  async take(nowMs: number): Promise<Job | undefined> {
    return (await this.takeMany(1, nowMs))[0];
  }

  /**
   * Pops up to `n` due jobs (at most 1,000) in one script call, in the order `n` takes would. Each
   * entry is decoded on its own: one that cannot be is reported through `onUndecodable` (its id
   * too, when the entry still shows one), and another call fills its place.
   */
  async takeMany(n: number, nowMs: number): Promise<Job[]> {
    this.open();
    const wanted = Math.min(Math.floor(n), MAX_TAKE);
    if (!(wanted >= 1)) return [];
    const out: Job[] = [];
    // With records, the reply is id, body, id, body…: the id names a record whose body is spoiled.
    const step = this.records === undefined ? 1 : 2;
    for (let ask = wanted; ask > 0; ask = wanted - out.length) {
      let reply: string[];
      try {
        reply = await this.pop(ask, nowMs);
      } catch (thrown) {
        if (out.length === 0) throw thrown;
        return out; // a refill failed: hand out what we have; its pops are recovered later
      }
      for (let i = step - 1; i < reply.length; i += step) {
        const job = this.decode(reply[i] as string, step === 2 ? reply[i - 1] : undefined);
        if (job !== undefined) out.push(job);
      }
      if (reply.length < ask * step) break; // nothing more is due
    }
    return out;
  }

  /** One TAKE script call: what it popped, undecoded (bodies; with records, ids and bodies). */
  private async pop(max: number, nowMs: number): Promise<string[]> {
    const acks = this.acks.splice(0, MAX_CARRIED);
    const orphans = this.orphans.splice(0, MAX_CARRIED);
    const token = this.nextToken();
    const args = [token, max, orphans.length, ...orphans, acks.length, ...acks];
    let popped: string[];
    try {
      // With records, the script also marks each job active under this process (and takes none while paused).
      const processId = this.config.records?.processId;
      popped = (
        processId === undefined
          ? await this.run(TAKE, this.takeKeys, [this.lanes.size, nowMs, ...args])
          : await this.run(TAKE_RECORDS, this.keys, [this.base, this.lanes.size, nowMs, processId, ...args])
      ) as string[];
    } catch (thrown) {
      // The script may have run and popped jobs whose reply was lost: recover them next time.
      this.orphans.push(...orphans, token);
      this.acks.push(...acks);
      throw new QuiError('ERR_STORE', 'redis store: take failed', { cause: thrown });
    }
    if (popped.length > 0) this.acks.push(token);
    return popped;
  }

  /**
   * Decodes a popped entry; one that cannot be decoded is reported (with `id`, the id its record
   * is kept under, else the one its body still shows), and `undefined` returned.
   */
  private decode(body: string, id: string | undefined): Job | undefined {
    try {
      return decodeJob(body);
    } catch (thrown) {
      reportUndecodable(this.config, id ?? storedJobId(body), thrown as Error);
      return undefined;
    }
  }

  async nextDueAtMs(): Promise<number | undefined> {
    this.open();
    const multi = this.client.multi();
    for (const key of this.delayedKeys) multi.zrange(key, 0, 0, 'WITHSCORES');
    let best: number | undefined;
    for (const reply of await this.exec(multi)) {
      const score = (reply as string[])[1];
      if (score !== undefined && (best === undefined || Number(score) < best)) best = Number(score);
    }
    return best;
  }

  async counts(nowMs: number): Promise<StoreCounts> {
    this.open();
    const multi = this.client.multi();
    this.waitKeys.forEach((key, i) => {
      const delayedKey = this.delayedKeys[i] as string;
      multi.llen(key).zcount(delayedKey, '-inf', nowMs).zcount(delayedKey, `(${nowMs}`, '+inf');
    });
    const replies = (await this.exec(multi)) as number[];
    const waiting: Record<string, number> = {};
    let delayed = 0;
    [...this.lanes.keys()].forEach((name, i) => {
      waiting[name] = (replies[3 * i] as number) + (replies[3 * i + 1] as number);
      delayed += replies[3 * i + 2] as number;
    });
    return { waiting, delayed };
  }

  async size(): Promise<number> {
    this.open();
    const multi = this.client.multi();
    for (const key of this.waitKeys) multi.llen(key);
    for (const key of this.delayedKeys) multi.zcard(key);
    return ((await this.exec(multi)) as number[]).reduce((sum, n) => sum + n, 0);
  }

  /**
   * Calls `listener` when another process adds jobs to this queue, and after every (re)connect of
   * either connection, so that workers parked on this process never stay idle after a drop.
   * The first call opens a subscriber connection (a duplicate of the client).
   */
  onAvailable(listener: () => void): void {
    this.open();
    this.listeners.add(listener);
    this.subscribe();
  }

  /** Opens the subscriber connection once: wake-ups, and with records their broadcasts too. */
  private subscribe(): void {
    if (this.subscriber !== undefined) return;
    const sub = this.client.duplicate({ autoResubscribe: false, lazyConnect: false });
    this.subscriber = sub;
    sub.on('error', noop);
    // Buffers, not strings: the echo of this process's own broadcasts (a batch can be large) is
    // recognised by its first bytes and dropped without being decoded.
    sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      if (channel.toString() === this.bus) this.own?.receive(message);
      else if (message.toString() !== this.origin) this.notify();
    });
    const channels = this.records === undefined ? [this.channel] : [this.channel, this.bus];
    // Subscribe on every (re)connect ourselves, and wake the queue only once it is listening again.
    this.listening = new Promise((resolve, reject) => {
      // A close before the first subscribe ends the wait of whoever awaits `whenListening`.
      this.unlisten = reject;
      sub.on('ready', () => {
        sub.subscribe(...channels).then(
          () => {
            resolve();
            this.notify();
          },
          (thrown: unknown) => {
            // A connection that closed subscribes again when ready; a refusal (an ACL user without
            // these channels: NOPERM) would leave the queue waiting to open for good.
            if ((thrown as Error | undefined)?.name === 'ReplyError')
              reject(
                new QuiError('ERR_STORE', `redis store: cannot subscribe to ${channels.join(', ')}`, {
                  cause: thrown,
                }),
              );
          },
        );
      });
    });
    this.listening.catch(noop); // awaited by some, not all
  }

  /** Resolves once the subscriber opened by `onAvailable` (or the records' `listening`) listens. @internal */
  whenListening(): Promise<void> {
    return this.listening ?? Promise.reject(new QuiError('ERR_STORE', 'onAvailable was not called'));
  }

  /** The queue's mode kept under `<base>:mode`, stored first when `claim` is given. */
  queueMode(claim: QueueMode | undefined): Promise<QueueMode | undefined> {
    this.open();
    return redisQueueMode(this.client, this.base, claim);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.own?.drain();
    this.closed = true;
    this.listeners.clear();
    this.own?.close();
    this.unlisten?.(storeClosedError('redis'));
    this.client.off('ready', this.onReady);
    const acks = this.acks.splice(0);
    if (acks.length > 0 && this.client.status === 'ready') await this.client.del(...acks).catch(noop);
    const quits: Promise<void>[] = [];
    if (this.subscriber !== undefined) quits.push(quit(this.subscriber));
    if (this.ownsClient) quits.push(quit(this.client));
    await Promise.all(quits);
  }

  private notify(): void {
    if (this.closed) return;
    for (const listener of this.listeners) listener();
  }

  private open(): void {
    if (this.closed) throw storeClosedError('redis');
  }

  private nextToken(): string {
    return `${this.tokenPrefix}${++this.tokenSeq}`;
  }

  private run(s: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return runScript(this.client, s, keys, args);
  }

  private async exec(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
    const results = (await multi.exec()) ?? [];
    return results.map(([err, value]) => {
      if (err) throw new QuiError('ERR_STORE', 'redis store: command failed', { cause: err });
      return value;
    });
  }
}

async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}

/** Loads ioredis on first use: it is an optional peer dependency. @internal */
export function loadIoredis(): typeof Redis {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('ioredis') as typeof Redis;
  } catch (thrown) {
    throw new QuiError('ERR_MISSING_PEER', 'redisStore needs ioredis: npm install ioredis@5', {
      cause: thrown,
    });
  }
}

/** The {@link JobStoreFactory} made by {@link redisStore}. */
export interface RedisStoreFactory extends JobStoreFactory {
  create(config: StoreConfig): RedisJobStore;
}

/**
 * A store shared through Redis: processes (on one machine or many) that declare a queue of the
 * same name on the same Redis share its jobs, and a job added by one wakes workers parked on the
 * others (pub/sub). Strict priority, at-most-once: `take` pops atomically in one Lua script.
 * Needs the optional peer dependency `ioredis` (major 5).
 * @throws {InvalidOptionsError} naming the field when `options` are invalid (unknown keys too).
 * @throws {QuiError} `ERR_MISSING_PEER` from `create` when ioredis is not installed.
 * @example
 * const store = redisStore({ url: 'redis://10.0.0.5:6379', prefix: 'shop:' });
 * defineQueue({ name: 'emails', store, workers: { count: 50, processor } });
 */
export function redisStore(options: RedisStoreOptions = {}): RedisStoreFactory {
  const resolved = resolveRedisStoreOptions(options);
  return Object.freeze({
    kind: 'redis',
    serializes: true,
    create(config: StoreConfig): RedisJobStore {
      const lanes = priorityLanes(config);
      checkRedisName(config.queue, 'queue'); // before a connection is opened
      // Named connections let an operator (or a test) find a queue's connections in CLIENT LIST.
      const client =
        resolved.client ??
        new (loadIoredis())(resolved.url ?? DEFAULT_REDIS_STORE_OPTIONS.url, {
          connectionName: `qui:${config.queue.replace(/[^\w:.-]/g, '_')}`,
        });
      // Our own connection reports failures through rejected commands, not unhandled 'error' events.
      if (resolved.client === undefined) client.on('error', noop);
      return new RedisJobStore(client, resolved.client === undefined, resolved.prefix, config, lanes);
    },
  });
}
