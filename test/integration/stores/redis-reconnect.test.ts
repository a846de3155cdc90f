import { Redis } from 'ioredis';
import type { Job } from '../../../src/jobs/job';
import { redisStore } from '../../../src/stores/redis-store';
import { makeJob } from '../../contracts/job-store.contract';
import { dropKeys, killConnectionsNamed } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

// First: fails the file in one line, before any client is made, when Redis is down.
const url = requireRedis();
const prefix = `qui-test:redis-reconnect:${process.pid}:`;
const queue = `reconnect-${process.pid}`;
const priorities = ['high', 'low'];
const admin = new Redis(url, { maxRetriesPerRequest: 1 });

/** Kills every connection of the queue's stores (named `qui:<queue>`); returns how many. */
const killStoreConnections = (): Promise<number> => killConnectionsNamed(admin, `qui:${queue}`);

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});
afterAll(async () => {
  await dropKeys(admin, prefix);
  await admin.quit();
});

it('wakes listeners after its connections are killed, and loses no job across the drop', async () => {
  expect(await admin.ping()).toBe('PONG'); // fails, not skips, without Redis
  const store = redisStore({ url, prefix }).create({ queue, priorities });
  const other = redisStore({ url, prefix }).create({ queue, priorities });
  opened.push(store, other);
  let wakes = 0;
  let onWake = (): void => undefined;
  store.onAvailable(() => {
    wakes++;
    onWake();
  });
  await store.whenListening();
  // The kill below counts connections by name: make sure `other`'s is up (and named) first, on a
  // loaded machine too, rather than assume its connect won the race with our own round trips.
  await other.size();

  const jobs: Job[] = Array.from({ length: 400 }, (_, i) =>
    makeJob(queue, { priority: i % 4 ? 'low' : 'high' }),
  );
  await store.addMany(jobs.slice(0, 200), 0);
  const taken: Job[] = [];
  const takeOne = async (): Promise<void> => {
    const job = await store.take(0).catch(() => undefined); // a rejected take is retried below
    if (job !== undefined) taken.push(job);
  };

  // Drop both connections (client and subscriber) while takes and adds are in flight.
  wakes = 0;
  const bothBack = new Promise<void>((resolve) => (onWake = () => wakes >= 2 && resolve()));
  const inFlight = [...Array.from({ length: 50 }, takeOne), store.addMany(jobs.slice(200, 300), 0)];
  expect(await killStoreConnections()).toBe(3); // both clients, and the listening store's subscriber
  await Promise.all(inFlight);
  await bothBack; // each connection woke the listener once it was back

  // After the reconnect: adds from elsewhere still wake us, and adds and takes work again.
  const woken = new Promise<void>((resolve) => (onWake = resolve));
  await other.addMany(jobs.slice(300), 0);
  await woken;
  for (let job = await store.take(0); job !== undefined; job = await store.take(0)) taken.push(job);

  const takenIds = taken.map((j) => j.id);
  expect(new Set(takenIds).size).toBe(takenIds.length); // never twice
  expect(new Set(takenIds)).toEqual(new Set(jobs.map((j) => j.id))); // nothing lost
});
