import fc from 'fast-check';
import { defineActor } from '../../src/actors/define-actor';
import type { ActorRef } from '../../src/actors/actor-ref';
import { pollMessage, type PoolMessage } from '../../src/queue/pool-messages';
import { findQueueRuntime } from '../../src/queue/queue-runtime';
import type { WorkerMessage } from '../../src/queue/worker-messages';
import { defineQueue } from '../../src/queue/define-queue';
import type { Job } from '../../src/jobs/job';
import { defineSupervisor } from '../../src/supervision/spec';
import { startTestSystem } from '../helpers/start-test-system';

/** The reference: what a strict-priority FIFO queue with delayed jobs and parked polls must do. */
class ModelQueue {
  lanes: Record<string, number[]> = { high: [], low: [] };
  delayed: Array<{ task: number; priority: string; due: number; seq: number }> = [];
  parked = 0;
  assigned: number[] = [];
  private seq = 0;

  add(task: number, priority: string, due: number, now: number): void {
    if (due > now) this.delayed.push({ task, priority, due, seq: this.seq++ });
    else (this.lanes[priority] as number[]).push(task);
  }
  promote(now: number): void {
    const ready = this.delayed.filter((d) => d.due <= now).sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.delayed = this.delayed.filter((d) => d.due > now);
    for (const d of ready) (this.lanes[d.priority] as number[]).push(d.task);
  }
  take(now: number): number | undefined {
    this.promote(now);
    for (const p of ['high', 'low'])
      if ((this.lanes[p] as number[]).length) return (this.lanes[p] as number[]).shift();
    return undefined;
  }
  drain(now: number): void {
    while (this.parked > 0) {
      const t = this.take(now);
      if (t === undefined) return;
      this.parked--;
      this.assigned.push(t);
    }
  }
  counts(now: number): { high: number; low: number; delayed: number } {
    const due = this.delayed.filter((d) => d.due <= now);
    return {
      high: (this.lanes.high as number[]).length + due.filter((d) => d.priority === 'high').length,
      low: (this.lanes.low as number[]).length + due.filter((d) => d.priority === 'low').length,
      delayed: this.delayed.length - due.length,
    };
  }
}

const priority = fc.constantFrom('high', 'low', 'bogus');
const delay = fc.constantFrom(undefined, 0, 30, 100, -1);
const op = fc.oneof(
  fc.record({ kind: fc.constant('enqueue' as const), priority, delay, typo: fc.boolean() }),
  fc.record({
    kind: fc.constant('enqueueMany' as const),
    items: fc.array(fc.record({ priority, delay }), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('dequeue' as const) }),
  fc.record({ kind: fc.constant('poll' as const) }),
  fc.record({ kind: fc.constant('fail' as const), delay: fc.constantFrom(0, 40) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(10, 50, 200) }),
);

const valid = (p: string, d: number | undefined): boolean => p !== 'bogus' && (d === undefined || d >= 0);

describe('the queue against a model', () => {
  it('agrees with the model on every step of random valid and invalid interleavings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
        const received: Job[] = [];
        const probe = defineActor<null, WorkerMessage>({
          id: 'probe',
          name: 'probe',
          init: () => null,
          handle: (s, msg) => {
            if (msg.type === 'worker.assign') received.push(msg.job);
            if (msg.type === 'worker.status') msg.replyTo.send({ state: 'idle' });
            return s;
          },
        });
        const t = await startTestSystem(
          // No records: the model writes retries of one hand-out again and again (`fail` twice), which
          // a records store refuses once the attempt is no longer active, as it should.
          defineSupervisor({ id: 'root', children: [defineQueue({ name: 'q', retain: false }), probe] }),
        );
        const q = t.system.queue<number>('q');
        const queueRef = t.system.lookup<PoolMessage>('q') as ActorRef<PoolMessage>;
        const ledger = findQueueRuntime(t.core, 'q')!.ledger;
        const probeRef = t.system.lookup<WorkerMessage>('probe') as ActorRef<WorkerMessage>;
        const model = new ModelQueue();
        const now = (): number => t.clock.wallNow();
        let next = 0;
        const dequeued: Array<number | undefined> = [];
        const expectedDequeued: Array<number | undefined> = [];
        try {
          for (const o of ops) {
            switch (o.kind) {
              case 'enqueue': {
                const task = next++;
                const options = {
                  ...(o.typo ? { prioirity: o.priority } : { priority: o.priority }),
                  ...(o.delay === undefined ? {} : { delayMs: o.delay }),
                };
                const ok = !o.typo && valid(o.priority, o.delay);
                const result = await q.enqueue(task, options as never).then(
                  () => true,
                  () => false,
                );
                expect(result).toBe(ok);
                if (ok) {
                  model.add(task, o.priority, now() + (o.delay ?? 0), now());
                  model.drain(now());
                }
                break;
              }
              case 'enqueueMany': {
                const items = o.items.map((i) => ({
                  task: next++,
                  options: { priority: i.priority, ...(i.delay === undefined ? {} : { delayMs: i.delay }) },
                }));
                const ok = o.items.every((i) => valid(i.priority, i.delay));
                expect(
                  await q.enqueueMany(items).then(
                    () => true,
                    () => false,
                  ),
                ).toBe(ok);
                if (ok) {
                  items.forEach((it, k) =>
                    model.add(it.task, o.items[k]!.priority, now() + (o.items[k]!.delay ?? 0), now()),
                  );
                  model.drain(now());
                }
                break;
              }
              case 'dequeue':
                dequeued.push((await q.dequeue())?.task);
                expectedDequeued.push(model.take(now()));
                break;
              case 'poll':
                queueRef.send(pollMessage(probeRef));
                model.parked++;
                model.drain(now());
                break;
              case 'fail': {
                const last = received[received.length - 1];
                if (!last) break;
                ledger.retry(last, o.delay, undefined, new Error('failed'), now());
                model.add(last.task as number, last.priority, now() + o.delay, now());
                model.drain(now());
                break;
              }
              case 'advance':
                t.clock.advance(o.ms);
                model.drain(now());
                break;
            }
            const stats = await q.stats(); // a barrier: every message sent before it has been handled
            await t.system.ask<unknown, WorkerMessage>(
              'probe',
              (replyTo) => ({ type: 'worker.status', replyTo }),
              Infinity,
            );
            const counts = model.counts(now());
            expect({ ...stats.waiting, delayed: stats.delayed, parked: stats.parkedPolls }).toEqual({
              high: counts.high,
              low: counts.low,
              delayed: counts.delayed,
              parked: model.parked,
            });
            expect(dequeued).toEqual(expectedDequeued);
          }
          await t.system.queue('q').size();
          expect(received.map((j) => j.task)).toEqual(model.assigned);
        } finally {
          await t.system.stop();
        }
      }),
      { numRuns: 60 },
    );
  });
});
