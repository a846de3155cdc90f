import { defineQueue } from '../../../src/queue/define-queue';
import { err } from '../../../src/jobs/job-result';
import { defineSupervisor } from '../../../src/supervision/spec';
import { defineTask } from '../../../src/tasks/define-task';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const chargeCard = defineTask<{ cents: number; card: string }>({
  name: 'charge-card',
  perform: (_params, ctx) => {
    ctx.log.info('charging');
    return err(new Error('declined'));
  },
});

describe('job logging', () => {
  it('binds jobId and the task name, logs failures at warn and error, and never logs the payload', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        children: [defineQueue({ name: 'pay', tasks: [chargeCard], workers: { count: 1 } })],
      }),
      { logLevel: 'info', account: true },
    );
    const jobs = new JobEvents(t.system.events);
    const job = await t.system
      .queue('pay')
      .enqueue(chargeCard.create({ cents: 990, card: '4242-secret' }), { maxRetries: 0 });
    await jobs.wait('job.dead');
    expect(t.log.find('charging', 'info')[0]).toMatchObject({ jobId: job.id, task: 'charge-card' });
    expect(t.log.find('job attempt failed', 'warn')[0]).toMatchObject({
      jobId: job.id,
      task: 'charge-card',
      attempt: 1,
    });
    expect(t.log.find('job failed for good', 'error')[0]).toMatchObject({
      jobId: job.id,
      task: 'charge-card',
      attempts: 1,
    });
    expect(JSON.stringify(t.log.records)).not.toContain('4242-secret');
  });
});
