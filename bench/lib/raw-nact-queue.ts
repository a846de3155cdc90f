/**
 * "The ceiling of the engine": the smallest job queue one can build on raw nact. One actor
 * holds an array of jobs; N worker actors each send `{ type: 'poll', replyTo }` and get one
 * job per reply; the processor is whatever the caller passes. No retries, no timeouts, no
 * bookkeeping: anything Qui does costs on top of this.
 */
import { dispatch, spawn, start, stop, type Ref } from 'nact';

export type RawQueueMessage<TJob> =
  | { readonly type: 'push'; readonly items: readonly TJob[] }
  | { readonly type: 'poll'; readonly replyTo: Ref<RawWorkerMessage<TJob>> };

export type RawWorkerMessage<TJob> =
  { readonly type: 'start' } | { readonly type: 'job'; readonly job: TJob };

interface QueueState<TJob> {
  items: (TJob | undefined)[];
  head: number;
  parked: Ref<RawWorkerMessage<TJob>>[];
}

export interface RawNactQueue<TJob> {
  push(items: readonly TJob[]): void;
  /** Spawns `count` workers; each starts polling at once. */
  startWorkers(count: number): void;
  stop(): void;
}

function handleQueue<TJob>(state: QueueState<TJob>, msg: RawQueueMessage<TJob>): QueueState<TJob> {
  if (msg.type === 'push') {
    for (const item of msg.items) state.items.push(item);
    while (state.parked.length > 0 && state.head < state.items.length) {
      const worker = state.parked.pop() as Ref<RawWorkerMessage<TJob>>;
      dispatch(worker, { type: 'job', job: take(state) });
    }
  } else if (state.head < state.items.length) {
    dispatch(msg.replyTo, { type: 'job', job: take(state) });
  } else {
    state.parked.push(msg.replyTo);
  }
  return state;
}

function take<TJob>(state: QueueState<TJob>): TJob {
  const job = state.items[state.head] as TJob;
  state.items[state.head] = undefined;
  state.head++;
  // Compact now and then so a long-lived queue does not keep a huge sparse array.
  if (state.head > 4096 && state.head * 2 > state.items.length) {
    state.items = state.items.slice(state.head);
    state.head = 0;
  }
  return job;
}

/** Starts a nact system with one queue actor; `processor` runs synchronously per job. */
export function createRawNactQueue<TJob>(processor: (job: TJob) => void): RawNactQueue<TJob> {
  const system = start();
  const initial: QueueState<TJob> = { items: [], head: 0, parked: [] };
  const queue = spawn(system, (s: QueueState<TJob>, m: RawQueueMessage<TJob>) => handleQueue(s, m), 'queue', {
    initialState: initial,
  });
  let spawned = 0;
  return {
    push: (items) => dispatch(queue, { type: 'push', items }),
    startWorkers(count) {
      for (let i = 0; i < count; i++) {
        const worker = spawn(
          system,
          (state: number, msg: RawWorkerMessage<TJob>, ctx) => {
            if (msg.type === 'job') processor(msg.job);
            dispatch(queue, { type: 'poll', replyTo: ctx.self });
            return state;
          },
          `w${spawned++}`,
          { initialState: 0 },
        );
        dispatch(worker, { type: 'start' });
      }
    },
    stop: () => stop(system),
  };
}
