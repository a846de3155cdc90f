import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { QuiError } from '../errors';
import { connectQueue, type QueueConnection } from '../queue/connect-queue';
import { queueOfSpec, type QueueSpec } from '../queue/define-queue';
import { redisStore } from '../stores/redis-store';
import { sqliteStore } from '../stores/sqlite-store';
import type { ChildSpec } from '../supervision/spec';
import { describe } from '../validate';
import { loadConfig } from './load-config';
import type { InspectTarget } from './parse-inspect';

/**
 * The queues a command may reach: their names, and a way to connect to one. A config's queues
 * come from its tree (no system is started, so no worker runs); a store named on the command line
 * holds whatever queue the command names.
 */
export interface QueueDirectory {
  /** The queues a config defines on a shared store; `undefined` for a store named on the command line. */
  readonly names: readonly string[] | undefined;
  /** @throws {QuiError} `ERR_QUEUE_NOT_FOUND` for a queue the config does not define. */
  connect(queue: string): Promise<QueueConnection>;
}

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
      return {
        // Queues on a memory store are left out: no other process can see their jobs.
        names: [...specs.keys()].filter(
          (name) => queueOfSpec(specs.get(name) as QueueSpec)?.store.kind !== 'memory',
        ),
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
          return connectQueue(spec);
        },
      };
    }
    case 'sqlite': {
      const path = resolve(cwd, target.path);
      // better-sqlite3 would create an empty database: a typo must not look like an empty queue.
      if (!existsSync(path)) throw new QuiError('ERR_INVALID_OPTIONS', `cannot find SQLite file ${path}`);
      const store = sqliteStore({ path });
      return {
        names: undefined,
        connect: (queue) => connectQueue({ name: queue, store, ...priorities(target.priorities) }),
      };
    }
    case 'redis': {
      const store = redisStore({
        url: target.url,
        ...(target.prefix === undefined ? {} : { prefix: target.prefix }),
      });
      return {
        names: undefined,
        connect: (queue) => connectQueue({ name: queue, store, ...priorities(target.priorities) }),
      };
    }
  }
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
