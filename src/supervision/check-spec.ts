import { RESTART_TYPES, type Shutdown } from '../actors/child-options';
import { InvalidSpecError } from '../errors';
import { checkInteger, checkOneOf, checkString, describe, join, type Fail } from '../validate';
import { isChildSpec, STRATEGIES, type ChildSpec } from './spec';

const fail: Fail = (path, problem) => new InvalidSpecError(path, problem);

const MADE_BY =
  'must be a spec made by defineSupervisor, defineActor, defineDynamicSupervisor or defineQueue';

/**
 * Checks that `value` is a whole child spec as the runtime runs it (what the `define*` functions
 * return), down the tree: the guard of `startSystem` and `startChild`, which may be handed anything
 * at run time (a config module's export, a hand-built object). Definitions are trusted to be
 * complete; this only keeps a malformed one from surfacing as a bare TypeError deep in a start.
 * @param path the name of the checked value in the error (`spec`); children are `spec.children[0]`….
 * @throws {InvalidSpecError} naming the path of the first field that is wrong.
 * @internal
 */
export function checkSpecShape(value: unknown, path: string): ChildSpec {
  if (!isChildSpec(value)) throw fail(path, `${MADE_BY}, got ${describe(value)}`);
  const spec = value as unknown as Record<string, unknown>;
  checkString(spec.id, join(path, 'id'), fail);
  if (spec.name !== undefined) checkString(spec.name, join(path, 'name'), fail);
  checkOneOf(spec.restart, join(path, 'restart'), RESTART_TYPES, fail);
  checkShutdown(spec.shutdown, join(path, 'shutdown'));
  switch (value.kind) {
    case 'actor': {
      const behavior = spec.behavior as Record<string, unknown> | null | undefined;
      if (
        typeof behavior !== 'object' ||
        behavior === null ||
        typeof behavior.init !== 'function' ||
        typeof behavior.handle !== 'function'
      )
        throw fail(path, `${MADE_BY} (it has no behaviour)`);
      return value;
    }
    case 'supervisor':
      checkOneOf(spec.strategy, join(path, 'strategy'), STRATEGIES, fail);
      checkIntensity(spec.intensity, join(path, 'intensity'));
      checkChildren(spec.children, join(path, 'children'));
      return value;
    case 'dynamic-supervisor':
      if (spec.maxChildren !== Infinity) checkInteger(spec.maxChildren, join(path, 'maxChildren'), 0, fail);
      checkIntensity(spec.intensity, join(path, 'intensity'));
      if (spec.children !== undefined) checkChildren(spec.children, join(path, 'children'));
      return value;
  }
}

function checkChildren(children: unknown, path: string): void {
  if (!Array.isArray(children)) throw fail(path, `must be an array, got ${describe(children)}`);
  children.forEach((child, i) => checkSpecShape(child, join(path, i)));
}

function checkIntensity(value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null)
    throw fail(path, `must be an object, got ${describe(value)}`);
  const intensity = value as Record<string, unknown>;
  checkInteger(intensity.maxRestarts, join(path, 'maxRestarts'), 0, fail);
  checkInteger(intensity.withinMs, join(path, 'withinMs'), 1, fail);
}

function checkShutdown(value: unknown, path: string): Shutdown {
  if (value === 'brutal-kill' || value === 'infinity') return value;
  if (typeof value === 'number') return checkInteger(value, path, 0, fail);
  throw fail(
    path,
    `must be 'brutal-kill', 'infinity' or an integer number of ms >= 0, got ${describe(value)}`,
  );
}
