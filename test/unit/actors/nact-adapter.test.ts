import { Engine, MAX_MESSAGES_PER_TURN, type EngineRef } from '../../../src/actors/nact-adapter';

/** Resolves on the event-loop turn after the current one's immediates (nact runs each turn in one). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Engine', () => {
  let engine: Engine;
  beforeEach(() => {
    engine = new Engine((error) => {
      throw error;
    });
  });
  afterEach(() => engine.close());

  it('handles the messages already waiting in the same turn, in order, up to MAX_MESSAGES_PER_TURN', async () => {
    const seen: number[] = [];
    const ref = engine.spawn((message) => void seen.push(message as number));
    const total = MAX_MESSAGES_PER_TURN + 6;
    for (let i = 0; i < total; i++) engine.dispatch(ref, i);
    // The first message's turn comes before this check's: it took the waiting ones with it.
    await nextTurn();
    expect(MAX_MESSAGES_PER_TURN).toBeGreaterThan(1);
    expect(seen).toEqual(Array.from({ length: MAX_MESSAGES_PER_TURN }, (_, i) => i));
    await nextTurn();
    await nextTurn();
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('ends the turn at a handler that returns a promise, and waits for it before the next message', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ref = engine.spawn((message) => {
      seen.push(message as string);
      return message === 'b' ? held.then(() => seen.push('b done')) : undefined;
    });
    for (const m of ['a', 'b', 'c']) engine.dispatch(ref, m);
    await nextTurn();
    await nextTurn();
    expect(seen).toEqual(['a', 'b']);
    release();
    await held;
    await nextTurn();
    await nextTurn();
    expect(seen).toEqual(['a', 'b', 'b done', 'c']);
  });

  it('stops handling at a stop within the turn and reports the rest as undelivered', async () => {
    const seen: string[] = [];
    let undelivered: unknown[] | undefined;
    const box: { ref?: EngineRef } = {};
    box.ref = engine.spawn(
      (message) => {
        seen.push(message as string);
        if (message === 'stop') engine.stop(box.ref as EngineRef);
      },
      (messages) => (undelivered = messages),
    );
    for (const m of ['a', 'stop', 'b', 'c']) engine.dispatch(box.ref, m);
    await nextTurn();
    await nextTurn();
    expect(seen).toEqual(['a', 'stop']);
    expect(undelivered).toEqual(['b', 'c']);
  });
});
