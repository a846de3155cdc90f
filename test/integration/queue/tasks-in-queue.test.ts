import { defineQueue } from '../../../src/queue/define-queue';
import { ok } from '../../../src/jobs/job-result';
import { defineSupervisor } from '../../../src/supervision/spec';
import { defineTask } from '../../../src/tasks/define-task';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const sent: string[] = [];
const sendEmail = defineTask<{ to: string }>({
  name: 'send-email',
  defaults: { priority: 'high', maxRetries: 7, timeoutMs: 5_000 },
  perform: (params, ctx) => {
    sent.push(`${params.to}#${ctx.attempt}`);
    return ok(params.to);
  },
});

async function tasksQueue() {
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({
          name: 'mail',
          tasks: [sendEmail],
          defaults: { retryDelayMs: 5 },
          workers: { count: 2 },
        }),
      ],
    }),
    { account: true },
  );
  return { ...t, q: t.system.queue('mail'), jobs: new JobEvents(t.system.events) };
}

describe('tasks in a queue', () => {
  beforeEach(() => sent.splice(0));

  it('runs a task value through processTask, the default processor of a queue with tasks', async () => {
    const { q, jobs } = await tasksQueue();
    await q.enqueue(sendEmail.create({ to: 'ada@example.com' }));
    expect((await jobs.wait('job.completed')).value).toBe('ada@example.com');
    expect(sent).toEqual(['ada@example.com#1']);
  });

  it('applies the task defaults, then the queue defaults, unless the enqueue overrides them', async () => {
    const { q } = await tasksQueue();
    const job = await q.enqueue(sendEmail.create({ to: 'x' }));
    expect(job).toMatchObject({ priority: 'high', maxRetries: 7, timeoutMs: 5_000, retryDelayMs: 5 });
    const overridden = await q.enqueue(sendEmail.create({ to: 'y' }), { priority: 'low', maxRetries: 1 });
    expect(overridden).toMatchObject({ priority: 'low', maxRetries: 1, timeoutMs: 5_000 });
  });

  it('fails the attempt of an unknown task with ERR_TASK_NOT_FOUND without crashing the worker', async () => {
    const { q, jobs, events } = await tasksQueue();
    await q.enqueue({ task: 'no-such-task', params: {} }, { maxRetries: 0 });
    const dead = await jobs.wait('job.dead');
    expect(dead.error).toMatchObject({ code: 'ERR_TASK_NOT_FOUND' });
    expect(events.of('actor.restarted')).toHaveLength(0);
    await q.enqueue(sendEmail.create({ to: 'after' }));
    await jobs.wait('job.completed');
  });
});
