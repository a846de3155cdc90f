import { Redis } from 'ioredis';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createTracing } from '../../../src/metrics/tracing';
import { defineQueue } from '../../../src/queue/define-queue';
import { err, ok } from '../../../src/jobs/job-result';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { redisStore } from '../../../src/stores/redis-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { defineTask } from '../../../src/tasks/define-task';
import { JobEvents } from '../../helpers/job-events';
import { installTracing } from '../../helpers/otel';
import { dropKeys } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

// First: fails the file in one line, before any client is made, when Redis is down.
const url = requireRedis();
const prefix = `qui-test:tracing:${process.pid}:`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });
const otel = installTracing();
const tracer = trace.getTracer('test');

const save = defineTask<{ fail?: boolean }>({
  name: 'save',
  perform: async (params) => {
    // The processor's own span: a child of the attempt's span, through the active context.
    await tracer.startActiveSpan('db.insert', async (span) => {
      await Promise.resolve();
      span.end();
    });
    return params.fail ? err(new TypeError('bad row')) : ok();
  },
});

const systems: QuiSystem[] = [];
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.stop()));
  otel.exporter.reset();
});
afterAll(async () => {
  await dropKeys(admin, prefix);
  await admin.quit();
  otel.uninstall();
});

/** Two systems on one Redis prefix: a producer with no workers, a worker system. */
async function producerAndWorker(queue: string, propagation?: 'child' | 'link' | 'none') {
  const store = () => redisStore({ url, prefix });
  const producer = await startSystem(
    defineSupervisor({ id: 'root', children: [defineQueue({ name: queue, store: store(), tasks: [save] })] }),
  );
  const worker = await startSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: queue, store: store(), tasks: [save], workers: { count: 1 } })],
    }),
  );
  systems.push(producer, worker);
  createTracing(producer, { propagation });
  createTracing(worker, { propagation });
  return { producer, worker, jobs: new JobEvents(worker.events) };
}

const named = (name: string): ReadableSpan => {
  const found = otel.exporter.getFinishedSpans().filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`${found.length} spans named ${name}`);
  return found[0] as ReadableSpan;
};

describe('createTracing', () => {
  it('carries the trace from an enqueue in one system to the attempt in another', async () => {
    const queue = `traced-${process.pid}`;
    const { producer, jobs } = await producerAndWorker(queue);
    const job = await tracer.startActiveSpan('http.request', async (request) => {
      const stored = await producer.queue(queue).enqueue(save.create({}));
      request.end();
      return stored;
    });
    expect(job.trace?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await jobs.wait('job.completed');

    const request = named('http.request');
    const send = named(`send ${queue}`);
    const attempt = named(`process ${queue}`);
    const db = named('db.insert');
    const traceId = request.spanContext().traceId;
    expect([send, attempt, db].map((s) => s.spanContext().traceId)).toEqual([traceId, traceId, traceId]);
    expect(send.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(attempt.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(attempt.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
    expect(db.parentSpanContext?.spanId).toBe(attempt.spanContext().spanId);
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(attempt.kind).toBe(SpanKind.CONSUMER);
    expect(send.attributes).toMatchObject({
      'messaging.system': 'qui',
      'messaging.operation.type': 'send',
      'messaging.destination.name': queue,
      'messaging.message.id': job.id,
    });
    expect(attempt.attributes).toMatchObject({
      'messaging.system': 'qui',
      'messaging.operation.type': 'process',
      'messaging.destination.name': queue,
      'messaging.message.id': job.id,
      'qui.job.attempt': 1,
      'qui.task.name': 'save',
    });
  });

  it("with propagation 'link' starts the attempt in a new trace linked to the enqueue", async () => {
    const queue = `linked-${process.pid}`;
    const { producer, jobs } = await producerAndWorker(queue, 'link');
    await producer.queue(queue).enqueue(save.create({}));
    await jobs.wait('job.completed');
    const send = named(`send ${queue}`);
    const attempt = named(`process ${queue}`);
    expect(attempt.spanContext().traceId).not.toBe(send.spanContext().traceId);
    expect(attempt.parentSpanContext).toBeUndefined();
    expect(attempt.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
  });

  it('marks a failed attempt as an error with its error.type', async () => {
    const queue = `failing-${process.pid}`;
    const { producer, jobs } = await producerAndWorker(queue);
    await producer.queue(queue).enqueue(save.create({ fail: true }), { maxRetries: 0 });
    await jobs.wait('job.dead');
    const attempt = named(`process ${queue}`);
    expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempt.attributes['error.type']).toBe('TypeError');
    expect(attempt.events.map((e) => e.name)).toContain('exception');
  });

  it('stores no trace on the job when the enqueue says trace: false, or after close()', async () => {
    const queue = `untraced-${process.pid}`;
    const { producer } = await producerAndWorker(queue);
    expect((await producer.queue(queue).enqueue(save.create({}), { trace: false })).trace).toBeUndefined();
    expect(otel.exporter.getFinishedSpans().map((s) => s.name)).not.toContain(`send ${queue}`);
    const system = await startSystem(defineQueue({ name: `${queue}-2` }));
    systems.push(system);
    createTracing(system).close();
    expect((await system.queue(`${queue}-2`).enqueue(1)).trace).toBeUndefined();
  });
});
