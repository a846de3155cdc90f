import { ManualClock } from '../../../src/clock';
import { QuiError } from '../../../src/errors';
import { CappedCounts, Histogram, SeriesBook, taskLabel } from '../../../src/metrics/metric-series';
import { jobFixture } from '../../helpers/job-fixture';

describe('metric series', () => {
  it('counts a value in the first bucket whose bound is >= it, else in +Inf', () => {
    const h = new Histogram([0.1, 1, 10]);
    for (const v of [0, 0.1, 0.5, 1, 11]) h.observe(v);
    expect([...h.counts]).toEqual([2, 2, 0, 1]);
    expect(h.count).toBe(5);
    expect(h.sum).toBeCloseTo(12.6);
  });

  it.each([
    [{ task: 'send', params: {} }, 'send'],
    [{ task: '', params: {} }, 'unknown'],
    [{ task: 7 }, 'unknown'],
    ['a string', 'unknown'],
    [null, 'unknown'],
  ])('labels task %j as %s', (task, label) => {
    expect(taskLabel(jobFixture({ task }))).toBe(label);
  });

  it("caps distinct task names across queues, then counts new ones as 'other'", () => {
    const book = new SeriesBook(2, [1], [1]);
    const names = ['a', 'b', 'c', 'a', 'd'].map(
      (task, i) => book.task(jobFixture({ queue: i % 2 ? 'q1' : 'q2', task: { task, params: 0 } })).task,
    );
    expect(names).toEqual(['a', 'b', 'other', 'a', 'other']);
  });

  it('caps counted keys, adding the rest to one overflow entry', () => {
    const counts = new CappedCounts(1, { supervisor: 'other' });
    counts.add('a', () => ({ supervisor: 'a' }));
    counts.add('b', () => ({ supervisor: 'b' }));
    counts.add('c', () => ({ supervisor: 'c' }));
    expect([...counts.counts.values()]).toEqual([
      { labels: { supervisor: 'a' }, value: 1 },
      { labels: { supervisor: 'other' }, value: 2 },
    ]);
  });

  it('a worker probe times its attempt and counts it by outcome; a lost attempt is not counted', () => {
    const clock = new ManualClock();
    const book = new SeriesBook(10, [1], [0.01, 1]);
    const probe = book.probe('q');
    const job = jobFixture({ queue: 'q', task: { task: 't', params: 0 } });
    probe.start(job, 1, clock.wallNow());
    expect(probe.startedAt).toBeGreaterThanOrEqual(0);
    clock.advance(20);
    probe.end({ status: 'completed', value: 1 }, clock.wallNow());
    expect(probe.startedAt).toBe(-1);
    probe
      .start(job, 1, clock.wallNow())
      .end({ status: 'timed-out', error: new QuiError('ERR_TASK_TIMEOUT', 't') }, clock.wallNow());
    probe
      .start(job, 1, clock.wallNow())
      .end({ status: 'aborted', error: new Error('killed') }, clock.wallNow());
    probe.end({ status: 'completed', value: 1 }, clock.wallNow()); // not running: ignored
    const task = book.task(job);
    expect([task.completed, task.failed]).toEqual([1, 1]);
    expect([...task.succeeded.counts]).toEqual([0, 1, 0]);
    expect([...task.failedRuns.counts]).toEqual([1, 0, 0]);
  });

  it('a worker probe reads the wall clock; one stepped back while an attempt ran counts 0, never negative', () => {
    const clock = new ManualClock();
    const book = new SeriesBook(10, [1], [0.01, 1]);
    const probe = book.probe('q');
    const job = jobFixture({ queue: 'q', task: { task: 't', params: 0 } });
    probe.start(job, 1, clock.wallNow());
    probe.end({ status: 'completed', value: 1 }, clock.wallNow() - 5_000); // the clock went back 5 s (an NTP step)
    expect(book.task(job).succeeded.sum).toBe(0);
    expect([...book.task(job).succeeded.counts]).toEqual([1, 0, 0]);
  });

  it('a closed probe is forgotten by the book and no longer counts as active', () => {
    const clock = new ManualClock();
    const book = new SeriesBook(10, [1], [1]);
    const a = book.probe('q');
    const b = book.probe('q');
    a.start(jobFixture({ queue: 'q' }), 1, clock.wallNow());
    b.start(jobFixture({ queue: 'q' }), 1, clock.wallNow());
    expect(book.active('q')).toBe(2);
    a.close();
    expect(book.active('q')).toBe(1);
    expect([...book.probes]).toEqual([b]);
  });
});
