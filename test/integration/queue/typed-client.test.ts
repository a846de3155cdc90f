import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { isJobOf } from '../../../src/queue/is-job-of';
import { defineSupervisor } from '../../../src/supervision/spec';
import { defineTask } from '../../../src/tasks/define-task';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const double = defineTask({ name: 'double', perform: (params: { n: number }) => ok(params.n * 2) });
const emails = defineQueue({
  name: 'emails',
  priorities: ['urgent', 'bulk'],
  tasks: [double],
  workers: { count: 1 },
});
const other = defineQueue({ name: 'other', tasks: [double], workers: { count: 1 } });

describe('a client from the queue spec', () => {
  it('system.queue(spec) is the client of the queue that spec defines', async () => {
    const { system } = await startTestSystem(defineSupervisor({ id: 'root', children: [emails, other] }));
    const jobs = new JobEvents(system.events);
    const job = await system.queue(emails).enqueue(double.create({ n: 21 }), { priority: 'urgent' });
    expect(job).toMatchObject({
      queue: 'emails',
      priority: 'urgent',
      task: { task: 'double', params: { n: 21 } },
    });
    const completed = await jobs.wait('job.completed');
    expect(completed.job.id).toBe(job.id);
    expect(completed.value).toBe(42);
    expect((await system.queue(emails).stats()).totals.completed).toBe(1);
    expect((await system.queue(other).stats()).totals.enqueued).toBe(0);
  });

  it('isJobOf(spec, event) is true for the jobs of that queue only', async () => {
    const { system } = await startTestSystem(defineSupervisor({ id: 'root', children: [emails, other] }));
    const jobs = new JobEvents(system.events);
    const job = await system.queue(other).enqueue(double.create({ n: 1 }));
    const completed = await jobs.wait('job.completed');
    expect(completed.job.id).toBe(job.id);
    expect([isJobOf(other, completed), isJobOf(emails, completed)]).toEqual([true, false]);
    expect(isJobOf(emails, { job: undefined })).toBe(false);
  });
});
