import Redis from 'ioredis';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { redisStore } from '../../../src/stores/redis-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { dropKeys } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

// First: fails the file in one line, before any client is made, when Redis is down.
const url = requireRedis();
const prefix = `qui-test:undecodable-record:${process.pid}:`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });
let system: QuiSystem | undefined;

afterAll(async () => {
  if (system && !system.stopped) await system.stop();
  await dropKeys(admin, prefix);
  await admin.quit();
});

describe('a job whose stored body cannot be decoded, on a queue keeping records', () => {
  it('is reported lost and its record ends lost (reason decode), not left active', async () => {
    system = await startSystem(
      defineSupervisor({
        id: 'root',
        children: [defineQueue({ name: 'q', store: redisStore({ url, prefix }) })],
      }),
    );
    const q = system.queue('q');
    const bad = await q.enqueue('spoiled');
    // With records on, the job's body lives in its record hash (field `b`): one that still shows
    // its id but misses every other field.
    await admin.hset(`${prefix}{q}:job:${bad.id}`, 'b', JSON.stringify({ id: bad.id }));
    const lost = new Promise<unknown>((resolve) => system!.events.once('job.lost', resolve));
    expect(await q.dequeue()).toBeUndefined();
    expect(await lost).toMatchObject({ jobId: bad.id, reason: { type: 'decode' } });
    // The record's own body is what cannot be read, so its counts tell: lost, and none active.
    await system.stop();
    const reader = redisStore({ url, prefix }).create({
      queue: 'q',
      priorities: ['high', 'low'],
      records: { processId: 'reader', retention: DEFAULT_RETENTION },
    });
    expect(await reader.records!.counts()).toMatchObject({ active: 0, lost: 1, waiting: 0 });
    await reader.close();
  });

  it('ends its record lost (reason decode) even when the body shows no id at all', async () => {
    system = await startSystem(
      defineSupervisor({
        id: 'root',
        children: [defineQueue({ name: 'q2', store: redisStore({ url, prefix }) })],
      }),
    );
    const q = system.queue('q2');
    const bad = await q.enqueue('spoiled');
    // Not JSON: nothing in the body names the job; the take answers the id its record is kept under.
    await admin.hset(`${prefix}{q2}:job:${bad.id}`, 'b', 'not json {');
    const lost = new Promise<unknown>((resolve) => system!.events.once('job.lost', resolve));
    expect(await q.dequeue()).toBeUndefined();
    expect(await lost).toMatchObject({ jobId: bad.id, reason: { type: 'decode' } });
    await system.stop();
    const reader = redisStore({ url, prefix }).create({
      queue: 'q2',
      priorities: ['high', 'low'],
      records: { processId: 'reader', retention: DEFAULT_RETENTION },
    });
    expect(await reader.records!.counts()).toMatchObject({ active: 0, lost: 1, waiting: 0 });
    const fields = await admin.hgetall(`${prefix}{q2}:job:${bad.id}`);
    expect(fields).toMatchObject({ s: 'lost', why: 'decode' });
    await reader.close();
  });
});
