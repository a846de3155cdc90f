/**
 * Cancel latency on Redis: two systems on one Redis queue keeping records (a producer, and a
 * consumer whose workers hold every job until its signal aborts). For each of N jobs, one at a
 * time: enqueue, wait until the consumer runs it, then `cancel` from the producer; the latency is
 * from the cancel call to the processor seeing its signal abort (the `job.cancel` broadcast
 * crossing Redis pub/sub). Skipped while the Redis store keeps no records.
 */
import { nowMs, runContender, SkipError } from '../lib/child';
import { loadQui } from '../lib/qui';
import { deleteRedisKeys, REDIS, requireRedis, uniqueName } from '../lib/services';
import { summarizeLatency } from '../lib/stats';

runContender<{ jobs: number }>(async ({ jobs }) => {
  await requireRedis();
  const qui = await loadQui();
  const url = `redis://${REDIS.host}:${REDIS.port}`;
  const prefix = `${uniqueName('qui-cancel')}:`;
  let started: (() => void) | undefined;
  let aborted: ((at: number) => void) | undefined;
  const start = (workers: boolean): ReturnType<typeof qui.startSystem> =>
    qui.startSystem(
      qui.defineSupervisor({
        id: 'root',
        children: [
          qui.defineQueue({
            name: 'bench',
            store: qui.redisStore({ url, prefix }),
            defaults: { maxRetries: 0 },
            ...(workers
              ? {
                  workers: {
                    count: 1,
                    processor: (_job, ctx) =>
                      new Promise((resolve) => {
                        ctx.signal.addEventListener('abort', () => {
                          aborted?.(nowMs());
                          resolve(qui.err(ctx.signal.reason as Error));
                        });
                        started?.();
                      }),
                  },
                }
              : {}),
          }),
        ],
      }),
    );
  const consumer = await start(true);
  const producer = await start(false);
  try {
    const queue = producer.queue('bench');
    const latencies: number[] = [];
    for (let i = 0; i < jobs; i++) {
      const running = new Promise<void>((resolve) => (started = resolve));
      const job = await queue.enqueue({ n: i });
      await running;
      const seen = new Promise<number>((resolve) => (aborted = resolve));
      const t0 = nowMs();
      try {
        await queue.cancel(job.id);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ERR_RECORDS_OFF')
          throw new SkipError('the Redis store keeps no job records yet');
        throw error;
      }
      latencies.push((await seen) - t0);
      await queue.waitFor(job.id, { timeoutMs: 10_000 });
    }
    const s = summarizeLatency(latencies);
    return { metrics: { cancelP50Ms: s.p50Ms, cancelP99Ms: s.p99Ms, cancelMaxMs: s.maxMs } };
  } finally {
    await Promise.all([consumer.stop(), producer.stop()]);
    await deleteRedisKeys(prefix);
  }
});
