import type { Clock, TimerHandle } from '../clock';
import { QuiError, toError } from '../errors';
import type { Logger } from '../logging';
import { isJobResult, type JobResult } from '../jobs/job-result';
import type { Job } from '../jobs/job';

/** What a processor gets besides the job, fresh for every attempt. */
export interface ProcessorContext {
  /** Aborted when the attempt times out or is aborted (shutdown, cancel); its `reason` says why. */
  readonly signal: AbortSignal;
  /** The per-job child logger (`jobId`, task bound). */
  readonly log: Logger;
  /** 1 for the first attempt, 2 for the first retry… */
  readonly attempt: number;
  readonly job: Job;
  /**
   * Reports progress: kept on the job's record (`record.progress`, when the queue keeps records)
   * and sent as a `job.progress` event. Any JSON value; the latest wins.
   * @throws {QuiError} `ERR_RESULT_TOO_LARGE` (more than MAX_RESULT_CHARS of JSON) or `ERR_RESULT_NOT_JSON`.
   */
  progress(value: unknown): void;
}

/**
 * Does the work of one job attempt. It must return (or resolve to) a {@link JobResult}: `ok(value)`
 * completes the job; `err(error)`, a throw or a rejection fails the attempt. Anything else is a
 * non-conforming result (outcome `'bad-result'`), which crashes the worker (let it crash).
 */
export type Processor<TTask = unknown> = (
  job: Job<TTask>,
  ctx: ProcessorContext,
) => JobResult | Promise<JobResult>;

/** How one attempt ended: a union on `status`. Exactly one is produced per attempt. */
export type AttemptOutcome =
  | { readonly status: 'completed'; readonly value: unknown }
  /** An error result, a throw (synchronous or not) or a rejection. */
  | { readonly status: 'failed'; readonly error: Error }
  /** `job.timeoutMs` passed first; `error.code` is `'ERR_TASK_TIMEOUT'`. */
  | { readonly status: 'timed-out'; readonly error: QuiError }
  /** `abort(reason)` was called first; `error` is that reason. */
  | { readonly status: 'aborted'; readonly error: Error }
  /**
   * The processor returned something that is not a JobResult (`error.code` is `'ERR_BAD_RESULT'`),
   * or an isolated worker's thread or process died during the attempt (`'ERR_WORKER_CRASHED'`).
   */
  | { readonly status: 'bad-result'; readonly value: unknown; readonly error: QuiError };

/** An attempt in flight. */
export interface RunningAttempt {
  /** Resolves once, with the first of: the processor settling, the timeout, `abort()`. Never rejects. */
  readonly outcome: Promise<AttemptOutcome>;
  /**
   * The outcome once known, synchronously: set before `startAttempt` returns when the processor
   * answered without a promise, so the caller may skip waiting a tick for `outcome`.
   */
  readonly result: AttemptOutcome | undefined;
  /**
   * Wall-clock ms (`deps.clock.wallNow()`) the attempt ended, once it has: read only when a span
   * watches the attempt, and handed to the span's `end`; the job's record may reuse it as its end
   * time, sparing a second read of the clock. Undefined without a span.
   */
  readonly endedAtMs: number | undefined;
  /** Ends the attempt now as `'aborted'` and aborts its signal with `reason`; no-op once ended. */
  abort(reason: Error): void;
}

/** One attempt as a hook sees it. */
export interface AttemptSpan {
  /** Calls the processor, e.g. inside a trace context so its own spans are children; absent: called as is. */
  run?<TTask>(processor: Processor<TTask>, job: Job<TTask>, ctx: ProcessorContext): unknown;
  /** The outcome, once known; `endedAtMs` is the wall-clock ms it became known (one read for every span). */
  end(outcome: AttemptOutcome, endedAtMs: number): void;
}

/** What the attempt runner needs from its caller. */
export interface AttemptDeps {
  /** The per-job logger, handed to the processor as `ctx.log`. */
  readonly log: Logger;
  /** Arms the timeout; inject a ManualClock in tests. */
  readonly clock: Clock;
  /** Where `ctx.progress(value)` goes (the queue's ledger); without it, progress is ignored. */
  readonly onProgress?: (job: Job, value: unknown) => void;
}

/**
 * Runs attempt `job.attempts + 1` of `job`: calls `processor` at once (a synchronous throw counts
 * as a failure) with a fresh AbortController, and, if the processor returns a promise and
 * `job.timeoutMs` is finite, arms the timeout on `deps.clock` from that moment. Whatever comes first
 * (settle, timeout, `abort()`) decides the outcome; a later settle is ignored (logged at debug) and
 * the timer is cleared as soon as the outcome is known. On a timeout the signal aborts with the
 * `ERR_TASK_TIMEOUT` error: a promise cannot be killed, so the processor should honour `ctx.signal`.
 * With a `span` (metrics or tracing on), the processor is called through `span.run` when it has
 * one, and `span.end` gets the outcome as soon as it is known.
 * @example
 * const attempt = startAttempt(processor, job, { log, clock: systemClock });
 * const outcome = await attempt.outcome; // e.g. { status: 'completed', value: 42 }
 */
export function startAttempt<TTask>(
  processor: Processor<TTask>,
  job: Job<TTask>,
  deps: AttemptDeps,
  span?: AttemptSpan,
): RunningAttempt {
  return new Attempt(processor, job, deps, span);
}

class Attempt<TTask> implements RunningAttempt {
  private promise: Promise<AttemptOutcome> | undefined;
  private resolve: ((outcome: AttemptOutcome) => void) | undefined;
  private done = false;
  result: AttemptOutcome | undefined;
  endedAtMs: number | undefined;
  private timer: TimerHandle | undefined;
  private readonly ctx: AttemptContext;

  constructor(
    processor: Processor<TTask>,
    private readonly job: Job<TTask>,
    private readonly deps: AttemptDeps,
    private readonly span: AttemptSpan | undefined,
  ) {
    this.ctx = new AttemptContext(deps, job.attempts + 1, job);
    let returned: unknown;
    try {
      returned = span?.run ? span.run(processor, job, this.ctx) : processor(job, this.ctx);
    } catch (thrown) {
      this.settle({ status: 'failed', error: toError(thrown) });
      return;
    }
    if (!isThenable(returned)) {
      this.settle(toOutcome(returned, job));
      return;
    }
    if (job.timeoutMs !== Infinity) this.timer = deps.clock.setTimeout(() => this.timeOut(), job.timeoutMs);
    // Promise.resolve adopts foreign thenables safely (a throwing `then` becomes a rejection);
    // for a native promise it returns that same promise.
    void Promise.resolve(returned).then(
      (value) => this.settle(toOutcome(value, job)),
      (thrown) => this.settle({ status: 'failed', error: toError(thrown) }),
    );
  }

  /** Made on first read: an attempt settled synchronously (the common fast case) never needs one. */
  get outcome(): Promise<AttemptOutcome> {
    if (this.promise === undefined) {
      const known = this.result;
      this.promise = known
        ? Promise.resolve(known)
        : new Promise<AttemptOutcome>((resolve) => {
            this.resolve = resolve;
          });
    }
    return this.promise;
  }

  abort(reason: Error): void {
    if (this.settle({ status: 'aborted', error: reason })) this.ctx.abort(reason);
  }

  private timeOut(): void {
    this.timer = undefined;
    const error = new QuiError(
      'ERR_TASK_TIMEOUT',
      `job ${this.job.id}: attempt ${this.job.attempts + 1} timed out after ${this.job.timeoutMs} ms`,
    );
    if (this.settle({ status: 'timed-out', error })) this.ctx.abort(error);
  }

  /** Resolves the outcome if nothing did yet; returns whether this call won. */
  private settle(outcome: AttemptOutcome): boolean {
    if (this.done) {
      if (outcome.status !== 'aborted')
        this.deps.log.debug({ status: outcome.status }, 'late attempt settle ignored');
      return false;
    }
    this.done = true;
    this.result = outcome;
    if (this.timer !== undefined) {
      this.deps.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    const span = this.span;
    if (span !== undefined) span.end(outcome, (this.endedAtMs = this.deps.clock.wallNow()));
    this.resolve?.(outcome);
    return true;
  }
}

/**
 * The processor's context. Its signal is made on first read: Node's AbortSignal costs a few µs to
 * create, and most processors never look at it. An abort before that read is remembered, so a
 * signal read later is already aborted with the same reason.
 */
class AttemptContext implements ProcessorContext {
  private controller: AbortController | undefined;
  private reason: Error | undefined;
  private boundProgress: ((value: unknown) => void) | undefined;
  readonly log: Logger;

  constructor(
    private readonly deps: AttemptDeps,
    readonly attempt: number,
    readonly job: Job,
  ) {
    this.log = deps.log;
  }

  /**
   * Bound on first read, so `const { progress } = ctx` works as `ctx.progress` does (a prototype
   * method would lose `this` when destructured); made lazily, as the signal is, because most
   * processors never report progress.
   */
  get progress(): (value: unknown) => void {
    return (this.boundProgress ??= (value: unknown): void => this.deps.onProgress?.(this.job, value));
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.reason !== undefined) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Called by the attempt only; not part of ProcessorContext. */
  abort(reason: Error): void {
    if (this.controller !== undefined) this.controller.abort(reason);
    else this.reason ??= reason;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The outcome of `ok()`: one shared object, not one per job. */
const COMPLETED_VOID: AttemptOutcome = Object.freeze({ status: 'completed', value: undefined });

function toOutcome(value: unknown, job: Job<unknown>): AttemptOutcome {
  if (isJobResult(value)) {
    if (!value.ok) return { status: 'failed', error: value.error };
    return value.value === undefined ? COMPLETED_VOID : { status: 'completed', value: value.value };
  }
  const error = new QuiError(
    'ERR_BAD_RESULT',
    `job ${job.id}: the processor returned ${describeResult(value)}; it must return ok(value) or err(error)`,
  );
  return { status: 'bad-result', value, error };
}

/** Describes a non-conforming result by its shape only: values may hold user data, which we never log. */
function describeResult(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  if (proto !== null && proto !== Object.prototype) {
    const name = proto.constructor?.name;
    return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a custom prototype';
  }
  const record = value as Record<string, unknown>;
  if (record.ok === false && !(record.error instanceof Error)) {
    return `{ ok: false, error: ${describeResult(record.error)} } (error must be an Error instance)`;
  }
  const keys = Object.keys(record);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 5).join(', ')}`;
}
