import pino from 'pino';
import { ManualClock } from '../../../src/clock';
import { QuiError } from '../../../src/errors';
import { silentLogger } from '../../../src/logging';
import { err, ok, type JobResult } from '../../../src/jobs/job-result';
import type { Job } from '../../../src/jobs/job';
import {
  startAttempt,
  type AttemptOutcome,
  type Processor,
  type ProcessorContext,
} from '../../../src/tasks/run-attempt';
import { jobFixture } from '../../helpers/job-fixture';

function job(fields: Partial<Job> = {}): Job {
  return jobFixture(fields);
}

/** A promise the test settles by hand. */
function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run (no timers involved). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Records whether an outcome has arrived yet. */
function watch(outcome: Promise<AttemptOutcome>): { readonly value: AttemptOutcome | undefined } {
  const box: { value: AttemptOutcome | undefined } = { value: undefined };
  void outcome.then((o) => (box.value = o));
  return box;
}

let clock: ManualClock;
const log = silentLogger();
beforeEach(() => {
  clock = new ManualClock();
});

describe('startAttempt outcomes', () => {
  it.each<[string, Processor]>([
    ['a sync ok', () => ok(42)],
    ['an async ok', async () => ok(42)],
  ])('completes with the value for %s and leaves no timer', async (_name, processor) => {
    const attempt = startAttempt(processor, job(), { log, clock });
    await expect(attempt.outcome).resolves.toEqual({ status: 'completed', value: 42 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('completes with an undefined value for ok()', async () => {
    await expect(startAttempt(() => ok(), job(), { log, clock }).outcome).resolves.toEqual({
      status: 'completed',
      value: undefined,
    });
  });

  const boom = new Error('boom');
  it.each<[string, Processor, Error | string]>([
    ['an error result', () => err(boom), boom],
    ['an async error result', async () => err(boom), boom],
    [
      'a sync throw',
      () => {
        throw boom;
      },
      boom,
    ],
    ['a rejection', () => Promise.reject(boom), boom],
    [
      'a thrown string',
      () => {
        throw 'text'; // eslint-disable-line @typescript-eslint/only-throw-error
      },
      'text',
    ],
    [
      'a thenable whose then throws',
      () =>
        ({
          then: () => {
            throw boom;
          },
        }) as unknown as Promise<JobResult>,
      boom,
    ],
  ])('fails with the error for %s', async (_name, processor, expected) => {
    const outcome = await startAttempt(processor, job(), { log, clock }).outcome;
    expect(outcome.status).toBe('failed');
    const error = (outcome as { error: Error }).error;
    if (typeof expected === 'string') {
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe(expected);
    } else expect(error).toBe(expected);
    expect(clock.pendingTimers).toBe(0);
  });

  class Foo {}
  it.each<[string, unknown, string]>([
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a string', 'done', 'a string'],
    ['a number', 7, 'a number'],
    ['an array', [ok()], 'an array'],
    ['an empty object', {}, 'an empty object'],
    ['{ ok: 1 }', { ok: 1 }, 'an object with keys ok'],
    ['{ ok: true, data }', { ok: true, data: 1 }, 'an object with keys ok, data'],
    [
      '{ ok: false, error: string }',
      { ok: false, error: 'no' },
      '{ ok: false, error: a string } (error must be an Error instance)',
    ],
    ['a class instance', new Foo(), 'a Foo'],
  ])('reports %s as a bad result naming the job and the value', async (_name, value, description) => {
    for (const processor of [() => value, async () => value] as Processor[]) {
      const outcome = await startAttempt(processor, job(), { log, clock }).outcome;
      expect(outcome).toEqual({ status: 'bad-result', value, error: expect.any(QuiError) });
      const error = (outcome as { error: QuiError }).error;
      expect(error.code).toBe('ERR_BAD_RESULT');
      expect(error.message).toBe(
        `job job-1: the processor returned ${description}; it must return ok(value) or err(error)`,
      );
    }
  });
});

describe('startAttempt timeout', () => {
  it('times out after job.timeoutMs, aborting the signal with the timeout error', async () => {
    let ctx!: ProcessorContext;
    const attempt = startAttempt(
      (_j, c) => ((ctx = c), new Promise<JobResult>(() => {})),
      job({ timeoutMs: 500 }),
      { log, clock },
    );
    const seen = watch(attempt.outcome);
    clock.advance(499);
    await flush();
    expect(seen.value).toBeUndefined();
    expect(ctx.signal.aborted).toBe(false);
    clock.advance(1);
    const outcome = await attempt.outcome;
    expect(outcome.status).toBe('timed-out');
    const error = (outcome as { error: QuiError }).error;
    expect(error.code).toBe('ERR_TASK_TIMEOUT');
    expect(error.message).toBe('job job-1: attempt 1 timed out after 500 ms');
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(error);
  });

  it('ignores a settle that comes after the timeout, and logs it at debug', async () => {
    const lines: { msg: string; status?: string }[] = [];
    const recorder = pino(
      { level: 'debug' },
      { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    );
    const late = deferred<JobResult>();
    const attempt = startAttempt(() => late.promise, job({ timeoutMs: 10 }), { log: recorder, clock });
    clock.advance(10);
    late.resolve(ok('too late'));
    await flush();
    expect((await attempt.outcome).status).toBe('timed-out');
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'late attempt settle ignored', status: 'completed' }),
    ]);
  });

  it('ignores a late rejection without an unhandled rejection', async () => {
    const late = deferred<JobResult>();
    const attempt = startAttempt(() => late.promise, job({ timeoutMs: 10 }), { log, clock });
    clock.advance(10);
    late.reject(new Error('late'));
    await flush();
    expect((await attempt.outcome).status).toBe('timed-out');
  });

  it('clears the timer when the processor settles first, so it never fires', async () => {
    const d = deferred<JobResult>();
    const attempt = startAttempt(() => d.promise, job({ timeoutMs: 10 }), { log, clock });
    expect(clock.pendingTimers).toBe(1);
    d.resolve(ok(1));
    await expect(attempt.outcome).resolves.toEqual({ status: 'completed', value: 1 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('arms no timer for an Infinity timeout', async () => {
    const d = deferred<JobResult>();
    const attempt = startAttempt(() => d.promise, job({ timeoutMs: Infinity }), { log, clock });
    expect(clock.pendingTimers).toBe(0);
    d.resolve(ok());
    expect((await attempt.outcome).status).toBe('completed');
  });
});

describe('startAttempt abort', () => {
  it('aborts: the outcome is the reason, the signal aborts with it, the timer is cleared', async () => {
    let ctx!: ProcessorContext;
    const d = deferred<JobResult>();
    const attempt = startAttempt((_j, c) => ((ctx = c), d.promise), job(), { log, clock });
    const reason = new QuiError('ERR_STOPPED', 'shutting down');
    attempt.abort(reason);
    d.resolve(ok());
    expect(await attempt.outcome).toEqual({ status: 'aborted', error: reason });
    expect(ctx.signal.reason).toBe(reason);
    expect(clock.pendingTimers).toBe(0);
  });

  it('is a no-op once the attempt has ended', async () => {
    let ctx!: ProcessorContext;
    const attempt = startAttempt((_j, c) => ((ctx = c), ok('done')), job(), { log, clock });
    attempt.abort(new Error('too late'));
    expect(await attempt.outcome).toEqual({ status: 'completed', value: 'done' });
    expect(ctx.signal.aborted).toBe(false);
  });

  it('keeps the first of two aborts', async () => {
    const attempt = startAttempt(() => new Promise<JobResult>(() => {}), job(), { log, clock });
    const first = new Error('first');
    attempt.abort(first);
    attempt.abort(new Error('second'));
    clock.advance(5_000);
    expect(await attempt.outcome).toEqual({ status: 'aborted', error: first });
  });
});

describe('startAttempt context', () => {
  it('gives each attempt its own signal and context, with a 1-based attempt number', async () => {
    const contexts: ProcessorContext[] = [];
    const processor: Processor = (_j, c) => (contexts.push(c), new Promise<JobResult>(() => {}));
    const first = job({ attempts: 0 });
    const retry = job({ attempts: 1 });
    const a = startAttempt(processor, first, { log, clock });
    startAttempt(processor, retry, { log, clock });
    a.abort(new Error('stop'));
    await a.outcome;
    const [c1, c2] = contexts as [ProcessorContext, ProcessorContext];
    expect(c1.signal).not.toBe(c2.signal);
    expect([c1.signal.aborted, c2.signal.aborted]).toEqual([true, false]);
    expect([c1.attempt, c2.attempt]).toEqual([1, 2]);
    expect([c1.job, c2.job]).toEqual([first, retry]);
    expect(c1.log).toBe(log);
  });

  it('makes the signal on first read: a read after the timeout sees it aborted with the timeout error', async () => {
    let ctx!: ProcessorContext;
    const attempt = startAttempt(
      (_j, c) => ((ctx = c), new Promise<JobResult>(() => {})),
      job({ timeoutMs: 10 }),
      { log, clock },
    );
    clock.advance(10);
    const outcome = await attempt.outcome;
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe((outcome as { error: Error }).error);
    expect(ctx.signal).toBe(ctx.signal);
  });

  it('aborts a signal already read by the processor when the attempt is aborted', async () => {
    const reasons: unknown[] = [];
    const attempt = startAttempt(
      (_j, { signal }) => {
        signal.addEventListener('abort', () => reasons.push(signal.reason));
        return new Promise<JobResult>(() => {});
      },
      job(),
      { log, clock },
    );
    const reason = new Error('cancelled');
    attempt.abort(reason);
    await attempt.outcome;
    expect(reasons).toEqual([reason]);
  });

  it('reports progress through a destructured progress, as through ctx.progress', async () => {
    const reported: unknown[] = [];
    const onProgress = (_j: Job, value: unknown): void => void reported.push(value);
    const processor: Processor = (_j, ctx) => {
      const { progress } = ctx;
      progress(1);
      ctx.progress(2);
      return ok();
    };
    await startAttempt(processor, job(), { log, clock, onProgress }).outcome;
    expect(reported).toEqual([1, 2]);
  });

  it('calls the processor synchronously with the job', () => {
    const processor = jest.fn(() => ok());
    const j = job();
    startAttempt(processor, j, { log, clock });
    expect(processor).toHaveBeenCalledWith(j, expect.objectContaining({ job: j, attempt: 1 }));
  });
});
