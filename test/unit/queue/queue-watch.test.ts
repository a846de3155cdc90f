import type { SystemServices } from '../../../src/actors/system-services';
import { QuiEventBus } from '../../../src/events';
import { adoptWatch, watchAttempts, watchEnqueued, type WatchedQueue } from '../../../src/queue/queue-watch';
import { isBuiltInMemoryStore, memoryStore } from '../../../src/stores/memory-store';
import type { AttemptHook } from '../../../src/tasks/attempt-watches';

function services(resources: Map<string, unknown>): SystemServices {
  return {
    events: new QuiEventBus(() => undefined),
    processId: 'p',
    stopped: false,
    stopping: false,
    resources,
    onClose: () => undefined,
  };
}

const watched = (name = 'a', ownMemoryStore = true, enqueued = 0): WatchedQueue => ({
  config: { name },
  ownMemoryStore,
  attemptHooks: [],
  enqueueTracer: undefined,
  ledger: { enqueueWatchers: [], totals: { enqueued } },
});
const hook: AttemptHook = {
  watch: () => ({ start: () => ({ end: () => undefined }), close: () => undefined }),
};

describe('queue watches', () => {
  it('watch the queue runtimes under queue: keys and pass over any other resource there', () => {
    const q = watched();
    const s = services(
      new Map<string, unknown>([
        ['queue:a', q],
        ['queue:odd', 42],
        ['other', watched()],
      ]),
    );
    const unwatch = watchAttempts(s, hook);
    const unwatchEnqueued = watchEnqueued(s, () => undefined);
    expect(q.attemptHooks).toEqual([hook]);
    expect(q.ledger.enqueueWatchers).toHaveLength(1);
    unwatch();
    unwatchEnqueued();
    expect(q.attemptHooks).toEqual([]);
    expect(q.ledger.enqueueWatchers).toEqual([]);
  });

  it('give a queue started later the watches already running, as copies', () => {
    const s = services(new Map());
    watchAttempts(s, hook);
    const later = watched();
    adoptWatch(s, later);
    expect(later.attemptHooks).toEqual([hook]);
    watchAttempts(s, hook); // a second hook replaces the system's list, not the queue's copy
    expect(later.attemptHooks).toHaveLength(1);
  });
  it("tell an enqueue watch, as it begins on each queue, whether it sees all of that queue's jobs", () => {
    const s = services(
      new Map<string, unknown>([
        ['queue:fresh', watched('fresh')],
        ['queue:used', watched('used', true, 3)],
        ['queue:shared', watched('shared', false)],
      ]),
    );
    const begun: Array<[string, boolean]> = [];
    const unwatch = watchEnqueued(
      s,
      () => undefined,
      (queue, whole) => begun.push([queue, whole]),
    );
    adoptWatch(s, watched('later'));
    expect(begun).toEqual([
      ['fresh', true],
      ['used', false], // jobs were stored before the watch began
      ['shared', false], // not memoryStore()'s: others may store jobs it never sees
      ['later', true],
    ]);
    unwatch();
    adoptWatch(s, watched('after'));
    expect(begun).toHaveLength(4);
  });

  it("count as memoryStore()'s only the factories it made, not others that call themselves 'memory'", () => {
    const own = memoryStore();
    expect(isBuiltInMemoryStore(own)).toBe(true);
    expect(isBuiltInMemoryStore({ ...own })).toBe(false);
    expect(isBuiltInMemoryStore({ kind: 'memory', serializes: false, create: own.create })).toBe(false);
    expect(isBuiltInMemoryStore(undefined)).toBe(false);
  });
});
