/**
 * The dashboard's overview of a Redis queue holding many jobs: the queue's store is filled with
 * `jobs` waiting jobs through `addMany` in batches (records on, default retention), plus
 * `ended` jobs taken and finished (completed) so every list has some; then a system defines the
 * queue without workers, `createDashboard` serves it on 127.0.0.1, and each page is fetched
 * `renders` times. Server time is from the request reaching the handler to the response's
 * `finish`, measured in the server; the first render of each page (which asks the store once
 * whether the queue keeps records) is counted too. Keys are deleted after.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runContender } from '../lib/child';
import { loadQui } from '../lib/qui';
import { deleteRedisKeys, REDIS, requireRedis, uniqueName } from '../lib/services';
import { spread } from '../lib/stats';

interface Params {
  readonly jobs: number;
  readonly ended: number;
  readonly renders: number;
}

const BATCH = 1_000;

runContender<Params>(async ({ jobs, ended, renders }) => {
  await requireRedis();
  const qui = await loadQui();
  const url = `redis://${REDIS.host}:${REDIS.port}`;
  const prefix = `${uniqueName('dash')}:`;
  try {
    const store = qui.redisStore({ url, prefix }).create({
      queue: 'bench',
      priorities: ['high', 'low'],
      records: { processId: 'bench-filler', retention: qui.DEFAULT_RETENTION },
    });
    const job = (): Parameters<typeof store.add>[0] => ({
      id: randomUUID() as never,
      queue: 'bench',
      task: { task: 'noop', params: { n: 1 } },
      priority: 'low',
      maxRetries: 0,
      retryDelayMs: 0,
      backoff: { type: 'fixed' as const },
      timeoutMs: 60_000,
      attempts: 0,
      enqueuedAtMs: Date.now(),
    });
    const t0 = performance.now();
    for (let i = 0; i < ended; i += BATCH)
      await store.addMany(Array.from({ length: Math.min(BATCH, ended - i) }, job), Date.now());
    const end = { state: 'completed', result: undefined, error: undefined, worker: 'w/1' } as const;
    for (let i = 0; i < ended; i++) {
      const taken = await store.take(Date.now());
      if (taken) await store.records?.finish(taken.id, end, Date.now());
    }
    for (let i = 0; i < jobs; i += BATCH)
      await store.addMany(Array.from({ length: Math.min(BATCH, jobs - i) }, job), Date.now());
    const fillMs = performance.now() - t0;
    await store.close();

    const system = await qui.startSystem(
      qui.defineSupervisor({
        id: 'root',
        children: [qui.defineQueue({ name: 'bench', store: qui.redisStore({ url, prefix }) })],
      }),
    );
    const dashboard = qui.createDashboard(system);
    const timings = new Map<string, number[]>();
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const start = performance.now();
      res.once('finish', () => {
        const list = timings.get(req.url ?? '') ?? [];
        list.push(performance.now() - start);
        timings.set(req.url ?? '', list);
      });
      dashboard(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const pages = ['/', '/api/queues', '/queues/bench', '/queues/bench?state=completed'];
    let waiting = Number.NaN;
    for (let r = 0; r < renders; r++)
      for (const page of pages) {
        const res = await fetch(base + page);
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${page} answered ${res.status}`);
        if (page === '/api/queues')
          waiting = (JSON.parse(body) as { queues: { counts: { waiting: number } }[] }).queues[0]!.counts
            .waiting;
      }
    dashboard.close();
    server.closeAllConnections();
    server.close();
    await system.stop();
    const of = (page: string) => spread(timings.get(page) ?? []);
    const overview = of('/');
    return {
      metrics: {
        overviewMs: overview.median,
        overviewMaxMs: overview.max,
        apiQueuesMs: of('/api/queues').median,
        queuePageMs: of('/queues/bench').median,
        completedPageMs: of('/queues/bench?state=completed').median,
        fillMs,
      },
      notes: { waitingCounted: waiting, jobs, renders },
    };
  } finally {
    await deleteRedisKeys(prefix);
  }
});
