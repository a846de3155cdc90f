import {
  aggregate,
  pairedRatioCheck,
  repetitionOrder,
  Results,
  type RunSpec,
} from '../../../bench/lib/scenario';
import type { ChildResult } from '../../../bench/lib/child';

const spec = (contender: string): RunSpec => ({ contender, label: 'l', file: 'x.ts', params: {}, reps: 4 });
const ok = (jobsPerSec: number): ChildResult => ({ status: 'ok', metrics: { jobsPerSec } });
const failed: ChildResult = { status: 'error', reason: 'crashed' };

/** The paired on / off check (target >= 0.95) of two contenders' repetitions. */
const onOverOff = (off: ChildResult[], on: ChildResult[]) =>
  pairedRatioCheck(
    new Results([aggregate(spec('off'), off), aggregate(spec('on'), on)]),
    'r',
    ['on', 'l', 'jobsPerSec'],
    ['off', 'l', 'jobsPerSec'],
    '>=',
    0.95,
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
