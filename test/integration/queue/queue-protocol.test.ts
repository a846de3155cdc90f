import * as entry from '../../../src/index';
import { InvalidSpecError, QuiError } from '../../../src/errors';
import { err } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem } from '../../../src/runtime/start-system';
import { defineDynamicSupervisor, defineSupervisor } from '../../../src/supervision/spec';
import { expectAllAccounted } from '../../helpers/expect-all-accounted';
import { flush } from '../../helpers/events';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

async function bareQueue() {
  const t = await startTestSystem(defineSupervisor({ id: 'root', children: [defineQueue({ name: 'q' })] }), {
    account: true,
  });
  return { ...t, q: t.system.queue<unknown>('q') };
}

describe('malformed messages sent by name (defect 5)', () => {
  const malformed: Array<[string, unknown]> = [
    ['a dequeue without replyTo', { type: 'queue.dequeue' }],
    ['stats without replyTo', { type: 'queue.stats' }],
    ['size without replyTo', { type: 'queue.size' }],
    ['an enqueue whose replyTo is not a ref', { type: 'queue.enqueue', task: 1, replyTo: 5 }],
    ['a poll without a worker', { type: 'queue.poll' }],
    ['a return without a job', { type: 'queue.return' }],
    ['a forged completion report', { type: 'queue.report', report: { type: 'completed' } }],
    ['a forged poll', { type: 'queue.poll', worker: { path: 'x', alive: true, send: () => undefined } }],
    ['not an object', 42],
  ];
  it.each(malformed)('ignores %s: no effect, no crash, a warning', async (_label, message) => {
    const { system, q, log, core } = await bareQueue();
    await q.enqueue('keep');
    const cell = system.lookup('q');
    system.send('q', message);
    await flush();
    expect(system.lookup('q')).toBe(cell);
    expect(await q.size()).toBe(1);
    const stats = await q.stats();
    expect(stats.totals).toMatchObject({ enqueued: 1, completed: 0, handedOut: 0 });
    expect(stats.parkedPolls).toBe(0);
    expect(log.find('malformed message ignored', 'warn')).toHaveLength(1);
    await expectAllAccounted(core);
  });

  it('answers a malformed request that has a replyTo with ERR_INVALID_MESSAGE', async () => {
    const { system } = await bareQueue();
    const reply = await system.ask<unknown>('q', (replyTo) => ({ type: 'queue.bogus', replyTo }), Infinity);
    expect(reply).toBeInstanceOf(QuiError);
    expect(reply).toMatchObject({ code: 'ERR_INVALID_MESSAGE' });
  });

  it('answers a bad enqueue by message with a typed reply naming the field', async () => {
    const { system, q } = await bareQueue();
    const reply = await system.ask<unknown>(
      'q',
      (replyTo) => ({ type: 'queue.enqueue', task: 1, options: { priority: 'nope' }, replyTo }),
      Infinity,
    );
    expect(reply).toMatchObject({
      type: 'queue.enqueue-failed',
      ok: false,
      error: { path: 'options.priority' },
    });
    expect(await q.size()).toBe(0);
  });
});

describe('a deadLetter naming a queue not in the tree (defect 8)', () => {
  it('refuses to start, naming the path of the field', async () => {
    const tree = defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'other' }), defineQueue({ name: 'q', deadLetter: 'missing' })],
    });
    const error = await startSystem(tree).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_SPEC', path: 'children[1].deadLetter' });
  });

  it('with a dynamic supervisor in the tree: warns once at start, reports each undelivered copy as lost', async () => {
    const t = await startTestSystem(
      defineSupervisor({
        id: 'root',
        children: [
          defineQueue({
            name: 'q',
            deadLetter: 'later',
            workers: { count: 1, processor: () => err(new Error('x')) },
            defaults: { maxRetries: 0 },
          }),
          defineDynamicSupervisor({ id: 'extra' }),
        ],
      }),
      { account: true },
    );
    expect(t.log.records.filter((r) => r.level === 40 && /dead-letter/.test(r.msg))).toHaveLength(1);
    const jobs = new JobEvents(t.system.events);
    await t.system.queue('q').enqueue('doomed');
    const lost = await jobs.wait('job.lost');
    expect(lost).toMatchObject({
      job: { task: 'doomed' },
      reason: { type: 'store', error: { code: 'ERR_QUEUE_NOT_FOUND' } },
    });
    const books = await expectAllAccounted(t.core);
    expect(books[0]).toMatchObject({ dead: 0, lost: 1 });
  });
});

describe('enqueues racing stop() (defect 11)', () => {
  it('get ERR_STOPPED, not ERR_NO_SUCH_ACTOR', async () => {
    const { system, q } = await bareQueue();
    const stopped = system.stop();
    const racing = await Promise.all(
      [q.enqueue(1), q.dequeue(), q.stats()].map((p) => p.catch((e: unknown) => e)),
    );
    await stopped;
    for (const error of racing) expect(error).toMatchObject({ code: 'ERR_STOPPED' });
  });

  it('an enqueue sent just before stop() is stored or refused with ERR_STOPPED', async () => {
    const { system, q } = await bareQueue();
    const racing = q.enqueue(1).catch((e: unknown) => e);
    await system.stop();
    const outcome = await racing;
    if (outcome instanceof Error) expect(outcome).toMatchObject({ code: 'ERR_STOPPED' });
    else expect(outcome).toMatchObject({ task: 1 });
  });
});

describe('the pool protocol is internal', () => {
  it('is not exported from the package entry', () => {
    expect(Object.keys(entry).filter((k) => /poll|wake|report|ledger/i.test(k))).toEqual([]);
  });
});
