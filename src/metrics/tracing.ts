import type * as OtelApi from '@opentelemetry/api';
import { InvalidOptionsError, QuiError } from '../errors';
import type { Job } from '../jobs/job';
import { checkObject, checkOneOf, checkString, type Fail } from '../validate';
import { watchAttempts, watchEnqueues, type EnqueueSpan, type EnqueueTracer } from '../queue/queue-watch';
import type { AttemptOutcome, AttemptSpan } from '../tasks/run-attempt';
import type { AttemptHook } from '../tasks/attempt-watches';
import { coreOf, type QuiSystem } from '../runtime/start-system';
import { taskLabel } from './metric-series';

/** How an attempt's span relates to its enqueue's span. */
export type TracePropagation = 'child' | 'link' | 'none';

/** What `createTracing` takes. */
export interface TracingOptions {
  /**
   * `'child'`: the attempt span is a child of the enqueue's span (one trace, as BullMQ does), and
   * links to it; `'link'`: it starts in the worker's own context and links to the enqueue's span
   * (better for cron, long-delayed and heavily retried jobs); `'none'`: no relation.
   * @defaultValue 'child'
   */
  readonly propagation?: TracePropagation;
  /** The name of the OpenTelemetry tracer Qui's spans come from. @defaultValue 'qui' */
  readonly tracerName?: string;
}

/** Tracing switched on for a system: see {@link createTracing}. */
export interface QuiTracing {
  readonly propagation: TracePropagation;
  /** Stops making spans and storing trace context on new jobs. */
  close(): void;
}

const fail: Fail = (path, problem) => new InvalidOptionsError(path, problem);
const PROPAGATIONS: readonly TracePropagation[] = ['child', 'link', 'none'];

/**
 * Traces a system's jobs with OpenTelemetry (`@opentelemetry/api`, an optional peer dependency,
 * loaded only here). Each enqueue through `system.queue(…)` opens a `send <queue>` PRODUCER
 * span in the caller's context and stores that span's context on every job as `job.trace` (W3C
 * `traceparent`, through the global propagator), so it crosses processes with the job in Redis or
 * SQLite; each attempt runs its processor inside a `process <queue>` CONSUMER span, related to the
 * enqueue's span as `propagation` says. Attributes follow the OpenTelemetry messaging semantic
 * conventions (`messaging.system = 'qui'`). Queues of the system's tree are traced, those started
 * later too; call it on every system that enqueues or works.
 * @throws {InvalidOptionsError} naming the bad option.
 * @throws {QuiError} `ERR_MISSING_PEER` when @opentelemetry/api is not installed.
 * @example
 * const tracing = createTracing(system, { propagation: 'link' });
 * await system.queue(mail).enqueue(sendEmail.create({ to })); // job.trace = { traceparent: '00-…' }
 */
export function createTracing(system: QuiSystem, options?: TracingOptions): QuiTracing {
  const core = coreOf(system);
  if (!core) throw fail('system', 'must be a system returned by startSystem');
  const opts = checkObject(options ?? {}, '', ['propagation', 'tracerName'], fail);
  const propagation =
    opts.propagation === undefined
      ? 'child'
      : checkOneOf(opts.propagation, 'propagation', PROPAGATIONS, fail);
  const tracerName = opts.tracerName === undefined ? 'qui' : checkString(opts.tracerName, 'tracerName', fail);
  const api = loadOtelApi();
  const tracer = api.trace.getTracer(tracerName);

  const enqueueTracer: EnqueueTracer = { send: (queue, count) => sendSpan(api, tracer, queue, count) };
  const hook: AttemptHook = {
    watch: (worker) => ({
      start: (job, attempt) => attemptSpan(api, tracer, propagation, job, attempt, worker),
      close: () => undefined,
    }),
  };
  const removeHook = watchAttempts(core, hook);
  const removeTracer = watchEnqueues(core, enqueueTracer);
  let closed = false;
  return {
    propagation,
    close() {
      if (closed) return;
      closed = true;
      removeHook();
      removeTracer();
    },
  };
}

function sendSpan(api: typeof OtelApi, tracer: OtelApi.Tracer, queue: string, count: number): EnqueueSpan {
  const active = api.context.active();
  const attributes: OtelApi.Attributes = {
    'messaging.system': 'qui',
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
    'messaging.destination.name': queue,
  };
  if (count !== 1) attributes['messaging.batch.message_count'] = count;
  const span = tracer.startSpan(`send ${queue}`, { kind: api.SpanKind.PRODUCER, attributes }, active);
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.trace.setSpan(active, span), carrier);
  return {
    carrier: Object.keys(carrier).length > 0 ? Object.freeze(carrier) : undefined,
    end(jobs, error) {
      const only = jobs?.length === 1 ? jobs[0] : undefined;
      if (only) span.setAttribute('messaging.message.id', only.id);
      if (error !== undefined) failSpan(api, span, error, errorType(error));
      span.end();
    },
  };
}

function attemptSpan(
  api: typeof OtelApi,
  tracer: OtelApi.Tracer,
  propagation: TracePropagation,
  job: Job,
  attempt: number,
  worker: string,
): AttemptSpan {
  const active = api.context.active();
  const creation =
    job.trace && propagation !== 'none' ? api.propagation.extract(api.ROOT_CONTEXT, job.trace) : undefined;
  const creationSpan = creation ? api.trace.getSpanContext(creation) : undefined;
  const valid = creationSpan !== undefined && api.isSpanContextValid(creationSpan);
  // The spec says a process span SHOULD link to the creation context; as a child it is also the parent.
  const parent = propagation === 'child' && valid ? (creation as OtelApi.Context) : active;
  const span = tracer.startSpan(
    `process ${job.queue}`,
    {
      kind: api.SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'qui',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': job.queue,
        'messaging.message.id': job.id,
        'messaging.client.id': worker,
        'qui.job.attempt': attempt,
        'qui.task.name': taskLabel(job),
      },
      links: valid ? [{ context: creationSpan }] : undefined,
    },
    parent,
  );
  const context = api.trace.setSpan(parent, span);
  return {
    run: (processor, j, ctx) => api.context.with(context, processor, undefined, j, ctx),
    end(outcome: AttemptOutcome) {
      if (outcome.status !== 'completed') failSpan(api, span, outcome.error, outcomeType(outcome));
      span.end();
    },
  };
}

function failSpan(api: typeof OtelApi, span: OtelApi.Span, error: unknown, type: string): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message });
  span.setAttribute('error.type', type);
}

/** `error.type`: low-cardinality, the error's class name or what ended the attempt. */
function outcomeType(outcome: Exclude<AttemptOutcome, { status: 'completed' }>): string {
  if (outcome.status === 'timed-out') return 'timeout';
  if (outcome.status === 'aborted') return 'aborted';
  if (outcome.status === 'bad-result') return 'crash';
  return errorType(outcome.error);
}

function errorType(error: unknown): string {
  return error instanceof Error && error.name !== '' ? error.name : '_OTHER';
}

/** Loads @opentelemetry/api on first use: it is an optional peer dependency. */
function loadOtelApi(): typeof OtelApi {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@opentelemetry/api') as typeof OtelApi;
  } catch (thrown) {
    throw new QuiError(
      'ERR_MISSING_PEER',
      'createTracing needs @opentelemetry/api: npm install @opentelemetry/api@1',
      {
        cause: thrown,
      },
    );
  }
}
