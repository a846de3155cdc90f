import { existsSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { resolve } from 'node:path';
import { QuiError } from '../errors';
import { connectQueue, type QueueConnection } from '../queue/connect-queue';
import { queueOfSpec, type QueueSpec } from '../queue/define-queue';
import { DEFAULT_REDIS_STORE_OPTIONS } from '../stores/redis-options';
import { redisStore } from '../stores/redis-store';
import { sqliteStore } from '../stores/sqlite-store';
import type { ChildSpec } from '../supervision/spec';
import { describe } from '../validate';
import { loadConfig } from './load-config';
import type { InspectTarget } from './parse-inspect';
import { redisQueueKnown, redisQueueNames, sqliteQueueNames } from './store-queues';

/**
 * The queues a command may reach: their names, and a way to connect to one. A config's queues
 * come from its tree (no system is started, so no worker runs); a store named on the command line
 * knows the queues it holds a trace of: on Redis a key under the prefix, on SQLite a row of
 * `qui_queues` (a queue some store opened on the file). A typo in a queue name or a prefix must
 * not read as an empty queue, nor a pause create a queue nobody runs.
 */
export interface QueueDirectory {
  /** The queues a config defines on a shared store, or the queues the store holds a trace of. Sorted for a store. */
  names(): Promise<readonly string[]>;
  /** Where the names come from, for a line saying none is there: `in the config`, `under prefix "p" on redis://…`. */
  readonly where: string;
  /**
   * @param create with a store named on the command line, connect without looking for a trace of
   * the queue: one it has none of (`qui pause --create`), or one `names()` has just found; a
   * config's queues are known whatever the store holds.
   * @throws {QuiError} `ERR_QUEUE_NOT_FOUND` for a queue the config does not define, or the store
   * holds no trace of (naming the queues it does hold).
   */
  connect(queue: string, create?: boolean): Promise<QueueConnection>;
  /** The one line to print for `error`: with `--redis`, where it could not reach and why. */
  explain(error: Error): string;
  /** Closes what the directory opened itself (the CLI's Redis connection), after the connections. */
  close(): void;
}

const firstLine = (error: Error): string => error.message.split('\n', 1)[0] as string;

/**
 * How the CLI's own Redis connection behaves: it gives up after a few tries (ioredis' default
 * would retry for ever, and each command 20 times), so an unreachable Redis is an error in
 * seconds, not a hang.
 */
const CLI_REDIS_OPTIONS = {
  connectionName: 'qui:cli',
  connectTimeout: 2_000,
  maxRetriesPerRequest: 1,
  retryStrategy: (times: number): number | null => (times > 2 ? null : 200 * times),
};

/**
 * Opens the directory of `target` (loads the config module, or checks the store's file).
 * @throws {QuiError} with a one-line message: `ERR_INVALID_OPTIONS` for a config that cannot be
 * loaded or a SQLite file that does not exist.
 */
export function openDirectory(target: InspectTarget, cwd = process.cwd()): QueueDirectory {
  switch (target.type) {
    case 'config': {
      const specs = new Map<string, QueueSpec>();
      collectQueues(loadConfig(target.config, cwd).tree, specs);
      // Queues on a memory store are left out: no other process can see their jobs.
      const shared = [...specs.keys()].filter(
        (name) => queueOfSpec(specs.get(name) as QueueSpec)?.store.kind !== 'memory',
      );
      return {
        names: () => Promise.resolve(shared),
        where: `in the config ${target.config}`,
        connect(queue) {
          const spec = specs.get(queue);
          if (!spec)
            return Promise.reject(
              new QuiError(
                'ERR_QUEUE_NOT_FOUND',
                `the config defines no queue ${describe(queue)} (it defines ${[...specs.keys()].map((n) => describe(n)).join(', ') || 'none'})`,
              ),
            );
          const kind = queueOfSpec(spec)?.store.kind;
          if (kind === 'memory')
            return Promise.reject(
              new QuiError(
                'ERR_INVALID_OPTIONS',
                `queue ${describe(queue)} keeps its jobs in a memory store, which only the process running it can see`,
              ),
            );
          // A dead-letter queue's sources, so that retrying a copy puts its job back there.
          const sources = [...specs.values()].filter((s) => {
            const q = queueOfSpec(s);
            return q?.deadLetter === queue && q.store.kind !== 'memory' && q.retain !== false;
          });
          return connectQueue(spec, { sources });
        },
        explain: firstLine,
        close: noop,
      };
    }
    case 'sqlite': {
      const path = resolve(cwd, target.path);
      // better-sqlite3 would create an empty database: a typo must not look like an empty queue.
      if (!existsSync(path)) throw new QuiError('ERR_INVALID_OPTIONS', `cannot find SQLite file ${path}`);
      const store = sqliteStore({ path });
      const names = (): Promise<string[]> => Promise.resolve(sqliteQueueNames(path));
      const where = `in SQLite file ${path}`;
      return {
        names,
        where,
        async connect(queue, create = false) {
          if (!create) mustKnow(queue, await names(), where);
          return connectQueue({ name: queue, store, ...priorities(target.priorities) });
        },
        explain: firstLine,
        close: noop,
      };
    }
    case 'redis': {
      let client: Redis | undefined;
      let lastError: Error | undefined;
      const prefix = target.prefix ?? DEFAULT_REDIS_STORE_OPTIONS.prefix;
      const open = (): Redis => {
        if (!client) {
          client = new (loadIoredis())(target.url, CLI_REDIS_OPTIONS);
          client.on('error', (error: Error) => (lastError = error));
        }
        return client;
      };
      let known: Promise<string[]> | undefined;
      const names = (): Promise<string[]> => (known ??= redisQueueNames(open(), prefix));
      const where = `under prefix ${describe(prefix)} on ${target.url}`;
      return {
        names,
        where,
        async connect(queue, create = false) {
          if (!create && !(await redisQueueKnown(open(), prefix, queue)))
            mustKnow(queue, await names(), where);
          const store = redisStore({ client: open(), prefix });
          return connectQueue({ name: queue, store, ...priorities(target.priorities) });
        },
        explain(error) {
          if (error instanceof QuiError) return firstLine(error);
          // A raw ioredis error ("Reached the max retries…"): say where, and the socket's own error.
          return `redis at ${target.url}: ${firstLine(lastError ?? error)}`;
        },
        close() {
          client?.disconnect();
        },
      };
    }
  }
}

/** @throws {QuiError} `ERR_QUEUE_NOT_FOUND` when `queue` is not one of `known` (found `where`). */
function mustKnow(queue: string, known: readonly string[], where: string): void {
  if (known.includes(queue)) return;
  const found = known.length === 0 ? 'none' : known.map((n) => describe(n)).join(', ');
  throw new QuiError('ERR_QUEUE_NOT_FOUND', `no queue ${describe(queue)} ${where} (queues found: ${found})`);
}

function priorities(list: readonly string[] | undefined): { priorities?: readonly string[] } {
  return list === undefined ? {} : { priorities: list };
}

/** Every queue spec in a tree, by name (a queue's subtree is not searched further). */
function collectQueues(spec: ChildSpec, into: Map<string, QueueSpec>): void {
  const queue = queueOfSpec(spec);
  if (queue) {
    into.set(queue.name, spec as QueueSpec);
    return;
  }
  const children = (spec as { children?: readonly ChildSpec[] }).children;
  if (Array.isArray(children)) for (const child of children as ChildSpec[]) collectQueues(child, into);
}

function noop(): void {}

function loadIoredis(): typeof Redis {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('ioredis') as { Redis: typeof Redis }).Redis;
  } catch (thrown) {
    throw new QuiError('ERR_MISSING_PEER', '--redis needs ioredis: npm install ioredis@5', { cause: thrown });
  }
}
