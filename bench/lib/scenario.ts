/** What a scenario declares, what the harness records, and helpers to express targets. */
import type { ChildResult } from './child';
import { geometricMean, median, spread, type Spread } from './stats';

/** One contender configuration; the harness runs it `reps` times, each in a fresh process. */
export interface RunSpec {
  /** Who runs: 'qui', 'raw-nact', 'bullmq', … */
  readonly contender: string;
  /** Which configuration, e.g. 'workers=100'. */
  readonly label: string;
  /** Script path relative to bench/. */
  readonly file: string;
  readonly params: unknown;
  readonly reps: number;
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs?: number;
}

export interface MetricSpec {
  readonly key: string;
  readonly unit:
    'jobs/s' | 'msg/s' | 'ms' | 'ns' | 'MiB' | 'bytes' | 'count' | 'B/job' | 'B/worker' | 'ratio';
}

/** A target or a ratio, evaluated on this run (on medians unless a check says otherwise). `met` is null when not measurable. */
export interface Check {
  readonly name: string;
  readonly value: number | null;
  readonly unit?: string;
  /** e.g. '≥ 0.8'; empty for an informational ratio. */
  readonly target: string;
  readonly met: boolean | null;
  readonly note?: string;
  /** The 95 % confidence interval of `value`, where the check has one. */
  readonly interval?: readonly [low: number, high: number];
}

export interface RowResult {
  readonly contender: string;
  readonly label: string;
  readonly status: 'ok' | 'partial' | 'skipped' | 'error';
  /** Distinct skip/error reasons. */
  readonly reasons: readonly string[];
  readonly metrics: Readonly<Record<string, Spread>>;
  /** Each metric per repetition, in the order they ran (null where a repetition failed or lacked it). */
  readonly reps?: Readonly<Record<string, readonly (number | null)[]>>;
  readonly notes: Readonly<Record<string, string | number>>;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** One line describing the workload as run (sizes differ with --quick). */
  workload(quick: boolean): string;
  /** Metrics shown in the table, in order; others a child reports are kept in the JSON only. */
  readonly metrics: readonly MetricSpec[];
  runs(quick: boolean): RunSpec[];
  checks(results: Results, quick: boolean): Check[];
}

/** Read access to the rows of one scenario run. */
export class Results {
  constructor(readonly rows: readonly RowResult[]) {}

  median(contender: string, label: string, metric: string): number | undefined {
    return this.stat(contender, label, metric, 'median');
  }

  /** One metric per repetition, in the order they ran; undefined when the row is missing. */
  perRep(contender: string, label: string, metric: string): readonly (number | null)[] | undefined {
    return this.rows.find((r) => r.contender === contender && r.label === label)?.reps?.[metric];
  }

  stat(
    contender: string,
    label: string,
    metric: string,
    which: 'min' | 'median' | 'max',
  ): number | undefined {
    const row = this.rows.find((r) => r.contender === contender && r.label === label);
    const m = row?.metrics[metric];
    return m && Number.isFinite(m[which]) ? m[which] : undefined;
  }
}

/**
 * The order the specs run in at repetition `rep` (from 0): odd repetitions reverse it, so that
 * within a pair (repetition i of two specs) neither always runs second, and a machine that
 * drifts does not push their ratio one way.
 */
export function repetitionOrder<T>(specs: readonly T[], rep: number): readonly T[] {
  return rep % 2 === 1 ? [...specs].reverse() : specs;
}

/** Folds the outcomes of a RunSpec's repetitions into one row. */
export function aggregate(spec: RunSpec, outcomes: readonly ChildResult[]): RowResult {
  const ok = outcomes.filter((o): o is Extract<ChildResult, { status: 'ok' }> => o.status === 'ok');
  const reasons = [...new Set(outcomes.flatMap((o) => (o.status === 'ok' ? [] : [o.reason])))];
  const keys = [...new Set(ok.flatMap((o) => Object.keys(o.metrics)))];
  const metrics: Record<string, Spread> = {};
  const reps: Record<string, (number | null)[]> = {};
  for (const key of keys) {
    // A NaN a child reported arrives as null (JSON): left out, not read as 0.
    metrics[key] = spread(ok.map((o) => o.metrics[key]).filter((v): v is number => typeof v === 'number'));
    reps[key] = outcomes.map((o) => {
      const v = o.status === 'ok' ? o.metrics[key] : undefined;
      return typeof v === 'number' ? v : null;
    });
  }
  const notes = Object.assign({}, ...ok.map((o) => o.notes ?? {})) as Record<string, string | number>;
  let status: RowResult['status'] = 'ok';
  if (ok.length === 0) status = outcomes.every((o) => o.status === 'skipped') ? 'skipped' : 'error';
  else if (ok.length < outcomes.length) status = 'partial';
  return { contender: spec.contender, label: spec.label, status, reasons, metrics, reps, notes };
}

type Ref = readonly [contender: string, label: string, metric: string];

/** '≥ 0.95', '≤ 1 ms'; '' for an informational check (no threshold). */
function targetText(op: '>=' | '<=', threshold: number | undefined, unit = ''): string {
  return threshold === undefined ? '' : `${op === '>=' ? '≥' : '≤'} ${threshold} ${unit}`.trim();
}

function compare(value: number, op: '>=' | '<=', threshold: number): boolean {
  return op === '>=' ? value >= threshold : value <= threshold;
}

/** `num / den` on medians, against `op threshold` (informational when `threshold` is omitted). */
export function ratioCheck(
  results: Results,
  name: string,
  num: Ref,
  den: Ref,
  op: '>=' | '<=' = '>=',
  threshold?: number,
): Check {
  const a = results.median(...num);
  const b = results.median(...den);
  const target = targetText(op, threshold);
  if (a === undefined || b === undefined || b === 0) {
    const missing = a === undefined ? num[0] : den[0];
    return { name, value: null, target, met: null, note: `${missing} did not run` };
  }
  return ratio(name, a / b, op, threshold);
}

/** A check of ratio `value` against `op threshold` (informational when `threshold` is omitted). */
function ratio(name: string, value: number, op: '>=' | '<=', threshold: number | undefined): Check {
  const met = threshold === undefined ? null : compare(value, op, threshold);
  return { name, value, unit: '×', target: targetText(op, threshold), met };
}

/**
 * `num / den` per repetition, for repetitions that ran back to back (the harness runs repetition
 * i of every spec before repetition i + 1). On a machine whose speed drifts between runs, a pair
 * shares the speed of its moment, which a ratio of medians over runs minutes apart does not.
 * Pairs where either side failed are left out.
 */
function pairedRatios(results: Results, num: Ref, den: Ref): number[] {
  const a = results.perRep(...num);
  const b = results.perRep(...den);
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a?.length ?? 0, b?.length ?? 0); i++) {
    const x = a?.[i];
    const y = b?.[i];
    if (typeof x === 'number' && typeof y === 'number' && y > 0) ratios.push(x / y);
  }
  return ratios;
}

/**
 * A statistic of the paired ratios (see {@link pairedRatios}) against `op threshold`
 * (informational when `threshold` is omitted): their median, or their geometric mean with its
 * 95 % interval. Where run-to-run noise is close to normal in the logarithm, the mean of the logs
 * pins the ratio down with a fifth less error than their median does, and with an even number of
 * pairs the two run orders weigh the same (see {@link repetitionOrder}).
 */
export function pairedRatioCheck(
  results: Results,
  name: string,
  num: Ref,
  den: Ref,
  op: '>=' | '<=' = '>=',
  threshold?: number,
  statistic: 'median' | 'geomean' = 'median',
): Check {
  const ratios = pairedRatios(results, num, den);
  if (ratios.length === 0) return noPairs(name, op, threshold);
  if (statistic === 'median') return ratio(name, median(ratios), op, threshold);
  const g = geometricMean(ratios);
  const check = ratio(name, g.value, op, threshold);
  // One pair has no spread to bound, and a run at 0 jobs/s none that a log can measure.
  return Number.isFinite(g.low) && Number.isFinite(g.high) ? { ...check, interval: [g.low, g.high] } : check;
}

function noPairs(name: string, op: '>=' | '<=', threshold: number | undefined): Check {
  return {
    name,
    value: null,
    target: targetText(op, threshold),
    met: null,
    note: 'no pair of runs completed',
  };
}

/** One median (or the worst run, with `which`) against an absolute threshold. */
export function valueCheck(
  results: Results,
  name: string,
  ref: Ref,
  unit: string,
  op: '>=' | '<=',
  threshold: number,
  which: 'min' | 'median' | 'max' = 'median',
): Check {
  const value = results.stat(...ref, which);
  const target = targetText(op, threshold, unit);
  if (value === undefined)
    return { name, value: null, unit, target, met: null, note: `${ref[0]} did not run` };
  return { name, value, unit, target, met: compare(value, op, threshold) };
}
