import type { SystemServices } from '../../../src/actors/system-services';
import { QuiEventBus } from '../../../src/events';
import { adoptWatch, watchAttempts, watchEnqueued, type WatchedQueue } from '../../../src/queue/queue-watch';
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

const watched = (): WatchedQueue => ({
  attemptHooks: [],
  enqueueTracer: undefined,
  ledger: { enqueueWatchers: [] },
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
});
