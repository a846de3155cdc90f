import { Redis } from 'ioredis';
import { DEFAULT_RETENTION } from '../../src/jobs/job-retention';
import type { JobStore } from '../../src/stores/job-store';
import { redisStore } from '../../src/stores/redis-store';
import { sqliteStore } from '../../src/stores/sqlite-store';

/**
 * Whether a store kind keeps job records yet (the branches that add them merge separately): the
 * CLI trials against that store run only when it does. Opens no network connection.
 */
function keepsRecords(store: JobStore): boolean {
  const has = store.records !== undefined;
  void Promise.resolve(store.close()).catch(() => undefined);
  return has;
}

const config = {
  queue: 'probe',
  priorities: ['a'],
  records: { processId: 'probe', retention: DEFAULT_RETENTION },
};

export function redisKeepsRecords(): boolean {
  // Never connects: lazy, and commands fail at once instead of waiting for a connection.
  const client = new Redis({ lazyConnect: true, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    return keepsRecords(redisStore({ client }).create(config));
  } finally {
    client.disconnect();
  }
}

export function sqliteKeepsRecords(): boolean {
  return keepsRecords(sqliteStore({ path: ':memory:' }).create(config));
}
