import type { SystemCore } from '../../src/runtime/system-core';
import { queueRuntimes } from '../../src/queue/queue-runtime';

/** One queue's books at the moment its store was about to close. */
export interface QueueBooks {
  readonly queue: string;
  readonly enqueued: number;
  readonly completed: number;
  readonly dead: number;
  readonly lost: number;
  readonly cancelled: number;
  readonly removed: number;
  readonly dequeued: number;
  readonly held: number;
}

/**
 * Stops the system and checks every queue's books: each job enqueued ended as completed, dead,
 * lost (with a `job.lost` event), cancelled, removed or dequeued by a caller, or is still held by
 * the store: `enqueued = completed + dead + lost + cancelled + removed + dequeued + held`
 * (a job `retryJob` put back counts as enqueued again). A dead-letter queue's copies count as
 * its own enqueues. The store's size is read just before it closes, once the ledger's writes
 * have settled. Returns the books for further checks.
 */
export async function expectAllAccounted(core: SystemCore): Promise<QueueBooks[]> {
  const books: QueueBooks[] = [];
  const all = queueRuntimes(core);
  // Closers run newest first: this one runs before any store closes.
  core.onClose(async () => {
    for (const rt of all) {
      const ledger = rt.ledger;
      await ledger.settled();
      const t = ledger.totals;
      books.push({
        queue: rt.config.name,
        enqueued: t.enqueued,
        completed: t.completed,
        dead: t.dead,
        lost: t.lost,
        cancelled: t.cancelled,
        removed: t.removed,
        dequeued: ledger.dequeued,
        held: ledger.store ? await ledger.store.size() : 0,
      });
    }
  });
  await core.stop();
  expect(books).toHaveLength(all.length);
  for (const b of books) {
    expect({
      queue: b.queue,
      unaccounted: b.enqueued - b.completed - b.dead - b.lost - b.cancelled - b.removed - b.dequeued - b.held,
    }).toEqual({
      queue: b.queue,
      unaccounted: 0,
    });
  }
  return books;
}
