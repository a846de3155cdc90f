/**
 * Pool size, Qui only: start a queue with N workers, wait until all N are idle (parked polls),
 * measure heap per idle worker (after gc), then enqueue jobs in bulk to the idle pool and time
 * until the last completes.
 */
import { countdown, heapAfterGc, nowMs, runContender, sleep, withTimeout } from '../lib/child';
import { loadQui, startBenchQueue } from '../lib/qui';

interface Params {
  readonly workers: number;
  readonly jobs: number;
}

runContender<Params>(async ({ workers, jobs }) => {
  const qui = await loadQui();
  const done = countdown(jobs);
  const h0 = await heapAfterGc();
  const t0 = nowMs();
  const bench = await startBenchQueue<{ n: number }>(qui, {
    count: workers,
    processor: () => {
      done.hit();
      return qui.ok();
    },
  });
  try {
    const started = nowMs();
    const deadline = started + 60_000;
    while ((await bench.queue.stats()).parkedPolls < workers) {
      if (nowMs() > deadline) throw new Error(`${workers} workers not idle after 60 s`);
      await sleep(2);
    }
    const idle = nowMs();
    const h1 = await heapAfterGc();
    const t2 = nowMs();
    await bench.enqueueAll(Array.from({ length: jobs }, (_, n) => ({ n })));
    const t3 = await withTimeout(done.reached, 120_000, `${jobs} jobs`);
    return {
      metrics: {
        startMs: started - t0,
        allIdleMs: idle - t0,
        heapBytesPerWorker: (h1 - h0) / workers,
        jobsPerSec: (jobs / (t3 - t2)) * 1000,
      },
    };
  } finally {
    await bench.system.stop();
  }
});
