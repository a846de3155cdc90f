import { defineQueue } from '../../../src/queue/define-queue';
import { watchAttempts } from '../../../src/queue/queue-watch';
import { ok } from '../../../src/jobs/job-result';
import { defineSupervisor } from '../../../src/supervision/spec';
import { defineTask } from '../../../src/tasks/define-task';
import type { AttemptHook, AttemptWatch } from '../../../src/tasks/attempt-watches';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const fast = defineTask<{ n: number }>({ name: 'fast', perform: () => ok() });
const bad = defineTask<{ n: number }>({ name: 'bad', perform: () => 42 as never });

/** A hook that keeps every watch it opened, with the attempts each saw and whether it was closed. */
function recordingHook() {
  const opened: Array<{ worker: string; queue: string; attempts: number; closed: number }> = [];
  const hook: AttemptHook = {
    watch(worker, queue) {
      const entry = { worker, queue, attempts: 0, closed: 0 };
      opened.push(entry);
      const watch: AttemptWatch = {
        start: () => (entry.attempts++, { end: () => undefined }),
        close: () => void entry.closed++,
      };
      return watch;
    },
  };
  return { hook, opened };
}

describe('attempt watches of a worker', () => {
  it('open once per worker incarnation: a restarted worker gets a fresh one, and each is closed once', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        children: [defineQueue({ name: 'mail', tasks: [fast, bad], workers: { count: 1 } })],
      }),
    );
    const { hook, opened } = recordingHook();
    watchAttempts(t.core, hook);
    const jobs = new JobEvents(t.system.events);
    const q = t.system.queue('mail');
    await q.enqueue(fast.create({ n: 1 }));
    await q.enqueue(fast.create({ n: 2 }));
    await jobs.wait('job.completed', 2);
    await q.enqueue(bad.create({ n: 3 })); // a non-conforming result crashes the worker
    await t.events.restartOf('worker');
    await q.enqueue(fast.create({ n: 4 }));
    await jobs.wait('job.completed', 3);
    const worker = 'root/mail/workers/worker';
    expect(opened).toEqual([
      { worker: `${worker}#1`, queue: 'mail', attempts: 3, closed: 1 }, // closed as it crashed
      { worker: `${worker}#2`, queue: 'mail', attempts: 1, closed: 0 },
    ]);
    await t.system.stop();
    expect(opened.map((w) => w.closed)).toEqual([1, 1]); // the second closed as it stopped
  });
});
