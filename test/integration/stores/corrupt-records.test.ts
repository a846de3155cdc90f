import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Redis from 'ioredis';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import type { JobStore } from '../../../src/stores/job-store';
import { redisStore } from '../../../src/stores/redis-store';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { makeJob } from '../../contracts/job-store.contract';
import { dropKeys } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

/**
 * A record whose stored text cannot be decoded (a corrupt body, or a corrupt error) is still read:
 * getJob and every page of getJobs answer it, flagged `corrupt`, and a reap ends it lost instead
 * of throwing. Before, one such record threw ERR_STORE from the whole page (and the dashboard's
 * and `qui jobs`'), and stopped every reap of its queue.
 */
const url = requireRedis();
const prefix = `qui-test:corrupt-records:${process.pid}:`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qui-corrupt-records-'));
const file = path.join(dir, 'q.db');
const records = { processId: 'p1', retention: DEFAULT_RETENTION };

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await dropKeys(admin, prefix);
  await admin.quit();
});

/** A store kind, and how to spoil one stored field of a record in it. */
interface Kind {
  open(queue: string): JobStore;
  spoil(queue: string, id: string, field: 'body' | 'error', text: string): Promise<void>;
}

const kinds: [string, Kind][] = [
  [
    'sqlite',
    {
      open: (queue) => sqliteStore({ path: file }).create({ queue, priorities: ['p'], records }),
      spoil: (_queue, id, field, text) => {
        const db = new Database(file);
        db.prepare(`UPDATE qui_records SET ${field === 'body' ? 'job' : 'error'} = ? WHERE id = ?`).run(
          text,
          id,
        );
        db.close();
        return Promise.resolve();
      },
    },
  ],
  [
    'redis',
    {
      open: (queue) => redisStore({ url, prefix }).create({ queue, priorities: ['p'], records }),
      spoil: async (queue, id, field, text) => {
        await admin.hset(`${prefix}{${queue}}:job:${id}`, field === 'body' ? 'b' : 'e', text);
      },
    },
  ],
];

describe.each(kinds)('%s: a record that cannot be decoded', (_name, kind) => {
  it('is answered by get and listed by every page, flagged corrupt, with what could be read', async () => {
    const store = kind.open('pages');
    const [a, b, c] = [0, 1, 2].map(() => makeJob('pages', { priority: 'p' })) as [
      ReturnType<typeof makeJob>,
      ReturnType<typeof makeJob>,
      ReturnType<typeof makeJob>,
    ];
    await store.addMany([a, b, c], 10);
    await kind.spoil('pages', a.id, 'body', 'not json {');
    // JSON, but not a stored job: what still reads (its payload) is kept.
    await kind.spoil('pages', b.id, 'body', JSON.stringify({ id: b.id, task: { task: 'send', params: 1 } }));

    const bad = await store.records!.get(a.id);
    expect(bad).toMatchObject({
      id: a.id,
      queue: 'pages',
      state: 'waiting',
      attempts: 0,
      task: undefined,
      taskName: undefined,
      enqueuedAtMs: 0,
      corrupt: { reason: expect.stringMatching(/^body: a stored job is not valid JSON/) },
    });
    expect(await store.records!.get(b.id)).toMatchObject({
      id: b.id,
      taskName: 'send',
      task: { task: 'send', params: 1 },
      corrupt: { reason: expect.stringContaining('body: a stored job') },
    });
    const good = await store.records!.get(c.id);
    expect(good).toMatchObject({ id: c.id, state: 'waiting', task: c.task });
    expect(good).not.toHaveProperty('corrupt');

    const first = await store.records!.list({ state: 'waiting', limit: 2 });
    const second = await store.records!.list({ state: 'waiting', limit: 2, cursor: first.cursor! });
    expect([...first.records, ...second.records].map((r) => [r.id, r.corrupt !== undefined])).toEqual([
      [c.id, false],
      [b.id, true],
      [a.id, true],
    ]);
    expect(second.cursor).toBeUndefined();
    // Removing it works: the operator's way out.
    expect(await store.records!.remove(a.id)).toBe(true);
    expect(await store.records!.get(a.id)).toBeUndefined();
    await store.close();
  });

  it('keeps the rest of a record whose error cannot be read', async () => {
    const store = kind.open('errors');
    const job = makeJob('errors', { priority: 'p' });
    await store.add(job, 0);
    await store.records!.heartbeat(
      { processId: 'p1', host: 'h', pid: 1, startedAtMs: 0, workers: { busy: 1, total: 1 } },
      0,
      60_000,
    );
    expect((await store.take(1))?.id).toBe(job.id);
    const error = { name: 'Error', message: 'boom' };
    expect(await store.records!.finish(job.id, { state: 'dead', error, worker: 'w1' }, 2)).toBe(true);
    await kind.spoil('errors', job.id, 'error', '{"name":');
    expect((await store.records!.list({ state: 'dead', limit: 10 })).records).toEqual([
      expect.objectContaining({
        id: job.id,
        state: 'dead',
        task: job.task,
        error: undefined,
        worker: 'w1',
        finishedAtMs: 2,
        corrupt: { reason: expect.stringMatching(/^error: not valid JSON/) },
      }),
    ]);
    await store.close();
  });

  it('flags a body whose history cannot be read, and keeps the rest of it', async () => {
    const store = kind.open('history');
    const job = makeJob('history', { priority: 'p' });
    await store.add(job, 0);
    const body = { ...job, timeoutMs: job.timeoutMs, history: { failed: [{ attempt: 'one' }], dropped: 0 } };
    await kind.spoil('history', job.id, 'body', JSON.stringify(body));
    const record = await store.records!.get(job.id);
    expect(record).toMatchObject({
      id: job.id,
      task: job.task,
      history: undefined,
      corrupt: { reason: expect.stringMatching(/^history: has an entry without numeric attempt/) },
    });
    await store.close();
  });

  it.each([
    [false, 'not JSON', '{"id": 7'],
    [true, 'not JSON', '{"id": 7'],
    [false, 'JSON but no job', '{"id":"x","attempts":0,"maxRetries":3}'],
    [true, 'JSON but no job', '{"id":"x","attempts":0,"maxRetries":3}'],
  ])(
    'is ended lost by a reap (requeue %p, body %s), which goes on to the others',
    async (requeue, _kind, body) => {
      const queue = `reap-${String(requeue)}-${body.length}`;
      const store = kind.open(queue);
      const [bad, good] = [makeJob(queue, { priority: 'p' }), makeJob(queue, { priority: 'p' })];
      await store.addMany([bad, good], 0);
      // Taken by p1, which never beat: a reaper takes its jobs for lost.
      expect((await store.takeMany!(2, 1)).map((j) => j.id)).toEqual([bad.id, good.id]);
      await kind.spoil(queue, bad.id, 'body', body);
      const changed = await store.records!.reap(5, requeue);
      expect(changed.find((r) => r.id === bad.id)).toMatchObject({
        state: 'lost',
        reason: 'process-gone',
        corrupt: { reason: expect.stringContaining('body:') },
      });
      expect(changed.map((r) => r.id).sort()).toEqual([bad.id, good.id].sort());
      expect(await store.records!.counts()).toMatchObject({ active: 0 });
      await store.close();
    },
  );
});
