import type { QuiEventBus, QuiEvents, QuiEventType } from '../../src/events';

type Recorded = { [K in QuiEventType]: { readonly type: K; readonly event: QuiEvents[K] } }[QuiEventType];

interface Waiter {
  readonly type: QuiEventType;
  readonly match: (event: never) => boolean;
  readonly nth: number;
  readonly resolve: (event: never) => void;
}

/**
 * Records every event of a bus from the moment it is created and lets tests wait, without sleeps,
 * for the Nth event of a type that matches a predicate (counting those already seen).
 */
export class EventLog {
  readonly all: Recorded[] = [];
  private waiters: Waiter[] = [];

  constructor(bus: QuiEventBus) {
    const types: QuiEventType[] = [
      'actor.exited',
      'actor.restarted',
      'supervisor.escalated',
      'dead-letter',
      'system.failed',
    ];
    for (const type of types) bus.on(type, (event) => this.push({ type, event } as Recorded));
  }

  /** The events of one type seen so far, oldest first, optionally filtered. */
  of<K extends QuiEventType>(type: K, match: (event: QuiEvents[K]) => boolean = () => true): QuiEvents[K][] {
    return this.all
      .filter((r) => r.type === type && match(r.event as QuiEvents[K]))
      .map((r) => r.event as QuiEvents[K]);
  }

  /** Resolves with the `nth` (1-based) event of `type` matching `match`, already seen or to come. */
  waitFor<K extends QuiEventType>(
    type: K,
    match: (event: QuiEvents[K]) => boolean = () => true,
    nth = 1,
  ): Promise<QuiEvents[K]> {
    const seen = this.of(type, match);
    if (seen.length >= nth) return Promise.resolve(seen[nth - 1] as QuiEvents[K]);
    return new Promise((resolve) => {
      this.waiters.push({ type, match: match, nth, resolve: resolve });
    });
  }

  /** Waits for the `nth` exit of the child with this id. */
  exitOf(id: string, nth = 1): Promise<QuiEvents['actor.exited']> {
    return this.waitFor('actor.exited', (e) => e.id === id, nth);
  }

  /** Waits for the `nth` restart of the child with this id. */
  restartOf(id: string, nth = 1): Promise<QuiEvents['actor.restarted']> {
    return this.waitFor('actor.restarted', (e) => e.id === id, nth);
  }

  /** Ids of the actors that exited, in order, optionally only those in `ids`. */
  exitOrder(ids?: readonly string[]): string[] {
    return this.of('actor.exited', (e) => !ids || ids.includes(e.id)).map((e) => e.id);
  }

  private push(record: Recorded): void {
    this.all.push(record);
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.type === record.type && this.of(w.type, w.match as never).length >= w.nth) {
        w.resolve(this.of(w.type, w.match as never)[w.nth - 1] as never);
      } else still.push(w);
    }
    this.waiters = still;
  }
}

/** Lets `turns` event-loop iterations pass (each nact message takes one): for asserting that nothing happened. */
export async function flush(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A promise with its resolver outside, for terminate/handler hooks a test releases by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
