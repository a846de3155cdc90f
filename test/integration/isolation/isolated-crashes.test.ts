import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { QuiError } from '../../../src/errors';
import { ok } from '../../../src/jobs/job-result';
import { liveChannelCount } from '../../../src/queue/isolation/channel';
import { defineQueue, type WorkersOptions } from '../../../src/queue/define-queue';
import { defineSupervisor } from '../../../src/supervision/spec';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

const TASKS = join(__dirname, '../../fixtures/isolation/tasks.js');

async function isolated(mode: 'thread' | 'process', extra: Partial<WorkersOptions> = {}, count = 1) {
  const t = await startTestSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({ name: 'q', workers: { count, isolation: mode, module: TASKS, ...extra } }),
        defineQueue({ name: 'fast', workers: { count: 1, processor: () => ok('fast') } }),
      ],
    }),
  );
  return { ...t, q: t.system.queue('q'), jobs: new JobEvents(t.system.events) };
}

/** The child processes of this (jest worker) process, by the OS. */
function childProcesses(): number {
  try {
    return execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid='])
      .toString()
      .trim()
      .split('\n').length;
  } catch {
    return 0; // ps exits 1 when there are none
  }
}

const ROUTES: Array<['thread' | 'process', string, Partial<WorkersOptions>, RegExp]> = [
  ['thread', 'exit', {}, /thread exited with code 3 while running job/],
  ['process', 'exit', {}, /process exited with code 3 while running job/],
  ['thread', 'uncaught', {}, /thread threw an uncaught Error: thrown outside the attempt/],
  ['process', 'uncaught', {}, /process exited with code 1 while running job/],
  ['thread', 'hog', { resourceLimits: { maxOldGenerationSizeMb: 32 } }, /thread ran out of memory/],
  [
    'process',
    'hog',
    { resourceLimits: { maxOldGenerationSizeMb: 32 } },
    /process was killed by SIGABRT|exited with code/,
  ],
  ['process', 'sigkill', {}, /process was killed by SIGKILL while running job/],
];

describe('isolated workers: crashes stay inside', () => {
  it.each(ROUTES)(
    '%s: task %s ends the attempt, loses the job and restarts the worker',
    async (mode, task, extra, why) => {
      const { q, jobs, events, system } = await isolated(mode, extra);
      const job = await q.enqueue({ task }, { maxRetries: 3 });
      const lost = await jobs.wait('job.lost');
      expect(lost).toMatchObject({ job: { id: job.id }, reason: { type: 'error' } });
      const error = (lost.reason as unknown as { error: QuiError }).error;
      expect(error.code).toBe('ERR_WORKER_CRASHED');
      expect(error.message).toMatch(why);
      await events.waitFor('actor.restarted', (e) => e.path.includes('q/workers'));
      expect(jobs.count('job.retrying')).toBe(0); // at most once
      await q.enqueue({ task: 'echo' });
      await jobs.wait('job.completed'); // the restarted worker runs the next job
      await system.queue('fast').enqueue('still here');
      await jobs.wait('job.completed', 2);
    },
  );

  it('a thread that dies while its worker is idle crashes the worker, which is restarted; no job is lost', async () => {
    const { q, jobs, events } = await isolated('thread');
    await q.enqueue({ task: 'late-exit' });
    expect((await jobs.wait('job.completed')).value).toBe('done first');
    const exit = await events.waitFor('actor.exited', (e) => e.path.includes('q/workers/'));
    expect(exit.reason).toMatchObject({ type: 'error', error: { code: 'ERR_WORKER_CRASHED' } });
    expect((exit.reason as { error: Error }).error.message).toMatch(/thread exited with code 4$/);
    await events.waitFor('actor.restarted', (e) => e.path.includes('q/workers'));
    await q.enqueue({ task: 'echo' });
    await jobs.wait('job.completed', 2);
    expect(jobs.count('job.lost')).toBe(0);
  });

  it('a non-conforming result is reported as in process: the job is lost and the worker restarted', async () => {
    const { q, jobs, events } = await isolated('thread');
    await q.enqueue({ task: 'bad' });
    const lost = await jobs.wait('job.lost');
    expect((lost.reason as unknown as { error: QuiError }).error).toMatchObject({
      code: 'ERR_BAD_RESULT',
      message: expect.stringContaining('returned a number'),
    });
    await events.waitFor('actor.restarted', (e) => e.path.includes('q/workers'));
  });
});

describe('isolated workers: shutdown', () => {
  it.each(['thread', 'process'] as const)(
    '%s: stop() lets the running job finish, then leaves no thread or child process alive',
    async (mode) => {
      const before = childProcesses();
      const { q, jobs, system } = await isolated(mode, { standby: false }, 3);
      expect(liveChannelCount()).toBe(3);
      if (mode === 'process') expect(childProcesses()).toBe(before + 3);
      await q.enqueue({ task: 'slow', params: { ms: 100 } });
      await jobs.wait('job.started');
      await system.stop();
      expect(jobs.seen['job.completed']).toEqual([expect.objectContaining({ value: 'finished' })]);
      expect(liveChannelCount()).toBe(0);
      expect(childProcesses()).toBe(before);
    },
  );

  it('a killed worker (brutal-kill) terminates its stuck thread too, and its standby', async () => {
    const { q, jobs, system } = await isolated('thread', { shutdown: 'brutal-kill' });
    expect(liveChannelCount()).toBe(2); // the worker's thread and its standby (the default for threads)
    await q.enqueue({ task: 'spin' });
    await jobs.wait('job.started');
    await system.stop();
    expect(jobs.seen['job.lost']).toEqual([expect.objectContaining({ reason: { type: 'killed' } })]);
    expect(liveChannelCount()).toBe(0);
  });
});

describe('isolated workers: other queues stay responsive', () => {
  it('a CPU-bound isolated queue does not hold up an in-process queue of the same system', async () => {
    const { q, jobs, system } = await isolated('thread', { shutdown: 'brutal-kill' }, 2);
    await q.enqueueMany([{ task: { task: 'spin' } }, { task: { task: 'hash', params: { ms: 60_000 } } }]);
    await jobs.wait('job.started', 2);
    const fast = system.queue('fast');
    for (let i = 0; i < 20; i++) await fast.enqueue(i);
    await jobs.wait('job.completed', 20);
    // Every completion is a fast job: both CPU-bound jobs are still running, in their threads.
    expect(jobs.seen['job.completed'].every((e) => e.value === 'fast')).toBe(true);
    expect((await q.stats()).totals.handedOut).toBe(2);
  });

  it.each(['thread', 'process'] as const)(
    "%s: an uncaught error from an earlier job's timer is not blamed on the running job: logged, the job completes, the next runs on a fresh one",
    async (mode) => {
      const { q, jobs, log } = await isolated(mode);
      await q.enqueue({ task: 'leftover' });
      expect((await jobs.wait('job.completed')).value).toBe('left a timer');
      const victim = await q.enqueue({ task: 'trigger-leftover' });
      const done = await jobs.wait('job.completed', 2);
      expect(done).toMatchObject({ job: { id: victim.id } });
      const survivedIn = String(done.value).replace('survived in ', '');
      expect(jobs.count('job.lost')).toBe(0);
      const [line] = log.find(
        'uncaught error outside the running attempt: not blamed on it; replacing the thread or process after it',
        'error',
      );
      expect(line).toMatchObject({
        runningJobId: victim.id,
        err: { message: 'thrown by a timer an earlier job left' },
      });
      await q.enqueue({ task: 'echo' });
      const next = await jobs.wait('job.completed', 3);
      expect((next.value as { where: string }).where).not.toBe(survivedIn);
    },
  );
});
