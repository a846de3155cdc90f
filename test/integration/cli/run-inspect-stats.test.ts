import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runInspect } from '../../../src/cli/run-inspect';
import * as storeQueues from '../../../src/cli/store-queues';
import { connectQueue } from '../../../src/queue/connect-queue';
import type { JobStoreFactory } from '../../../src/stores/job-store';
import { redisStore } from '../../../src/stores/redis-store';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { dropKeysAt } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';
import { redisKeepsRecords } from '../../helpers/store-records';

/**
 * `qui stats` without a queue, in process: the queues the store lists are read as found, with no
 * second look per queue (on Redis each look is an EXISTS and a SCAN).
 */
const url = requireRedis();
const prefix = `qui-test:run-inspect-stats:${process.pid}:`;
const dir = mkdtempSync(join(tmpdir(), 'qui-run-inspect-stats-'));
const path = join(dir, 'queues.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Stores one job in each of `names`, through a connection to its store. */
async function fill(store: JobStoreFactory, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const c = await connectQueue({ name, store });
    await c.enqueue({ n: 1 });
    await c.close();
  }
}

const counted = (rows: { queue: string; counts: { waiting: number } }[]) =>
  rows.map((r) => [r.queue, r.counts.waiting]);

it('lists every queue of a SQLite file reading its queue list once', async () => {
  await fill(sqliteStore({ path }), ['a', 'b']);
  const names = jest.spyOn(storeQueues, 'sqliteQueueNames');
  const outcome = await runInspect({
    type: 'inspect',
    action: { verb: 'stats', queue: undefined },
    target: { type: 'sqlite', path, priorities: undefined },
    json: true,
  });
  expect(outcome).toMatchObject({ code: 0, stderr: '' });
  expect(counted((JSON.parse(outcome.stdout) as { queues: never[] }).queues)).toEqual([
    ['a', 1],
    ['b', 1],
  ]);
  expect(names).toHaveBeenCalledTimes(1);
});

(redisKeepsRecords() ? describe : describe.skip)('on Redis', () => {
  afterAll(() => dropKeysAt(url, prefix));

  it('lists every queue under the prefix without looking for each again', async () => {
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    await fill(redisStore({ client, prefix }), ['a', 'b']);
    client.disconnect();
    const known = jest.spyOn(storeQueues, 'redisQueueKnown');
    const outcome = await runInspect({
      type: 'inspect',
      action: { verb: 'stats', queue: undefined },
      target: { type: 'redis', url, prefix, priorities: undefined },
      json: true,
    });
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    expect(counted((JSON.parse(outcome.stdout) as { queues: never[] }).queues)).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(known).not.toHaveBeenCalled();
    // A queue named on the command line is still looked for.
    const one = await runInspect({
      type: 'inspect',
      action: { verb: 'stats', queue: 'nosuch' },
      target: { type: 'redis', url, prefix, priorities: undefined },
      json: true,
    });
    expect(one).toMatchObject({ code: 1, stderr: expect.stringContaining('no queue "nosuch"') as string });
    expect(known).toHaveBeenCalledTimes(1);
  });
});
