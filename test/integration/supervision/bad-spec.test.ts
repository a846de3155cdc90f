/**
 * Issue 8, defect 8 (first half): `startSystem` and `startChild` get anything at run time (a config
 * module's export, a hand-built object). What is not a whole spec is refused with an
 * InvalidSpecError naming the field, never a bare TypeError from deep inside a start.
 */
import { ManualClock } from '../../../src/clock';
import { InvalidOptionsError, InvalidSpecError } from '../../../src/errors';
import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem } from '../../../src/runtime/start-system';
import { defineDynamicSupervisor, defineSupervisor } from '../../../src/supervision/spec';
import { probe } from '../../helpers/probe';
import { startTestSystem } from '../../helpers/start-test-system';

const sup = defineSupervisor({ id: 'root', children: [probe({ id: 'a' })] });
const actor = probe({ id: 'solo' });
const MADE_BY =
  /must be a spec made by defineSupervisor, defineActor, defineDynamicSupervisor or defineQueue/;

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => undefined,
    (e: unknown) => e,
  );
}

const CASES: [string, unknown, string, RegExp][] = [
  ['null', null, 'spec', /got null$/],
  ['a string', 'x', 'spec', /got "x"$/],
  ['an empty object', {}, 'spec', MADE_BY],
  ['undefined', undefined, 'spec', /got undefined$/],
  ['an unknown kind', { kind: 'worker', id: 'w' }, 'spec', MADE_BY],
  ['a hand-made supervisor with no id', { kind: 'supervisor' }, 'spec.id', /non-empty string, got undefined/],
  [
    'a hand-made supervisor with no strategy',
    { ...sup, strategy: undefined },
    'spec.strategy',
    /must be one of 'one-for-one'/,
  ],
  [
    'a hand-made supervisor with children that are not an array',
    { ...sup, children: 'x' },
    'spec.children',
    /must be an array, got "x"/,
  ],
  [
    'a bad child deep in the tree',
    { ...sup, children: [sup, { ...sup, children: [{ kind: 'actor', id: 'x' }] }] },
    'spec.children[1].children[0].restart',
    /must be one of 'permanent'/,
  ],
  ['an actor without its behaviour', { ...actor, behavior: undefined }, 'spec', /\(it has no behaviour\)/],
  ['a bad intensity', { ...sup, intensity: { maxRestarts: 3 } }, 'spec.intensity.withinMs', /integer >= 1/],
  [
    'a bad shutdown',
    { ...sup, shutdown: 'soon' },
    'spec.shutdown',
    /'brutal-kill', 'infinity' or an integer/,
  ],
  [
    'a dynamic supervisor with a bad maxChildren',
    { ...defineDynamicSupervisor({ id: 'd' }), maxChildren: -1 },
    'spec.maxChildren',
    /integer >= 0, got -1/,
  ],
];

describe('startSystem given something that is not a spec', () => {
  it.each(CASES.map(([label, spec, path, message]) => [label, path, spec, message] as const))(
    'rejects %s with an InvalidSpecError naming %s',
    async (_label, path, spec, message) => {
      const error = await rejection(() => startSystem(spec as never, { clock: new ManualClock() }));
      expect(error).toBeInstanceOf(InvalidSpecError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_SPEC', path });
      expect((error as Error).message).toMatch(message);
    },
  );

  it('still rejects bad options with an InvalidOptionsError', async () => {
    const error = await rejection(() => startSystem(sup, { clock: 'now' } as never));
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_OPTIONS', path: 'clock' });
  });

  it('starts what the define functions made: an actor, a supervisor, a queue', async () => {
    for (const spec of [
      actor,
      sup,
      defineQueue({ name: 'q', workers: { count: 1, processor: () => ok() } }),
    ]) {
      const system = await startSystem(spec, { clock: new ManualClock() });
      await system.stop();
    }
  });
});

describe('startChild given something that is not a spec', () => {
  it.each([
    ['a static supervisor', defineSupervisor({ id: 'root', name: 'top', children: [] })],
    [
      'a dynamic supervisor',
      defineSupervisor({ id: 'root', children: [defineDynamicSupervisor({ id: 'top', name: 'top' })] }),
    ],
  ])('on %s answers error with an InvalidSpecError naming the field', async (_label, tree) => {
    const t = await startTestSystem(tree);
    const result = await t.sup('top').startChild({ ...actor, restart: 'sometimes' } as never);
    expect(result.status).toBe('error');
    const error = (result as { error: unknown }).error;
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error).toMatchObject({ path: 'spec.restart' });
    expect(t.events.of('actor.exited')).toEqual([]);
  });
});
