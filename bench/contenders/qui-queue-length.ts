/**
 * Queue length, Qui only. Mode 'backlog': 100 workers process `window` jobs while a producer
 * keeps about `backlog` jobs waiting (refilled 1,000 at a time); the queue is filled before the
 * workers start. Mode 'heap': heap per waiting job with no workers, beyond the payload itself.
 */
import {
  countdown,
  heapAfterGc,
  nextTurn,
  nowMs,
  runContender,
  withTimeout,
  type Metrics,
} from '../lib/child';
import { createGate, loadQui, startBenchQueue } from '../lib/qui';

type Params =
  | { readonly mode: 'backlog'; readonly backlog: number; readonly window: number; readonly workers: number }
  | { readonly mode: 'heap'; readonly jobs: number };

const REFILL = 1_000;

function tasks(count: number, from: number): { n: number }[] {
  return Array.from({ length: count }, (_, i) => ({ n: from + i }));
}

runContender<Params>(async (params): Promise<{ metrics: Metrics }> => {
  const qui = await loadQui();
  if (params.mode === 'heap') {
    const h0 = await heapAfterGc();
    const payloads = tasks(params.jobs, 0);
    const h1 = await heapAfterGc();
    const bench = await startBenchQueue<{ n: number }>(qui);
    const h2 = await heapAfterGc();
    await bench.enqueueAll(payloads);
    const h3 = await heapAfterGc();
    const size = await bench.queue.size();
    await bench.system.stop();
    if (size !== payloads.length) throw new Error(`queue holds ${size} jobs, expected ${payloads.length}`);
    // The payloads exist before h2 and stay alive, so h3 - h2 is what the queue adds per job.
    return {
      metrics: {
        overheadBytesPerJob: (h3 - h2) / params.jobs,
        payloadBytes: (h1 - h0) / params.jobs - 8, // minus the array slot holding it
        heapMiB: h3 / 2 ** 20,
      },
    };
  }
  const gate = createGate();
  const done = countdown(params.window);
  const run = (): ReturnType<typeof qui.ok> => {
    done.hit();
    return qui.ok();
  };
  const bench = await startBenchQueue<{ n: number }>(qui, {
    count: params.workers,
    processor: () => (gate.open ? run() : gate.wait(run)),
  });
  try {
    await bench.enqueueAll(tasks(params.backlog, 0));
    let enqueued = params.backlog;
    const t0 = nowMs();
    gate.release();
    while (done.count() < params.window) {
      if (enqueued - done.count() < params.backlog) {
        await bench.queue.enqueueMany(tasks(REFILL, enqueued).map((task) => ({ task })));
        enqueued += REFILL;
      } else await nextTurn();
    }
    const t1 = await withTimeout(done.reached, 60_000, `${params.window} jobs`);
    const stats = await bench.queue.stats();
    const waiting = Object.values(stats.waiting).reduce<number>((a, b) => a + Number(b), 0);
    return { metrics: { jobsPerSec: (params.window / (t1 - t0)) * 1000, waitingAtEnd: waiting } };
  } finally {
    await bench.system.stop();
  }
});
