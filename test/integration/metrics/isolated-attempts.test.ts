import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { createMetrics } from '../../../src/metrics/create-metrics';
import { createTracing } from '../../../src/metrics/tracing';
import { defineQueue } from '../../../src/queue/define-queue';
import { defineSupervisor } from '../../../src/supervision/spec';
import { parseExposition, valueOf } from '../../helpers/exposition';
import { JobEvents } from '../../helpers/job-events';
import { installTracing } from '../../helpers/otel';
import { startTestSystem } from '../../helpers/start-test-system';

const TASKS = join(__dirname, '../../fixtures/isolation/tasks.js');
const otel = installTracing();
afterEach(() => otel.exporter.reset());
afterAll(() => otel.uninstall());

async function isolated(mode: 'thread' | 'process') {
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'iso', workers: { count: 1, isolation: mode, module: TASKS } })],
    }),
  );
  return { ...t, q: t.system.queue('iso'), jobs: new JobEvents(t.system.events) };
}

describe.each(['thread', 'process'] as const)('attempts of isolated workers (%s)', (mode) => {
  it('reach the metrics: completed and failed attempts with their run times', async () => {
    const { system, q, jobs, clock } = await isolated(mode);
    const metrics = createMetrics(system, { registry: new Registry() });
    await q.enqueue({ task: 'echo', params: 1 });
    await jobs.wait('job.completed');
    await q.enqueue({ task: 'spin' }, { timeoutMs: 1_000, maxRetries: 0 });
    await jobs.wait('job.started', 2);
    clock.advance(1_000 + 50); // the deadline, then the kill grace
    await jobs.wait('job.dead');
    const s = parseExposition(await metrics.render()).samples;
    expect(valueOf(s, 'qui_jobs_completed_total', { queue: 'iso', task: 'echo' })).toBe(1);
    expect(valueOf(s, 'qui_job_attempts_failed_total', { queue: 'iso', task: 'spin' })).toBe(1);
    const run = (task: string, outcome: string) =>
      valueOf(s, 'qui_job_duration_seconds_count', { queue: 'iso', task, outcome });
    expect(run('echo', 'success')).toBe(1);
    expect(run('spin', 'failure')).toBe(1);
    expect(
      valueOf(s, 'qui_job_duration_seconds_sum', { queue: 'iso', task: 'spin', outcome: 'failure' }),
    ).toBeCloseTo(1.05, 6); // ended once the thread or process was killed, after the grace
    expect(valueOf(s, 'qui_job_wait_seconds_count', { queue: 'iso' })).toBe(2);
  });

  it('reach the tracing: one process span per attempt, failed on a timeout', async () => {
    const { system, q, jobs, clock } = await isolated(mode);
    createTracing(system);
    await q.enqueue({ task: 'echo', params: 1 });
    await jobs.wait('job.completed');
    await q.enqueue({ task: 'spin' }, { timeoutMs: 1_000, maxRetries: 0 });
    await jobs.wait('job.started', 2);
    clock.advance(1_000 + 50);
    await jobs.wait('job.dead');
    const spans = otel.exporter.getFinishedSpans().filter((span) => span.name === 'process iso');
    expect(spans.map((span) => [span.kind, span.attributes['qui.task.name'], span.status.code])).toEqual([
      [SpanKind.CONSUMER, 'echo', SpanStatusCode.UNSET],
      [SpanKind.CONSUMER, 'spin', SpanStatusCode.ERROR],
    ]);
    expect(spans[1]?.attributes['error.type']).toBe('timeout');
  });
});
