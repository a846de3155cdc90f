import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { ManualClock } from '../../../src/clock';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { connectQueue } from '../../../src/queue/connect-queue';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem } from '../../../src/runtime/start-system';
import type { JobStoreFactory } from '../../../src/stores/job-store';
import { redisStore } from '../../../src/stores/redis-store';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { requireRedis } from '../../helpers/services';

/** A job taken with dequeue() on a shared store: its end reaches other processes, and no reaper takes it for lost. */
const url = requireRedis();
const base = `qui-test:dequeue-shared:${process.pid}:`;
const dir = mkdtempSync(join(tmpdir(), 'qui-dequeue-shared-'));
let n = 0;

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const admin = new Redis(url, { maxRetriesPerRequest: 1 });
  const keys = await admin.keys(`${base}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

const kinds: Array<[string, () => JobStoreFactory]> = [
  ['sqlite', () => sqliteStore({ path: join(dir, `q${++n}.db`) })],
  ['redis', () => redisStore({ url, prefix: `${base}${++n}:` })],
];

describe.each(kinds)('dequeue with records on %s', (_kind, make) => {
  it('ends the record for every process (waitFor elsewhere resolves), and a reaper never takes it for lost', async () => {
    const store = make();
    const system = await startSystem(
      defineSupervisor({ id: 'root', children: [defineQueue({ name: 'q', store })] }),
      { clock: new ManualClock() },
    );
    const q = system.queue('q');
    const job = await q.enqueue({ n: 1 });
    const elsewhere = await connectQueue({ name: 'q', store });
    const ended = elsewhere.waitFor(job.id);
    expect(await q.dequeue()).toMatchObject({ id: job.id });
    expect(await ended).toMatchObject({
      state: 'completed',
      reason: 'dequeued',
      processId: system.processId,
    });
    await elsewhere.close();
    await system.stop(); // its lease ends now

    // Another process reaps the active jobs of processes with no lease: the dequeued one is not one.
    const other = await store.create({
      queue: 'q',
      priorities: ['high', 'low'],
      records: { processId: 'other', retention: DEFAULT_RETENTION },
    });
    const records = other.records!;
    expect(await records.reap(Date.now() + 3_600_000, false)).toEqual([]);
    expect(await records.get(job.id)).toMatchObject({ state: 'completed', reason: 'dequeued' });
    expect(await records.counts()).toMatchObject({ active: 0, completed: 1, lost: 0 });
    await other.close();
  });
});
