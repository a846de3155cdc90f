import { Registry } from 'prom-client';
import { createMetrics } from '../../../src/metrics/create-metrics';
import { defineQueue } from '../../../src/queue/define-queue';
import { ok } from '../../../src/jobs/job-result';
import { defineSupervisor } from '../../../src/supervision/spec';
import { defineTask } from '../../../src/tasks/define-task';
import { parseExposition, valueOf } from '../../helpers/exposition';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const fast = defineTask<{ n: number }>({ name: 'fast', perform: () => ok() });

async function scrape(metrics: { render(): Promise<string> }) {
  return parseExposition(await metrics.render()).samples;
}

describe('createMetrics on queues started after it', () => {
  it('watches the attempts of a queue added to the tree later', async () => {
    const first = defineQueue({ name: 'first', tasks: [fast], workers: { count: 1 } });
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [first] }));
    const metrics = createMetrics(t.system, { registry: new Registry() });
    const jobs = new JobEvents(t.system.events);
    const late = defineQueue({ name: 'late', tasks: [fast], workers: { count: 1 } });
    expect(await t.sup('root').startChild(late)).toMatchObject({ status: 'ok' });
    await t.system.queue('late').enqueue(fast.create({ n: 1 }));
    await jobs.wait('job.completed');
    const s = await scrape(metrics);
    const labels = { queue: 'late', task: 'fast' };
    expect(valueOf(s, 'qui_jobs_enqueued_total', labels)).toBe(1);
    expect(valueOf(s, 'qui_jobs_completed_total', labels)).toBe(1);
    expect(valueOf(s, 'qui_job_duration_seconds_count', { ...labels, outcome: 'success' })).toBe(1);
    expect(valueOf(s, 'qui_job_wait_seconds_count', { queue: 'late' })).toBe(1);
  });
});
