import { ManualClock } from '../../../src/clock';
import { QuiError } from '../../../src/errors';
import {
  CappedCounts,
  DEFAULT_DURATION_BUCKETS,
  DEFAULT_WAIT_BUCKETS,
  Histogram,
  SeriesBook,
  taskLabel,
} from '../../../src/metrics/metric-series';
import { jobFixture } from '../../helpers/job-fixture';

describe('metric series', () => {
  it('counts a value in the first bucket whose bound is >= it, else in +Inf', () => {
    const h = new Histogram([0.1, 1, 10]);
    for (const ms of [0, 100, 500, 1000, 11000]) h.observeMs(ms);
    expect([...h.counts]).toEqual([2, 2, 0, 1]);
    expect(h.count).toBe(5);
    expect(h.sum).toBeCloseTo(12.6);
  });

  it('counts every millisecond value in the bucket the bounds define, wherever its bit length starts the search', () => {
    // Dense bounds (several within one power of two of ms), exact bounds, fractions, 2^32 ms and more.
    const bounds = [
      0.0001, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.1, 0.5, 1, 2.5, 5, 4_294_967.296, 5_000_000,
    ];
    const values = [
      0, 0.05, 0.1, 0.2, 1, 1.5, 1.6, 2, 2.5, 3, 3.999, 4, 4.001, 7, 8, 100, 101, 999, 1000, 1001, 2500,
    ];
    values.push(
      4_294_967_295,
      4_294_967_295.5,
      4_294_967_296,
      4_294_967_297,
      5_000_000_000,
      5_000_000_001,
      1e13,
      NaN,
    );
    const h = new Histogram(bounds);
    const expected = new Array<number>(bounds.length + 1).fill(0);
    for (const ms of values) {
      h.observeMs(ms);
      const i = bounds.findIndex((bound) => ms / 1000 <= bound);
      const slot = Number.isNaN(ms) ? 0 : i < 0 ? bounds.length : i;
      expected[slot] = (expected[slot] as number) + 1;
    }
    expect([...h.counts]).toEqual(expected);
    expect(h.count).toBe(values.length);
  });

  it.each([
    ['the default wait buckets', DEFAULT_WAIT_BUCKETS],
    ['the default duration buckets', DEFAULT_DURATION_BUCKETS],
    ['bounds between whole milliseconds', [0.0005, 0.0015, 0.002, 0.0025, 4.095, 4.0955, 4.096, 4.1]],
  ])('counts each whole millisecond from 0 to past 5 s in the bucket %s define', (_name, bounds) => {
    const h = new Histogram(bounds);
    const expected = new Array<number>(bounds.length + 1).fill(0);
    for (let ms = 0; ms <= 5_000; ms++) {
      h.observeMs(ms);
      const i = bounds.findIndex((bound) => ms / 1000 <= bound);
      const slot = i < 0 ? bounds.length : i;
      expected[slot] = (expected[slot] as number) + 1;
    }
    expect([...h.counts]).toEqual(expected);
    expect(h.sum).toBe((5_000 * 5_001) / 2 / 1000); // whole ms add up exactly
  });

  it('counts by the bounds it was given when an unfrozen bounds array changed after an earlier histogram', () => {
    const bounds = [0.001, 0.01];
    new Histogram(bounds).observeMs(3);
    bounds[0] = 0.005;
    const h = new Histogram(bounds);
    h.observeMs(3);
    expect([...h.counts]).toEqual([1, 0, 0]);
  });

  it('buckets recorded values on read as observed ones are, past a full buffer of them too', () => {
    const recorded = new Histogram(DEFAULT_WAIT_BUCKETS);
    const observed = new Histogram(DEFAULT_WAIT_BUCKETS);
    for (let i = 0; i < 300; i++) {
      const ms = (i * 37) % 5_000;
      recorded.record(ms);
      observed.observeMs(ms);
    }
    expect(recorded.count).toBe(300);
    expect([...recorded.counts]).toEqual([...observed.counts]);
    expect(recorded.sum).toBe(observed.sum);
    recorded.record(7);
    expect(recorded.sum).toBeCloseTo(observed.sum + 0.007, 9);
    expect(recorded.count).toBe(301);
  });

  it('counts negative and fractional milliseconds as the bounds define them', () => {
    const h = new Histogram([0.001, 0.002]);
    for (const ms of [-5, -0.5, 0.5, 1, 1.5, 2, 2.5]) h.observeMs(ms);
    expect([...h.counts]).toEqual([4, 2, 1]);
  });

  it('counts a batch of enqueued jobs per task, across runs of the same task', () => {
    const book = new SeriesBook(3, [1], [1]);
    const job = (task: string | undefined) =>
      jobFixture({ queue: 'q', task: task === undefined ? { n: 1 } : { task, params: 0 } });
    book.enqueued([job('a'), job('a'), job('b'), job(undefined), job('a'), job('c'), job('d')]);
    book.enqueued([]);
    const counts = Object.fromEntries([...book.queue('q').tasks].map(([label, t]) => [label, t.enqueued]));
    expect(counts).toEqual({ a: 3, b: 1, unknown: 1, other: 2 }); // maxTasks 3 (unknown is one): c and d are 'other'
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
  describe("a queue's one task label", () => {
    /** A job of task `label` whose task counts the reads of its name. */
    const counted = (label: string) => {
      const reads = { n: 0 };
      const task = {
        get task() {
          reads.n++;
          return label;
        },
        params: 0,
      };
      return { job: jobFixture({ queue: 'q', task }), reads };
    };
    const ofTask = (label: string) => jobFixture({ queue: 'q', task: { task: label, params: 0 } });
    const run = (book: SeriesBook, job: ReturnType<typeof jobFixture>) =>
      book.probe('q').start(job, 1, 0).end({ status: 'completed', value: 1 }, 0);

    it("spares an attempt the read of its job's task when every job of a queue watched whole carries it", () => {
      const book = new SeriesBook(10, [1], [1]);
      book.begun('q', true);
      book.enqueued([ofTask('a'), ofTask('a')]);
      const { job, reads } = counted('a');
      run(book, job);
      expect(reads.n).toBe(0);
      expect(book.queue('q').tasks.get('a')?.completed).toBe(1);
    });

    it.each([
      [
        'a second label was enqueued',
        (b: SeriesBook) => (b.begun('q', true), b.enqueued([ofTask('a'), ofTask('b')])),
      ],
      [
        'the store was not watched whole',
        (b: SeriesBook) => (b.begun('q', false), b.enqueued([ofTask('a')])),
      ],
      [
        'a later store of the queue was not',
        (b: SeriesBook) => (b.begun('q', true), b.begun('q', false), b.enqueued([ofTask('a')])),
      ],
      [
        'an earlier store of the queue was not',
        (b: SeriesBook) => (b.begun('q', false), b.begun('q', true), b.enqueued([ofTask('a')])),
      ],
      ['no watch of enqueues began on it', (b: SeriesBook) => b.enqueued([ofTask('a')])],
    ])("reads each job's task when %s", (_case, setUp) => {
      const book = new SeriesBook(10, [1], [1]);
      setUp(book);
      const { job, reads } = counted('c');
      run(book, job);
      expect(reads.n).toBe(1);
      expect(book.queue('q').tasks.get('c')?.completed).toBe(1);
    });
  });
});
