import { Redis } from 'ioredis';
import { defineQueue } from '../../../src/queue/define-queue';
import { ok } from '../../../src/jobs/job-result';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { redisStore } from '../../../src/stores/redis-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { connectionsNamed, dropKeys, killConnectionsNamed } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

// First: fails the file in one line, before any client is made, when Redis is down.
const url = requireRedis();
const prefix = `qui-test:connection-drop:${process.pid}:`;
const queue = `drop-${process.pid}`;
const WORKERS = 8;
const FIRST_RUN = 3_000;
const KILL_AT = 1_000;
const AFTER_KILL = 500;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });

/** Kills every connection of the queue's stores (named `qui:<queue>`); returns how many. */
const killStoreConnections = (): Promise<number> => killConnectionsNamed(admin, `qui:${queue}`);

const systems: QuiSystem[] = [];
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await dropKeys(admin, prefix);
  await admin.quit();
});

/** A system holding the queue on Redis, with a pool when `onJob` is given. */
async function start(onJob?: (n: number) => void): Promise<QuiSystem> {
  const workers = onJob && {
    count: WORKERS,
    processor: (job: { task: unknown }) => {
      onJob((job.task as { n: number }).n);
      return ok();
    },
  };
  const spec = defineQueue({
    name: queue,
    store: redisStore({ url, prefix }),
    ...(workers ? { workers } : {}),
  });
  const system = await startSystem(defineSupervisor({ id: 'root', children: [spec] }));
  systems.push(system);
  return system;
}

const tasks = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ task: { n: from + i } }));

it('completes a run whose Redis connections are killed mid-run and while parked: every job once, none lost', async () => {
  expect(await admin.ping()).toBe('PONG'); // fails, not skips, without Redis
  const runs = new Map<number, number>();
  const waiters: { readonly done: () => boolean; readonly resolve: () => void }[] = [];
  const until = (done: () => boolean): Promise<void> =>
    done() ? Promise.resolve() : new Promise((resolve) => waiters.push({ done, resolve }));
  let killedMidRun: Promise<number> | undefined;
  const completed = () => runs.size;

  const system = await start((n) => {
    runs.set(n, (runs.get(n) ?? 0) + 1);
    if (runs.size === KILL_AT) killedMidRun = killStoreConnections();
  });
  system.events.on('job.completed', () => {
    for (const w of waiters.splice(0)) (w.done() ? w.resolve : () => waiters.push(w))();
  });
  const producer = await start(); // another instance of the queue: its adds wake the workers through pub/sub

  // 1. Drop every connection while jobs are being taken and completed.
  for (let i = 0; i < FIRST_RUN; i += 500) await producer.queue(queue).enqueueMany(tasks(i, 500));
  await until(() => completed() === FIRST_RUN);
  expect(await killedMidRun).toBeGreaterThanOrEqual(3); // client and subscriber of the workers' store, the producer's client

  // 2. Drop them again while every worker is parked, then enqueue from both instances at once.
  const queueOf = system.queue(queue);
  while ((await queueOf.stats()).parkedPolls < WORKERS) await queueOf.size();
  // The three connections reconnect on ioredis's own timers: wait until they are back (one
  // round trip a turn) rather than assume they won the race with the jobs, on a loaded machine too.
  while ((await connectionsNamed(admin, `qui:${queue}`)).length < 3) await admin.ping();
  expect(await killStoreConnections()).toBeGreaterThanOrEqual(3);
  await Promise.all([
    producer.queue(queue).enqueueMany(tasks(FIRST_RUN, AFTER_KILL / 2)),
    queueOf.enqueueMany(tasks(FIRST_RUN + AFTER_KILL / 2, AFTER_KILL / 2)),
  ]);
  await until(() => completed() === FIRST_RUN + AFTER_KILL);

  const total = FIRST_RUN + AFTER_KILL;
  expect([...runs.values()].every((times) => times === 1)).toBe(true); // none twice
  expect([...runs.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i)); // none lost
  expect(await queueOf.size()).toBe(0);
  expect((await queueOf.stats()).totals.completed).toBe(total);
}, 60_000);
