/**
 * The demo's jobs: a deterministic mix of CPU and I/O work, mixed priorities, failures (error
 * results, throws, an unrecoverable error), timeouts, and a handful of non-conforming returns.
 */
import type { EnqueueItem } from 'qui-actors';
import { digest, fetchPage, legacyReport, parseInvoice, sendWebhook, type DemoQueue } from './qui.config';

/** A small seeded PRNG (mulberry32), so every run enqueues the same jobs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Workload {
  readonly cpu: EnqueueItem[];
  readonly io: EnqueueItem[];
  /** Jobs whose processor returns `undefined` (each one crashes a worker and is lost). */
  readonly nonConforming: number;
}

/** The job mix for `jobs` jobs in all (at least 20). */
export function buildWorkload(jobs: number, seed = 42): Workload {
  const rnd = random(seed);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const cpu: EnqueueItem[] = [];
  const io: EnqueueItem[] = [];
  const nonConforming = Math.max(1, Math.min(5, Math.round(jobs / 600)));
  for (let i = 0; i < nonConforming; i++) {
    io.push({
      task: legacyReport.create({ broken: true, ms: 5 + pick(20) }),
      options: { priority: 'normal' },
    });
  }
  const ioPriority = (): string => (rnd() < 0.1 ? 'critical' : rnd() < 0.55 ? 'normal' : 'bulk');
  for (let i = nonConforming; i < jobs; i++) {
    const r = rnd();
    if (r < 0.35) {
      cpu.push({
        task: digest.create({ seed: `doc-${i}`, rounds: 200 + pick(400) }),
        options: { priority: rnd() < 0.25 ? 'high' : 'low' },
      });
    } else if (r < 0.45) {
      // 80% parse, 15% checksum errors (an err result), 5% throw: both retried twice, then dead.
      const k = rnd();
      const n = k < 0.8 ? 2 * pick(1000) : k < 0.95 ? 2 * pick(1000) + 1 : -1 - pick(10);
      cpu.push({ task: parseInvoice.create({ n }), options: { priority: 'low' } });
    } else if (r < 0.8) {
      // 3% hang past a short timeout on every attempt: retried twice, then dead.
      const hangs = rnd() < 0.03;
      io.push({
        task: fetchPage.create({ url: `https://example.com/p/${i}`, ms: hangs ? 500 : 5 + pick(35) }),
        options: hangs ? { priority: ioPriority(), timeoutMs: 25 } : { priority: ioPriority() },
      });
    } else if (r < 0.97) {
      // Mostly fine; some fail once or twice then succeed; some never succeed; a few are unrecoverable.
      const k = rnd();
      const failFor = k < 0.7 ? 0 : k < 0.9 ? 1 + pick(2) : k < 0.97 ? 9 : -1;
      io.push({
        task: sendWebhook.create({ failFor, ms: 2 + pick(15) }),
        options: { priority: ioPriority() },
      });
    } else {
      io.push({
        task: legacyReport.create({ broken: false, ms: 5 + pick(20) }),
        options: { priority: 'bulk' },
      });
    }
  }
  shuffle(io, rnd);
  return { cpu, io, nonConforming };
}

function shuffle<T>(items: T[], rnd: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

/** Splits both queues' items into interleaved batches, so work starts while the rest is enqueued. */
export function batches(workload: Workload, size: number): { queue: DemoQueue; items: EnqueueItem[] }[] {
  const out: { queue: DemoQueue; items: EnqueueItem[] }[] = [];
  const longest = Math.max(workload.cpu.length, workload.io.length);
  for (let at = 0; at < longest; at += size) {
    const cpu = workload.cpu.slice(at, at + size);
    const io = workload.io.slice(at, at + size);
    if (cpu.length) out.push({ queue: 'cpu', items: cpu });
    if (io.length) out.push({ queue: 'io', items: io });
  }
  return out;
}
