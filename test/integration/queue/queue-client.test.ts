import { defineActor } from '../../../src/actors/define-actor';
import type { EnqueueReply, QueueMessage } from '../../../src/queue/queue-messages';
import type { QueueClient } from '../../../src/queue/queue-client';
import { QuiError } from '../../../src/errors';
import { defineQueue } from '../../../src/queue/define-queue';
import { defineSupervisor } from '../../../src/supervision/spec';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

async function bareQueue(options: Partial<Parameters<typeof defineQueue>[0]> = {}) {
  const t = await startTestSystem(
    defineSupervisor({ id: 'root', children: [defineQueue({ name: 'q', ...options })] }),
  );
  return { ...t, q: t.system.queue<unknown>('q'), jobs: new JobEvents(t.system.events) };
}

async function drain(q: { dequeue(): Promise<{ task: unknown } | undefined> }): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let job = await q.dequeue(); job; job = await q.dequeue()) out.push(job.task);
  return out;
}

describe('a queue used directly, with no workers', () => {
  it('hands out every high job before any low job, FIFO within a priority', async () => {
    const { q } = await bareQueue();
    await q.enqueue('l1');
    await q.enqueue('h1', { priority: 'high' });
    await q.enqueue('l2', { priority: 'low' });
    await q.enqueue('h2', { priority: 'high' });
    expect(await drain(q)).toEqual(['h1', 'h2', 'l1', 'l2']);
  });

  it('uses the last priority as the default and keeps custom priority orders', async () => {
    const { q } = await bareQueue({ priorities: ['urgent', 'normal', 'bulk'] });
    const job = await q.enqueue('b1');
    expect(job.priority).toBe('bulk');
    await q.enqueue('n1', { priority: 'normal' });
    await q.enqueue('u1', { priority: 'urgent' });
    expect(await drain(q)).toEqual(['u1', 'n1', 'b1']);
  });

  it('resolves enqueue with the stored job and the original defaults', async () => {
    const { q } = await bareQueue();
    const job = await q.enqueue({ to: 'ada' });
    expect(job).toMatchObject({
      queue: 'q',
      task: { to: 'ada' },
      priority: 'low',
      maxRetries: 3,
      retryDelayMs: 100,
      timeoutMs: 60_000,
      attempts: 0,
    });
    expect(job.runAtMs).toBeUndefined();
    expect(Object.isFrozen(job)).toBe(true);
  });

  it('accepts an Infinity timeout', async () => {
    const { q } = await bareQueue();
    expect((await q.enqueue('x', { timeoutMs: Infinity })).timeoutMs).toBe(Infinity);
  });

  it('answers dequeue with undefined when empty, and a job leaves the queue when handed out', async () => {
    const { q } = await bareQueue();
    expect(await q.dequeue()).toBeUndefined();
    await q.enqueue('a');
    expect((await q.dequeue())?.task).toBe('a');
    expect(await q.dequeue()).toBeUndefined();
    expect(await q.size()).toBe(0);
  });

  it('keeps a delayed job until it is due on the injected clock', async () => {
    const { q, clock } = await bareQueue();
    await q.enqueue('later', { delayMs: 1_000 });
    await q.enqueue('now');
    expect(await drain(q)).toEqual(['now']);
    expect((await q.stats()).delayed).toBe(1);
    clock.advance(999);
    expect(await q.dequeue()).toBeUndefined();
    clock.advance(1);
    expect((await q.dequeue())?.task).toBe('later');
  });

  it('takes runAt as a Date or wall-clock ms', async () => {
    const { q, clock } = await bareQueue();
    await q.enqueue('at', { runAt: new Date(clock.wallNow() + 500) });
    expect(await q.dequeue()).toBeUndefined();
    clock.advance(500);
    expect((await q.dequeue())?.task).toBe('at');
  });

  it('counts jobs in stats and size', async () => {
    const { q } = await bareQueue();
    await q.enqueueMany([
      { task: 1 },
      { task: 2, options: { priority: 'high' } },
      { task: 3, options: { delayMs: 10 } },
    ]);
    await q.dequeue();
    const stats = await q.stats();
    expect(stats).toMatchObject({ name: 'q', waiting: { high: 0, low: 1 }, delayed: 1, parkedPolls: 0 });
    expect(stats.totals).toMatchObject({ enqueued: 3, handedOut: 1, completed: 0 });
    expect(await q.size()).toBe(2);
  });

  it('emits job.enqueued for each stored job', async () => {
    const { q, jobs } = await bareQueue();
    await q.enqueueMany([{ task: 1 }, { task: 2 }]);
    expect(jobs.seen['job.enqueued'].map((e) => e.job.task)).toEqual([1, 2]);
  });
});

describe('bad input at enqueue', () => {
  it.each([
    [{ prioirity: 'high' }, 'options.prioirity'],
    [{ priority: 'medium' }, 'options.priority'],
    [{ maxRetries: -1 }, 'options.maxRetries'],
    [{ retryDelayMs: -5 }, 'options.retryDelayMs'],
    [{ timeoutMs: -1 }, 'options.timeoutMs'],
    [{ delayMs: -1 }, 'options.delayMs'],
  ])('rejects %p naming %s, and changes nothing', async (options, path) => {
    const { q } = await bareQueue();
    await q.enqueue('kept-1');
    await q.enqueue('kept-2', { priority: 'high' });
    await expect(q.enqueue('bad', options as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      path,
    });
    expect(await drain(q)).toEqual(['kept-2', 'kept-1']);
  });

  it('rejects a task that cannot be serialized, naming the field', async () => {
    const { q } = await bareQueue();
    await expect(q.enqueue({ f: () => 1 })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      path: 'task.f',
    });
    expect(await q.size()).toBe(0);
  });

  it('rejects a whole enqueueMany for one bad item, naming it, and stores nothing', async () => {
    const { q } = await bareQueue();
    await expect(
      q.enqueueMany([{ task: 1 }, { task: 2, options: { priority: 'nope' } }]),
    ).rejects.toMatchObject({
      path: 'items[1].options.priority',
    });
    expect(await q.size()).toBe(0);
  });

  it('rejects an enqueue into a full queue with ERR_QUEUE_FULL and changes nothing', async () => {
    const { q } = await bareQueue({ maxSize: 2 });
    await q.enqueueMany([{ task: 1 }, { task: 2 }]);
    await expect(q.enqueue(3)).rejects.toMatchObject({ code: 'ERR_QUEUE_FULL' });
    await expect(q.enqueueMany([{ task: 4 }])).rejects.toMatchObject({ code: 'ERR_QUEUE_FULL' });
    expect(await drain(q)).toEqual([1, 2]);
  });

  it('rejects an enqueue to an unknown queue with ERR_QUEUE_NOT_FOUND', async () => {
    const { system } = await bareQueue();
    await expect(system.queue('nope').enqueue(1)).rejects.toMatchObject({ code: 'ERR_QUEUE_NOT_FOUND' });
  });

  it('rejects an enqueue to a stopped system with ERR_STOPPED', async () => {
    const { system } = await bareQueue();
    await system.stop();
    const error = await system
      .queue('q')
      .enqueue(1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuiError);
    expect(error).toMatchObject({ code: 'ERR_STOPPED' });
  });
});

/** An actor that enqueues `{ task, options }` into queue `q` by message on `go`, and hands on the reply. */
async function enqueueByMessage(options: unknown): Promise<{ reply: EnqueueReply; q: QueueClient }> {
  type Msg = { type: 'go' } | EnqueueReply;
  let gotReply!: (reply: EnqueueReply) => void;
  const replied = new Promise<EnqueueReply>((resolve) => (gotReply = resolve));
  const producer = defineActor<null, Msg>({
    id: 'producer',
    name: 'producer',
    init: () => null,
    handle: (s, msg, ctx) => {
      // The reply is a message with a type like the actor's own, so one switch tells them apart.
      switch (msg.type) {
        case 'go':
          ctx.system.send<QueueMessage>('q', {
            type: 'queue.enqueue',
            task: 'from-actor',
            options,
            replyTo: ctx.self,
          });
          return s;
        case 'queue.enqueued':
        case 'queue.enqueue-failed':
          gotReply(msg);
          return s;
      }
    },
  });
  const t = await startTestSystem(
    defineSupervisor({ id: 'root', children: [defineQueue({ name: 'q' }), producer] }),
  );
  t.system.send('producer', { type: 'go' });
  return { reply: await replied, q: t.system.queue('q') };
}

describe('other actors reach a queue by name with messages', () => {
  it('enqueues by message and gets a queue.enqueued reply', async () => {
    const { reply, q } = await enqueueByMessage({ priority: 'high' });
    expect(reply).toMatchObject({
      type: 'queue.enqueued',
      ok: true,
      jobs: [{ task: 'from-actor', priority: 'high' }],
    });
    expect(await q.dequeue()).toMatchObject({ task: 'from-actor', priority: 'high' });
  });

  it('gets a queue.enqueue-failed reply, with the error, for a refused enqueue', async () => {
    const { reply, q } = await enqueueByMessage({ prioirity: 'high' });
    expect(reply).toMatchObject({
      type: 'queue.enqueue-failed',
      ok: false,
      error: { code: 'ERR_INVALID_OPTIONS', path: 'options.prioirity' },
    });
    expect(await q.size()).toBe(0);
  });
});
