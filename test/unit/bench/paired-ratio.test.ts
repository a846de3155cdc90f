import {
  aggregate,
  pairedRatioCheck,
  repetitionOrder,
  Results,
  type RunSpec,
} from '../../../bench/lib/scenario';
import type { ChildResult } from '../../../bench/lib/child';
import { geometricMean } from '../../../bench/lib/stats';
import { renderScenario } from '../../../bench/lib/table';
import { metricsOverhead } from '../../../bench/scenarios/metrics';

const spec = (contender: string): RunSpec => ({ contender, label: 'l', file: 'x.ts', params: {}, reps: 4 });
const ok = (jobsPerSec: number): ChildResult => ({ status: 'ok', metrics: { jobsPerSec } });
const failed: ChildResult = { status: 'error', reason: 'crashed' };

const results = (off: ChildResult[], on: ChildResult[]) =>
  new Results([aggregate(spec('off'), off), aggregate(spec('on'), on)]);

/** The paired on / off check (target >= 0.95) of two contenders' repetitions. */
const onOverOff = (off: ChildResult[], on: ChildResult[]) =>
  pairedRatioCheck(results(off, on), 'r', ['on', 'l', 'jobsPerSec'], ['off', 'l', 'jobsPerSec'], '>=', 0.95);

/** The same pairs judged on their geometric mean. */
const geomean = (off: ChildResult[], on: ChildResult[]) =>
  pairedRatioCheck(
    results(off, on),
    'g',
    ['on', 'l', 'jobsPerSec'],
    ['off', 'l', 'jobsPerSec'],
    '>=',
    0.95,
    'geomean',
  );

describe('pairedRatioCheck', () => {
  it('takes the median of the ratios of runs made back to back, not the ratio of the medians', () => {
    // The machine slows down run by run: each pair shares its moment's speed.
    const check = onOverOff([ok(100), ok(80), ok(60), ok(40)], [ok(96), ok(76), ok(57), ok(39)]);
    expect(check.value).toBeCloseTo((0.95 + 0.96) / 2, 10); // ratios 0.96, 0.95, 0.95, 0.975
    expect(check.met).toBe(true);
  });

  it('leaves out a pair where either run failed, and reports a miss', () => {
    const check = onOverOff([ok(100), failed, ok(100)], [ok(90), ok(1), failed]);
    expect(check.value).toBeCloseTo(0.9, 10);
    expect(check.met).toBe(false);
  });

  it('is not measured when no pair completed', () => {
    const check = onOverOff([failed], [ok(90)]);
    expect(check).toMatchObject({ value: null, met: null });
  });
});

describe('geometricMean', () => {
  it('is the exponential of the mean log, with a t interval on the logs', () => {
    // logs ln 0.9, ln 1, ln 1.1 (about -0.105, 0, 0.095): mean -0.0033, sd 0.1003, t(2 df) = 4.303.
    const g = geometricMean([0.9, 1, 1.1]);
    expect(g.value).toBeCloseTo(Math.cbrt(0.9 * 1 * 1.1), 12);
    const logs = [0.9, 1, 1.1].map(Math.log);
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - Math.log(g.value)) ** 2, 0) / 2);
    expect(g.low).toBeCloseTo(g.value * Math.exp((-4.3027 * sd) / Math.sqrt(3)), 5);
    expect(g.high).toBeCloseTo(g.value * Math.exp((4.3027 * sd) / Math.sqrt(3)), 5);
    expect(g.n).toBe(3);
  });

  it('narrows with more pairs of the same spread, with t for n - 1 degrees of freedom past 30', () => {
    const spreadOf = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.9 : 1.1));
    const few = geometricMean(spreadOf(4));
    const many = geometricMean(spreadOf(40));
    expect(many.high - many.low).toBeLessThan(few.high - few.low);
    const logs = spreadOf(40).map(Math.log);
    const mean = logs.reduce((a, b) => a + b, 0) / 40;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / 39);
    // t(39 df) = 2.0227 (tables): the normal's 1.96 would make the interval 3 % too narrow.
    expect(many.high).toBeCloseTo(Math.exp(mean + (2.0227 * sd) / Math.sqrt(40)), 5);
  });

  it('has no interval for one value and no value for none', () => {
    expect(geometricMean([0.97]).value).toBeCloseTo(0.97, 12);
    expect(geometricMean([0.97]).n).toBe(1);
    expect(geometricMean([0.97]).low).toBeNaN();
    expect(geometricMean([]).value).toBeNaN();
  });
});

describe("pairedRatioCheck's geometric mean", () => {
  it('takes the geometric mean of the paired ratios, with its interval, where their median differs', () => {
    // Ratios 0.9, 0.9, 1.0, 1.2: median 0.95 (met), geometric mean about 0.993.
    const check = geomean([ok(100), ok(100), ok(100), ok(100)], [ok(90), ok(90), ok(100), ok(120)]);
    expect(check.value).toBeCloseTo((0.9 * 0.9 * 1 * 1.2) ** 0.25, 12);
    expect(check.met).toBe(true);
    const [low, high] = check.interval ?? [Number.NaN, Number.NaN];
    expect(low).toBeLessThan(check.value as number);
    expect(high).toBeGreaterThan(check.value as number);
  });

  it('reports a miss when the mean of the logs falls below the target, even if the median does not', () => {
    // Ratios 0.96, 0.96, 0.7: median 0.96, geometric mean about 0.86.
    const check = geomean([ok(100), ok(100), ok(100)], [ok(96), ok(96), ok(70)]);
    expect(check.value).toBeCloseTo((0.96 * 0.96 * 0.7) ** (1 / 3), 12);
    expect(check.met).toBe(false);
    expect(onOverOff([ok(100), ok(100), ok(100)], [ok(96), ok(96), ok(70)]).met).toBe(true);
  });

  it('leaves out a pair where either run failed, is informational without a target, and not measured with no pair', () => {
    const check = geomean([ok(100), failed, ok(100)], [ok(90), ok(1), failed]);
    expect(check).toMatchObject({ met: false, value: 0.9 });
    expect(check.interval).toBeUndefined(); // one pair: no spread to bound
    const info = pairedRatioCheck(
      results([ok(100)], [ok(99)]),
      'i',
      ['on', 'l', 'jobsPerSec'],
      ['off', 'l', 'jobsPerSec'],
      '>=',
      undefined,
      'geomean',
    );
    expect(info).toMatchObject({ met: null, target: '' });
    expect(geomean([failed], [ok(90)])).toMatchObject({ value: null, met: null });
  });

  it('reads a run at 0 jobs/s with metrics on as a miss, with no interval', () => {
    const check = geomean([ok(100), ok(100), ok(100)], [ok(99), ok(0), ok(101)]);
    expect(check).toMatchObject({ value: 0, met: false });
    expect(check.interval).toBeUndefined();
  });

  it('shows its interval in the targets table', () => {
    const check = geomean([ok(100), ok(100)], [ok(90), ok(110)]);
    const [low, high] = check.interval ?? [0, 0];
    const text = renderScenario({
      name: 's',
      title: 't',
      workload: 'w',
      quick: false,
      ranAt: '2026-12-02T00:00:00.000Z',
      durationMs: 1000,
      machine: { cpu: 'c', nproc: 2, node: 'v20', platform: 'linux', memoryGiB: 24 },
      metrics: [{ key: 'jobsPerSec', unit: 'jobs/s' }],
      rows: [],
      checks: [check],
    });
    expect(text).toContain(`| g | 0.99× (95 %: ${low.toFixed(2)}–${high.toFixed(2)}) | ≥ 0.95 | ✅ met |`);
  });
});

describe('repetitions', () => {
  it('run the specs in reverse order on odd repetitions', () => {
    expect([0, 1, 2, 3].map((rep) => repetitionOrder(['off', 'on'], rep).join(','))).toEqual([
      'off,on',
      'on,off',
      'off,on',
      'on,off',
    ]);
  });

  it('leave a metric a child reported as NaN (null once through JSON) out of the spread, keeping its slot', () => {
    const nan = { status: 'ok', metrics: { jobsPerSec: null } } as unknown as ChildResult;
    const row = aggregate(spec('x'), [ok(10), nan, ok(30)]);
    expect(row.metrics.jobsPerSec).toEqual({ min: 10, median: 20, max: 30, n: 2 });
    expect(row.reps?.jobsPerSec).toEqual([10, null, 30]);
  });
});

describe('the metrics scenario', () => {
  it('judges on / off by the geometric mean at 0.95, over an even number of pairs', () => {
    const runs = metricsOverhead.runs(false);
    const on = runs.find((r) => (r.params as { metrics?: boolean }).metrics === true);
    const off = runs.find((r) => (r.params as { metrics?: boolean }).metrics === undefined);
    expect(on?.reps).toBe(off?.reps);
    expect((on?.reps ?? 1) % 2).toBe(0);
    const rep = (contender: string, values: number[]) =>
      aggregate(
        { contender, label: on?.label ?? '', file: 'x.ts', params: {}, reps: values.length },
        values.map(ok),
      );
    // Metrics on 10 % slower in one pair, 2 % faster in the other: geometric mean 0.9581.
    const checks = metricsOverhead.checks(
      new Results([rep(off?.contender ?? '', [100, 100]), rep(on?.contender ?? '', [90, 102])]),
      false,
    );
    const judged = checks.filter((c) => c.target !== '');
    expect(judged).toHaveLength(1);
    expect(judged[0]).toMatchObject({ target: '≥ 0.95', met: true });
    expect(judged[0]?.value).toBeCloseTo(Math.sqrt(0.9 * 1.02), 12);
    expect(judged[0]?.interval).toBeDefined();
  });
});
