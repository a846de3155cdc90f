import type { ActorSpec } from '../actors/define-actor';
import { InvalidSpecError } from '../errors';
import { checkInteger, checkObject, checkOneOf, deepFreeze, describe, join } from '../validate';
import { resolveChildCommon, type RestartType, type Shutdown } from '../actors/child-options';
import { resolveIntensity, type Intensity } from './restart-intensity';

/** OTP strategies: restart the failed child, all children, or the failed one and those started after it. */
export type Strategy = 'one-for-one' | 'one-for-all' | 'rest-for-one';
export const STRATEGIES: readonly Strategy[] = ['one-for-one', 'one-for-all', 'rest-for-one'];

/** Anything a supervisor can hold. */
export type ChildSpec = ActorSpec<never> | SupervisorSpec | DynamicSupervisorSpec;

/** What `defineSupervisor` takes. */
export interface SupervisorOptions {
  readonly id: string;
  readonly name?: string;
  /** @defaultValue 'one-for-one' */
  readonly strategy?: Strategy;
  /** @defaultValue { maxRestarts: 3, withinMs: 5000 } */
  readonly intensity?: Partial<Intensity>;
  /** Started in order, stopped in reverse order. */
  readonly children: readonly ChildSpec[];
  /** @defaultValue 'permanent' */
  readonly restart?: RestartType;
  /** @defaultValue 'infinity' */
  readonly shutdown?: Shutdown;
}

/** A supervisor's spec, every default filled in. */
export interface SupervisorSpec {
  readonly kind: 'supervisor';
  readonly id: string;
  readonly name: string | undefined;
  readonly strategy: Strategy;
  readonly intensity: Intensity;
  readonly children: readonly ChildSpec[];
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
}

/** What `defineDynamicSupervisor` takes. */
export interface DynamicSupervisorOptions {
  readonly id: string;
  readonly name?: string;
  /** @defaultValue Infinity */
  readonly maxChildren?: number;
  /** @defaultValue { maxRestarts: 3, withinMs: 5000 } */
  readonly intensity?: Partial<Intensity>;
  /** @defaultValue 'permanent' */
  readonly restart?: RestartType;
  /** @defaultValue 'infinity' */
  readonly shutdown?: Shutdown;
}

/** A dynamic supervisor's spec: no children at start; they come through `startChild`. */
export interface DynamicSupervisorSpec {
  readonly kind: 'dynamic-supervisor';
  /** @internal Children started at init, in order (worker pools); others come through `startChild`. */
  readonly children?: readonly ChildSpec[];
  readonly id: string;
  readonly name: string | undefined;
  readonly maxChildren: number;
  readonly intensity: Intensity;
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
}

const fail = (path: string, problem: string): Error => new InvalidSpecError(path, problem);
const SUP_KEYS = ['id', 'name', 'strategy', 'intensity', 'children', 'restart', 'shutdown'] as const;
const DYN_KEYS = ['id', 'name', 'maxChildren', 'intensity', 'restart', 'shutdown'] as const;

/**
 * Defines a supervisor with OTP semantics.
 * @throws {InvalidSpecError} naming the path, e.g. `children[2].id: duplicate id "db"`.
 * @example
 * const tree = defineSupervisor({ id: 'root', strategy: 'rest-for-one', children: [db, api] });
 */
export function defineSupervisor(options: SupervisorOptions): SupervisorSpec {
  const spec = checkObject(options, '', SUP_KEYS, fail);
  const common = resolveChildCommon(spec, '', 'infinity');
  const strategy =
    spec.strategy === undefined ? 'one-for-one' : checkOneOf(spec.strategy, 'strategy', STRATEGIES, fail);
  const intensity = resolveIntensity(spec.intensity, 'intensity', fail);
  if (!Array.isArray(spec.children))
    throw fail('children', `must be an array, got ${describe(spec.children)}`);
  const children = spec.children as unknown[];
  const ids = new Set<string>();
  children.forEach((child, i) => {
    const path = join('children', i);
    if (!isChildSpec(child)) {
      throw fail(
        path,
        'must be a spec made by defineActor, defineSupervisor, defineDynamicSupervisor or defineQueue',
      );
    }
    const id = child.id;
    if (ids.has(id)) throw fail(join(path, 'id'), `duplicate id ${JSON.stringify(id)}`);
    ids.add(id);
  });
  const built: SupervisorSpec = {
    kind: 'supervisor',
    ...common,
    strategy,
    intensity,
    children: [...(children as ChildSpec[])],
  };
  checkUniqueNames(built);
  return deepFreeze(built);
}

/**
 * Defines a dynamic supervisor (OTP `simple_one_for_one`, Elixir `DynamicSupervisor`): children are
 * started at run time with `startChild`, restarted one for one, and shut down all at once.
 * @example
 * const sessions = defineDynamicSupervisor({ id: 'sessions', name: 'sessions', maxChildren: 1000 });
 */
export function defineDynamicSupervisor(options: DynamicSupervisorOptions): DynamicSupervisorSpec {
  const spec = checkObject(options, '', DYN_KEYS, fail);
  const common = resolveChildCommon(spec, '', 'infinity');
  const maxChildren =
    spec.maxChildren === undefined || spec.maxChildren === Infinity
      ? Infinity
      : checkInteger(spec.maxChildren, 'maxChildren', 0, fail);
  const intensity = resolveIntensity(spec.intensity, 'intensity', fail);
  return deepFreeze({ kind: 'dynamic-supervisor', ...common, maxChildren, intensity });
}

/** Names are system-wide: two children anywhere in one tree may not share one. */
function checkUniqueNames(root: SupervisorSpec): void {
  const seen = new Map<string, string>();
  const visit = (spec: ChildSpec, path: string): void => {
    if (spec.name !== undefined) {
      const other = seen.get(spec.name);
      if (other !== undefined)
        throw fail(
          join(path, 'name'),
          `duplicate name ${JSON.stringify(spec.name)} (also at ${other || 'the root'})`,
        );
      seen.set(spec.name, path);
    }
    if (spec.kind === 'supervisor')
      spec.children.forEach((c, i) => visit(c, join(join(path, 'children'), i)));
  };
  visit(root, '');
}

/** @internal A supervisor spec's children or a dynamic one's: its type in `whichChildren`. */
export function childType(spec: ChildSpec): 'worker' | 'supervisor' {
  return spec.kind === 'actor' ? 'worker' : 'supervisor';
}

const CHILD_KINDS: readonly string[] = ['actor', 'supervisor', 'dynamic-supervisor'];

/** True for a value made by `defineActor`, `defineSupervisor`, `defineDynamicSupervisor` or `defineQueue`. @internal */
export function isChildSpec(value: unknown): value is ChildSpec {
  return (
    typeof value === 'object' &&
    value !== null &&
    CHILD_KINDS.includes((value as { kind?: string }).kind ?? '')
  );
}
