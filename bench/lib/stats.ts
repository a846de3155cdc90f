/** Summary statistics for benchmark samples. Pure: no I/O, no timers. */

/** min / median / max of one metric over the repetitions of a run. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly n: number;
}

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Nearest-rank percentile of an ascending array; `p` in 0..100. NaN for an empty array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index] as number;
}

/** The median of an unsorted list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid] as number;
  return ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** min / median / max of a list of repetitions. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN, n: 0 };
  return { min: Math.min(...values), median: median(values), max: Math.max(...values), n: values.length };
}

/** p50 / p99 / max / mean of latency samples in milliseconds. */
export function summarizeLatency(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    meanMs: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/**
 * Priority inversions in a processing order where every job was waiting before the first
 * pickup: the number of low-priority jobs started before the last high-priority job started.
 * An ideal scheduler scores 0.
 */
export function countInversions(order: readonly ('high' | 'low')[]): number {
  const lastHigh = order.lastIndexOf('high');
  let inversions = 0;
  for (let i = 0; i < lastHigh; i++) if (order[i] === 'low') inversions++;
  return inversions;
}
