import { InvalidSpecError } from '../errors';
import { checkInteger, checkOneOf, checkString, describe, join } from '../validate';

/** OTP restart types: permanent always restarts, transient only after a crash, temporary never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';
/** How long a child gets to stop: `brutal-kill`, a number of ms, or `infinity`. */
export type Shutdown = 'brutal-kill' | 'infinity' | number;

/** The fields every child spec has. */
export interface ChildCommon {
  readonly id: string;
  readonly name: string | undefined;
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
}

/** Default shutdown time of an actor, as OTP's for a worker. */
export const DEFAULT_ACTOR_SHUTDOWN_MS = 5_000;

export const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary'];

const fail = (path: string, problem: string): Error => new InvalidSpecError(path, problem);

/** Name characters accepted: letters, digits and `-_.:@/`. */
const NAME_RE = /^[A-Za-z0-9_.:@/-]+$/;

/** @internal Validates the fields every child spec shares. */
export function resolveChildCommon(
  spec: Record<string, unknown>,
  path: string,
  defaultShutdown: Shutdown,
): ChildCommon {
  const id = checkString(spec.id, join(path, 'id'), fail);
  let name: string | undefined;
  if (spec.name !== undefined) {
    name = checkString(spec.name, join(path, 'name'), fail);
    if (!NAME_RE.test(name))
      throw fail(join(path, 'name'), `may hold only letters, digits and -_.:@/, got ${describe(name)}`);
  }
  const restart =
    spec.restart === undefined
      ? 'permanent'
      : checkOneOf(spec.restart, join(path, 'restart'), RESTART_TYPES, fail);
  return {
    id,
    name,
    restart,
    shutdown: resolveShutdown(spec.shutdown, join(path, 'shutdown'), defaultShutdown),
  };
}

function resolveShutdown(value: unknown, path: string, fallback: Shutdown): Shutdown {
  if (value === undefined) return fallback;
  if (value === 'brutal-kill' || value === 'infinity') return value;
  if (typeof value === 'number') return checkInteger(value, path, 0, fail);
  throw fail(
    path,
    `must be 'brutal-kill', 'infinity' or an integer number of ms >= 0, got ${describe(value)}`,
  );
}
