import { defineActor } from '../../../src/actors/define-actor';
import { InvalidSpecError } from '../../../src/errors';
import { defineDynamicSupervisor, defineSupervisor } from '../../../src/supervision/spec';

const actor = (id: string, name?: string) =>
  defineActor({ id, ...(name ? { name } : {}), init: () => 0, handle: (s: number) => s });

function thrown(fn: () => unknown): InvalidSpecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidSpecError) return error;
    throw error;
  }
  throw new Error('expected an InvalidSpecError');
}

const bad = (value: unknown) => value as never;

describe('defineSupervisor', () => {
  it.each<[string, () => unknown, string]>([
    [
      'a duplicate id',
      () => defineSupervisor({ id: 'r', children: [actor('a'), actor('a')] }),
      'children[1].id: duplicate id "a"',
    ],
    [
      'a duplicate name among siblings',
      () => defineSupervisor({ id: 'r', children: [actor('a', 'x'), actor('b', 'x')] }),
      'children[1].name: duplicate name "x" (also at children[0])',
    ],
    [
      'a duplicate name in a nested supervisor',
      () =>
        defineSupervisor({
          id: 'r',
          children: [actor('a', 'x'), defineSupervisor({ id: 's', children: [actor('b', 'x')] })],
        }),
      'children[1].children[0].name: duplicate name "x" (also at children[0])',
    ],
    [
      'a child named like the root',
      () => defineSupervisor({ id: 'r', name: 'x', children: [actor('a', 'x')] }),
      'children[0].name: duplicate name "x" (also at the root)',
    ],
    [
      'an unknown strategy',
      () => defineSupervisor({ id: 'r', strategy: bad('one_for_one'), children: [] }),
      `strategy: must be one of 'one-for-one', 'one-for-all', 'rest-for-one', got "one_for_one"`,
    ],
    [
      'a negative shutdown',
      () => defineSupervisor({ id: 'r', shutdown: -1, children: [] }),
      `shutdown: must be an integer >= 0, got -1`,
    ],
    [
      'a fractional shutdown',
      () => defineSupervisor({ id: 'r', shutdown: 1.5, children: [] }),
      `shutdown: must be an integer >= 0, got 1.5`,
    ],
    [
      'an unknown shutdown word',
      () => defineSupervisor({ id: 'r', shutdown: bad('brutal_kill'), children: [] }),
      `shutdown: must be 'brutal-kill', 'infinity' or an integer number of ms >= 0, got "brutal_kill"`,
    ],
    [
      'a negative maxRestarts',
      () => defineSupervisor({ id: 'r', intensity: { maxRestarts: -1, withinMs: 1000 }, children: [] }),
      'intensity.maxRestarts: must be an integer >= 0, got -1',
    ],
    [
      'a zero window',
      () => defineSupervisor({ id: 'r', intensity: { maxRestarts: 1, withinMs: 0 }, children: [] }),
      'intensity.withinMs: must be an integer >= 1, got 0',
    ],
    [
      'an infinite maxRestarts',
      () => defineSupervisor({ id: 'r', intensity: { maxRestarts: Infinity, withinMs: 1000 }, children: [] }),
      'intensity.maxRestarts: must be an integer >= 0, got Infinity',
    ],
    [
      'a null maxRestarts (not a missing one)',
      () => defineSupervisor({ id: 'r', intensity: bad({ maxRestarts: null }), children: [] }),
      'intensity.maxRestarts: must be an integer >= 0, got null',
    ],
    [
      'an unknown intensity key',
      () => defineSupervisor({ id: 'r', intensity: bad({ maxRestarts: 1, period: 5 }), children: [] }),
      'intensity.period: is not a known option (known: maxRestarts, withinMs)',
    ],
    [
      'an unknown key',
      () => defineSupervisor(bad({ id: 'r', strategy: 'one-for-one', autoShutdown: 'never', children: [] })),
      'autoShutdown: is not a known option (known: id, name, strategy, intensity, children, restart, shutdown)',
    ],
    [
      'an unknown restart type',
      () => defineSupervisor({ id: 'r', restart: bad('always'), children: [] }),
      `restart: must be one of 'permanent', 'transient', 'temporary', got "always"`,
    ],
    [
      'a name with a space',
      () => defineSupervisor({ id: 'r', name: 'my sup', children: [] }),
      'name: may hold only letters, digits and -_.:@/, got "my sup"',
    ],
    [
      'a missing id',
      () => defineSupervisor(bad({ children: [] })),
      'id: must be a non-empty string, got undefined',
    ],
    [
      'children that are not an array',
      () => defineSupervisor(bad({ id: 'r' })),
      'children: must be an array, got undefined',
    ],
    [
      'a child that is not a spec',
      () => defineSupervisor({ id: 'r', children: [bad({ id: 'x' })] }),
      'children[0]: must be a spec made by defineActor, defineSupervisor, defineDynamicSupervisor or defineQueue',
    ],
  ])('rejects %s with a path-named message', (_label, define, message) => {
    const error = thrown(define);
    expect(error.message).toBe(message);
    expect(error.code).toBe('ERR_INVALID_SPEC');
    expect(error.path).toBe(message.slice(0, message.indexOf(':')));
  });

  it('fills in the defaults: one-for-one, 3 restarts in 5000 ms, permanent, infinity', () => {
    const spec = defineSupervisor({ id: 'r', children: [] });
    expect(spec).toEqual({
      kind: 'supervisor',
      id: 'r',
      name: undefined,
      strategy: 'one-for-one',
      intensity: { maxRestarts: 3, withinMs: 5000 },
      children: [],
      restart: 'permanent',
      shutdown: 'infinity',
    });
    expect(Object.isFrozen(spec)).toBe(true);
  });

  it('fills in a partial intensity from the defaults', () => {
    expect(defineSupervisor({ id: 'r', intensity: { maxRestarts: 0 }, children: [] }).intensity).toEqual({
      maxRestarts: 0,
      withinMs: 5000,
    });
  });
});

describe('defineDynamicSupervisor', () => {
  it.each<[string, () => unknown, string]>([
    [
      'a negative maxChildren',
      () => defineDynamicSupervisor({ id: 'd', maxChildren: -1 }),
      'maxChildren: must be an integer >= 0, got -1',
    ],
    [
      'a strategy (dynamic supervisors are one for one)',
      () => defineDynamicSupervisor(bad({ id: 'd', strategy: 'one-for-all' })),
      'strategy: is not a known option (known: id, name, maxChildren, intensity, restart, shutdown)',
    ],
    [
      'a bad intensity',
      () => defineDynamicSupervisor({ id: 'd', intensity: { maxRestarts: 1.5, withinMs: 10 } }),
      'intensity.maxRestarts: must be an integer >= 0, got 1.5',
    ],
  ])('rejects %s with a path-named message', (_label, define, message) => {
    expect(thrown(define).message).toBe(message);
  });

  it('defaults to unlimited children, 3 restarts in 5000 ms, permanent, infinity', () => {
    expect(defineDynamicSupervisor({ id: 'd' })).toEqual({
      kind: 'dynamic-supervisor',
      id: 'd',
      name: undefined,
      maxChildren: Infinity,
      intensity: { maxRestarts: 3, withinMs: 5000 },
      restart: 'permanent',
      shutdown: 'infinity',
    });
  });
});

describe('defineActor', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a missing init', { id: 'a', handle: () => 0 }, 'init: must be a function, got undefined'],
    [
      'a handle that is not a function',
      { id: 'a', init: () => 0, handle: 3 },
      'handle: must be a function, got 3',
    ],
    [
      'an unknown key',
      { id: 'a', init: () => 0, handle: () => 0, onCrash: () => 0 },
      'onCrash: is not a known option (known: id, name, restart, shutdown, init, handle, terminate)',
    ],
    [
      'a negative shutdown',
      { id: 'a', shutdown: -5, init: () => 0, handle: () => 0 },
      'shutdown: must be an integer >= 0, got -5',
    ],
    [
      'a bad restart type',
      { id: 'a', restart: 'sometimes', init: () => 0, handle: () => 0 },
      `restart: must be one of 'permanent', 'transient', 'temporary', got "sometimes"`,
    ],
    [
      'a name with a slash-free bad character',
      { id: 'a', name: 'a*b', init: () => 0, handle: () => 0 },
      'name: may hold only letters, digits and -_.:@/, got "a*b"',
    ],
    ['an empty id', { id: '', init: () => 0, handle: () => 0 }, 'id: must be a non-empty string, got ""'],
  ])('rejects %s with a path-named message', (_label, options, message) => {
    expect(thrown(() => defineActor(options as never)).message).toBe(message);
  });

  it('defaults to permanent with a 5000 ms shutdown', () => {
    const spec = defineActor({ id: 'a', init: () => 0, handle: (s: number) => s });
    expect([spec.kind, spec.restart, spec.shutdown, spec.name]).toEqual([
      'actor',
      'permanent',
      5000,
      undefined,
    ]);
  });

  it('accepts brutal-kill, infinity and 0 as shutdowns', () => {
    for (const shutdown of ['brutal-kill', 'infinity', 0] as const) {
      expect(defineActor({ id: 'a', shutdown, init: () => 0, handle: (s: number) => s }).shutdown).toBe(
        shutdown,
      );
    }
  });
});
