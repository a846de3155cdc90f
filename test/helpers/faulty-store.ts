import type { Job } from '../../src/jobs/job';
import { memoryStore } from '../../src/stores/memory-store';
import type { JobStore, JobStoreFactory, StoreConfig } from '../../src/stores/job-store';

/** What a {@link faultyStore} should fail, and how often (Infinity: always). */
export interface Faults {
  /** `add` rejects this many times, then works. */
  add: number;
  /** `take` / `takeMany` reject this many times, then work. */
  take: number;
  /** Answer with promises (as Redis does) and offer `takeMany` (batched serving). */
  readonly async: boolean;
  /** While set, `add` waits for it before writing (a slow store). */
  hold: Promise<void> | undefined;
}

/**
 * A memory store behind a switchboard of faults: a test sets `faults.add = 3` and the next three
 * `add` calls reject (as a store whose connection dropped would), the fourth works. The store
 * returned by `create` is kept in `stores` for the test to inspect.
 */
export function faultyStore(initial: Partial<Faults> = {}): {
  factory: JobStoreFactory;
  faults: Faults;
  stores: JobStore[];
  added: Job[];
  /** `add` calls and `close` calls, in the order they happened. */
  calls: string[];
} {
  const calls: string[] = [];
  const faults: Faults = { add: 0, take: 0, async: false, hold: undefined, ...initial };
  const stores: JobStore[] = [];
  const added: Job[] = [];
  const inner = memoryStore();
  const fail = (): Error => new Error('connection is closed (injected fault)');
  const factory: JobStoreFactory = {
    kind: 'faulty',
    serializes: false,
    create(config: StoreConfig) {
      const store: JobStore = inner.create(config);
      const answer = <T>(fn: () => T | PromiseLike<T>): T | PromiseLike<T> =>
        faults.async ? Promise.resolve().then(fn) : fn();
      const wrapped: JobStore = {
        add: (job, now, limit) => {
          const hold = faults.hold;
          if (hold) return hold.then(() => wrapped.add(job, now, limit));
          calls.push('add');
          return answer(() => {
            if (faults.add > 0) {
              faults.add--;
              throw fail();
            }
            added.push(job);
            return store.add(job, now, limit);
          });
        },
        addMany: (jobs, now, limit) =>
          answer(() => {
            if (faults.add > 0) {
              faults.add--;
              throw fail();
            }
            return store.addMany(jobs, now, limit);
          }),
        take: (now) =>
          answer(() => {
            if (faults.take > 0) {
              faults.take--;
              throw fail();
            }
            return store.take(now);
          }),
        nextDueAtMs: () => answer(() => store.nextDueAtMs()),
        counts: (now) => answer(() => store.counts(now)),
        size: () => answer(() => store.size()),
        close: () => {
          calls.push('close');
          return store.close();
        },
      };
      if (faults.async) {
        wrapped.takeMany = (n, now) =>
          answer(() => {
            if (faults.take > 0) {
              faults.take--;
              throw fail();
            }
            return (store.takeMany as NonNullable<JobStore['takeMany']>)(n, now);
          });
      }
      stores.push(wrapped);
      return wrapped;
    },
  };
  return { factory, faults, stores, added, calls };
}
