import { join } from 'node:path';
import { defineQueue, type QueueOptions } from '../../../src/queue/define-queue';
import { defineSupervisor } from '../../../src/supervision/spec';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const TASKS = join(__dirname, '../../fixtures/isolation/tasks.js');

async function isolated(mode: 'thread' | 'process', extra: Partial<QueueOptions['workers']> = {}) {
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'q', workers: { count: 1, isolation: mode, module: TASKS, ...extra } })],
    }),
  );
  return { ...t, q: t.system.queue('q'), jobs: new JobEvents(t.system.events) };
}

describe.each(['thread', 'process'] as const)('isolated workers (%s)', (mode) => {
  it('run a task in their own thread or process and report its value', async () => {
    const { q, jobs } = await isolated(mode);
    await q.enqueue({ task: 'echo', params: { a: 1 } });
    const done = await jobs.wait('job.completed');
    expect(done.value).toMatchObject({ echoed: { a: 1 } });
  });
});
