import type { StoreBroadcast } from '../../src/stores/job-records';
import type { JobStoreFactory } from '../../src/stores/job-store';
import { memoryStore } from '../../src/stores/memory-store';

/**
 * Memory stores whose broadcasts cross between every store one bus made, as JSON and on a later
 * turn, like Redis pub/sub between processes: two systems in one test act as two processes for
 * events, cancels and pauses (not for jobs: each store keeps its own). Its kind is not 'memory',
 * so queues treat it as a shared store (broadcast their events, heartbeat, reap).
 */
export function broadcastBus(): { readonly factory: () => JobStoreFactory; readonly sent: StoreBroadcast[] } {
  const listeners = new Set<(m: StoreBroadcast) => void>();
  const sent: StoreBroadcast[] = [];
  const factory = (): JobStoreFactory => {
    const memory = memoryStore();
    return {
      kind: 'memory-bus',
      serializes: true,
      create: (config) => {
        const store = memory.create(config);
        const records = store.records;
        if (!records) return store;
        const own = new Set<(m: StoreBroadcast) => void>();
        const wired = new Proxy(records, {
          get(target, key, receiver) {
            if (key === 'broadcast')
              return (m: StoreBroadcast) => {
                const wire = JSON.stringify(m);
                sent.push(JSON.parse(wire) as StoreBroadcast);
                setImmediate(() => {
                  for (const fn of [...listeners]) fn(JSON.parse(wire) as StoreBroadcast);
                });
              };
            if (key === 'onBroadcast')
              return (fn: (m: StoreBroadcast) => void) => {
                listeners.add(fn);
                own.add(fn);
                return () => {
                  listeners.delete(fn);
                  own.delete(fn);
                };
              };
            const value: unknown = Reflect.get(target, key, receiver);
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        });
        return new Proxy(store, {
          get(target, key, receiver) {
            if (key === 'records') return wired;
            const value: unknown = Reflect.get(target, key, receiver);
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        });
      },
    };
  };
  return { factory, sent };
}
