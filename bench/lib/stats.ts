/** Summary statistics for benchmark samples. Pure: no I/O, no timers. */
import { jStat } from 'jstat';

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

/** The geometric mean of positive ratios and its 95 % interval (a t interval on their logs). */
export interface GeometricMean {
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

/**
 * The geometric mean of `ratios` with a 95 % confidence interval: the mean of their logarithms
 * and its standard error, with Student's t for n - 1 degrees of freedom (jstat's quantile),
 * turned back into ratios. With one ratio the interval is unbounded (NaN ends); NaN for an empty
 * list. A ratio of 0 makes the mean 0 with no interval.
 */
export function geometricMean(ratios: readonly number[]): GeometricMean {
  const n = ratios.length;
  if (n === 0) return { value: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const logs = ratios.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { value: Math.exp(mean), low: Number.NaN, high: Number.NaN, n };
  const variance = logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const half = jStat.studentt.inv(0.975, n - 1) * Math.sqrt(variance / n);
  return { value: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half), n };
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
