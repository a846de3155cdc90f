/**
 * Soak, Qui only: `total` jobs through 100 workers while a producer keeps ~10,000 waiting.
 * Per attempt: 5 % return err(), 1 % hang past `timeoutMs` (ignoring the signal), 0.1 % return
 * a non-result, which crashes the worker (its job is lost); maxRetries 1. Heap after gc at
 * 10 %, 90 % and 100 % settled; at the end completed + dead + lost must equal enqueued.
 */
import { heapAfterGc, nextTurn, nowMs, runContender, sleep } from '../lib/child';
import { loadQui, startBenchQueue } from '../lib/qui';

interface Params {
  readonly total: number;
  readonly workers: number;
}

const BACKLOG = 10_000;
const BATCH = 5_000;
const JOB_OPTIONS = { maxRetries: 1, retryDelayMs: 5, timeoutMs: 20 };

runContender<Params>(async ({ total, workers }) => {
  const qui = await loadQui();
  const processor = (): ReturnType<typeof qui.ok> | Promise<never> => {
    const r = Math.random();
    if (r < 0.001) return undefined as unknown as ReturnType<typeof qui.ok>; // crash: not a JobResult
    // Hangs until the attempt times out. A fresh promise each time: one shared never-settling
    // promise would keep every reaction ever attached to it, a leak of the benchmark's own.
    if (r < 0.011) return new Promise<never>(() => undefined);
    if (r < 0.061) return qui.err(new Error('benchmark failure'));
    return qui.ok();
  };
  const bench = await startBenchQueue<{ n: number }>(qui, {
    count: workers,
    processor,
    intensity: { maxRestarts: 1_000_000_000, withinMs: 1_000 },
  });
  const seen = { completed: 0, dead: 0, lost: 0 };
  bench.system.events.on('job.completed', () => seen.completed++);
  bench.system.events.on('job.dead', () => seen.dead++);
  bench.system.events.on('job.lost', () => seen.lost++);
  const settled = (): number => seen.completed + seen.dead + seen.lost;
  const heap: Record<string, number> = {};
  const marks: [string, number][] = [
    ['heapAt10pctMiB', 0.1],
    ['heapAt90pctMiB', 0.9],
  ];
  const t0 = nowMs();
  let enqueued = 0;
  try {
    while (enqueued < total || settled() < total) {
      const mark = marks[0];
      if (mark && settled() >= mark[1] * total) {
        heap[mark[0]] = (await heapAfterGc()) / 2 ** 20;
        marks.shift();
      }
      if (enqueued < total && enqueued - settled() < BACKLOG) {
        const count = Math.min(BATCH, total - enqueued);
        await bench.enqueueAll(
          Array.from({ length: count }, (_, i) => ({ n: enqueued + i })),
          JOB_OPTIONS,
        );
        enqueued += count;
      } else if (nowMs() - t0 > 300_000) {
        throw new Error(`stuck: ${settled()} of ${enqueued} settled after 300 s`);
      } else await (enqueued < total ? nextTurn() : sleep(5));
    }
    const t1 = nowMs();
    const heapEnd = (await heapAfterGc()) / 2 ** 20;
    const { totals } = await bench.queue.stats();
    const unaccounted = totals.enqueued - (totals.completed + totals.dead + totals.lost);
    return {
      metrics: {
        ...heap,
        heapEndMiB: heapEnd,
        endOver10pct: heapEnd / (heap['heapAt10pctMiB'] ?? Number.NaN),
        at90Over10pct: (heap['heapAt90pctMiB'] ?? Number.NaN) / (heap['heapAt10pctMiB'] ?? Number.NaN),
        jobsPerSec: (total / (t1 - t0)) * 1000,
        enqueued: totals.enqueued,
        completed: totals.completed,
        dead: totals.dead,
        lost: totals.lost,
        retried: totals.retried,
        unaccounted,
        eventsMismatch:
          Math.abs(seen.completed - totals.completed) +
          Math.abs(seen.dead - totals.dead) +
          Math.abs(seen.lost - totals.lost),
      },
    };
  } finally {
    await bench.system.stop();
  }
});
