import type BetterSqlite3 from 'better-sqlite3';
import type { Redis } from 'ioredis';
import { QuiError } from '../errors';
import { describe } from '../validate';

/**
 * How a queue runs on a shared store, settled by the first process that starts it there and kept
 * with the queue: every process sharing the queue must run it the same way. With records on
 * (`retain` not `false`) the stores keep job ids in their due structures and a record per job;
 * with them off, job bodies and no records. A process that disagreed would corrupt both.
 */
export interface QueueMode {
  /** True when the queue keeps job records (`retain` is not `false`). */
  readonly retain: boolean;
}

/**
 * A process started a queue in a mode other than the one its store keeps for it (see
 * {@link QueueMode}): the queue does not start, and nothing in the store changed.
 * `path` names the field that disagrees; `stored` is the store's value, `given` this process's.
 */
export class QueueModeError extends QuiError {
  readonly path = 'retain';
  constructor(
    readonly queue: string,
    readonly stored: boolean,
    readonly given: boolean,
  ) {
    super(
      'ERR_QUEUE_MODE',
      `retain: queue ${describe(queue)} is kept ${stored ? 'with' : 'without'} records in its store (retain ${stored ? 'on' : 'false'}, set by the first process that started it), but this process starts it ${given ? 'with' : 'without'} (retain ${given ? 'on' : 'false'}); every process sharing the queue must use the same retain`,
    );
  }
}

/**
 * Checks the mode a store answered against the one this process starts the queue with.
 * @throws {QueueModeError} when they differ.
 * @internal
 */
export function checkQueueMode(queue: string, stored: QueueMode | undefined, given: QueueMode): void {
  if (stored !== undefined && stored.retain !== given.retain)
    throw new QueueModeError(queue, stored.retain, given.retain);
}

function parseMode(text: string | null | undefined): QueueMode | undefined {
  if (text === null || text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { retain?: unknown };
    return typeof parsed.retain === 'boolean' ? { retain: parsed.retain } : undefined;
  } catch {
    return undefined;
  }
}

const SQLITE_MODES = `CREATE TABLE IF NOT EXISTS qui_queue_modes (queue TEXT PRIMARY KEY, mode TEXT NOT NULL)`;

/**
 * SQLite: the mode kept for `queue` in the file (table `qui_queue_modes`), after storing `claim`
 * there when none was kept (a queue's first start); `claim` absent only reads.
 * @internal
 */
export function sqliteQueueMode(
  db: BetterSqlite3.Database,
  queue: string,
  claim: QueueMode | undefined,
): QueueMode | undefined {
  return db
    .transaction(() => {
      db.exec(SQLITE_MODES);
      if (claim !== undefined)
        db.prepare('INSERT OR IGNORE INTO qui_queue_modes (queue, mode) VALUES (?, ?)').run(
          queue,
          JSON.stringify(claim),
        );
      const row = db.prepare('SELECT mode FROM qui_queue_modes WHERE queue = ?').pluck().get(queue);
      return parseMode(row as string | undefined);
    })
    .immediate();
}

/**
 * Redis: the mode kept for the queue whose keys start with `base` (key `<base>:mode`), after
 * storing `claim` there when none was kept; `claim` absent only reads. The key is set once and
 * never changed, so `SET NX` then `GET` needs no script.
 * @internal
 */
export async function redisQueueMode(
  client: Redis,
  base: string,
  claim: QueueMode | undefined,
): Promise<QueueMode | undefined> {
  const key = `${base}:mode`;
  try {
    if (claim !== undefined) await client.set(key, JSON.stringify(claim), 'NX');
    return parseMode(await client.get(key));
  } catch (thrown) {
    throw new QuiError('ERR_STORE', 'redis store: reading the queue mode failed', { cause: thrown });
  }
}
