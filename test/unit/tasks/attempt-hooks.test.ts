import { ManualClock } from '../../../src/clock';
import { silentLogger } from '../../../src/logging';
import { ok, err } from '../../../src/jobs/job-result';
import { startAttempt, type AttemptOutcome, type AttemptSpan } from '../../../src/tasks/run-attempt';
import {
  startSpans,
  WorkerWatches,
  type AttemptHook,
  type AttemptWatch,
} from '../../../src/tasks/attempt-watches';
import { jobFixture } from '../../helpers/job-fixture';

const deps = { log: silentLogger(), clock: new ManualClock() };

/** A hook that records what it sees; `wrap` makes its spans call the processor themselves. */
function hook(name: string, seen: string[], wrap = false): AttemptHook {
  return {
    watch: (worker, queue) => {
      seen.push(`${name}.watch ${worker} ${queue}`);
      return { ...recorder(name, seen, wrap), close: () => void seen.push(`${name}.close ${worker}`) };
    },
  };
}

/** A watch that records what it sees (see {@link hook}). */
function recorder(name: string, seen: string[], wrap = false): AttemptWatch {
  return {
    close: () => undefined,
    start: (job, attempt) => {
      seen.push(`${name}.start ${job.id} #${attempt}`);
      const span: AttemptSpan = { end: (o: AttemptOutcome) => void seen.push(`${name}.end ${o.status}`) };
      if (wrap)
        span.run = (processor, j, ctx) => {
          seen.push(`${name}.run`);
          return processor(j, ctx);
        };
      return span;
    },
  };
}

describe('attempt hooks', () => {
  it('gives no span without hooks, and the single hook its own span', () => {
    const job = jobFixture();
    expect(startSpans([], job, 1, 0)).toBeUndefined();
    const span: AttemptSpan = { end: () => {} };
    expect(startSpans([{ start: () => span, close: () => undefined }], job, 1, 0)).toBe(span);
  });

  it('calls the processor through span.run and ends the span with the outcome', async () => {
    const seen: string[] = [];
    const job = jobFixture();
    const span = startSpans([recorder('a', seen, true)], job, 1, 0);
    const attempt = startAttempt(() => Promise.resolve(err(new Error('no'))), job, deps, span);
    expect(seen).toEqual([`a.start ${job.id} #1`, 'a.run']);
    await attempt.outcome;
    expect(seen.at(-1)).toBe('a.end failed');
  });

  it('ends a synchronous attempt before startAttempt returns', () => {
    const seen: string[] = [];
    const span = startSpans([recorder('a', seen)], jobFixture(), 1, 0);
    const attempt = startAttempt(() => ok(1), jobFixture(), deps, span);
    expect(attempt.result?.status).toBe('completed');
    expect(seen.at(-1)).toBe('a.end completed');
  });

  it('reads the wall clock as a watched attempt ends, hands that to the span and keeps it; not without a span', () => {
    const ends: number[] = [];
    const span: AttemptSpan = { end: (_o, endedAtMs) => void ends.push(endedAtMs) };
    deps.clock.advance(5);
    const watched = startAttempt(() => ok(1), jobFixture(), deps, span);
    expect(ends).toEqual([deps.clock.wallNow()]);
    expect(watched.endedAtMs).toBe(deps.clock.wallNow());
    expect(startAttempt(() => ok(1), jobFixture(), deps).endedAtMs).toBeUndefined();
  });

  it('ends every hook span once, and runs the processor once through the one that wraps', () => {
    const seen: string[] = [];
    const hooks = [recorder('m', seen), recorder('t', seen, true)];
    const span = startSpans(hooks, jobFixture(), 2, 0);
    let calls = 0;
    startAttempt(() => (calls++, ok()), jobFixture(), deps, span);
    expect(calls).toBe(1);
    expect(seen.filter((s) => !s.includes('start'))).toEqual(['t.run', 'm.end completed', 't.end completed']);
  });

  it('ends the span as aborted when the attempt is aborted, and only once', () => {
    const seen: string[] = [];
    const span = startSpans([recorder('a', seen)], jobFixture(), 1, 0);
    const attempt = startAttempt(() => new Promise(() => {}), jobFixture(), deps, span);
    attempt.abort(new Error('killed'));
    attempt.abort(new Error('again'));
    expect(seen.filter((s) => s.includes('end'))).toEqual(['a.end aborted']);
  });

  it("a worker's watches open once, follow hooks added and removed, and close when it ends", () => {
    const seen: string[] = [];
    const watches = new WorkerWatches('root/q/workers/worker', 'q');
    const [m, t] = [hook('m', seen), hook('t', seen)];
    const job = jobFixture();
    expect(watches.start([], job, 1, 0)).toBeUndefined();
    let hooks: AttemptHook[] = [m];
    watches.start(hooks, job, 1, 0);
    watches.start(hooks, job, 2, 0); // same hooks: no new watch
    hooks = [m, t];
    watches.start(hooks, job, 3, 0);
    hooks = [t];
    watches.start(hooks, job, 4, 0);
    watches.close();
    expect(watches.start(hooks, job, 5, 0)).toBeUndefined(); // closed: unwatched
    expect(seen).toEqual([
      'm.watch root/q/workers/worker q',
      `m.start ${job.id} #1`,
      `m.start ${job.id} #2`,
      't.watch root/q/workers/worker q',
      `m.start ${job.id} #3`,
      `t.start ${job.id} #3`,
      'm.close root/q/workers/worker',
      `t.start ${job.id} #4`,
      't.close root/q/workers/worker',
    ]);
  });
});
