import type { ActorCell, CellHost, ExitListener } from '../actors/actor-cell';
import { KILLED, SHUTDOWN, type ExitReason } from '../actors/exit-reason';
import type { Clock } from '../clock';
import { QuiError, toError } from '../errors';
import type { Shutdown } from '../actors/child-options';
import type { ChildSpec } from './spec';

/** A child failed to start: OTP's `{shutdown, {failed_to_start_child, Id, Reason}}`. */
export class StartFailedError extends QuiError {
  constructor(
    readonly childId: string,
    readonly path: string,
    cause: unknown,
  ) {
    super(
      'ERR_START_FAILED',
      `failed to start child ${JSON.stringify(childId)} at ${path}: ${toError(cause).message}`,
      {
        cause,
      },
    );
  }
}

/**
 * Makes (but does not start) a new incarnation of a child spec. Supervisors receive it rather than
 * import it, so that supervision's modules import one way. @internal
 */
export type SpawnChild = (host: CellHost, spec: ChildSpec, path: string, listener: ExitListener) => ActorCell;

/**
 * OTP's shutdown of one child: `brutal-kill` kills at once; a number of ms asks it to stop and kills
 * it if it has not exited by then; `infinity` asks and waits. Resolves with the exit reason.
 * Waits on the cell's own exit (a monitor), not on the supervisor's mailbox. @internal
 */
export async function shutdownChild(cell: ActorCell, shutdown: Shutdown, clock: Clock): Promise<ExitReason> {
  if (!cell.alive) return cell.exitReason ?? KILLED;
  if (shutdown === 'brutal-kill') {
    cell.kill();
    return cell.exited;
  }
  void cell.shutdown(SHUTDOWN);
  if (shutdown === 'infinity') return cell.exited;
  const timer = clock.setTimeout(() => cell.kill(), shutdown);
  const reason = await cell.exited;
  clock.clearTimeout(timer);
  return reason;
}

/** Whether an exit seen during a shutdown is one OTP accepts silently (else a shutdown error is logged). */
export function isExpectedShutdownExit(reason: ExitReason, permanent: boolean): boolean {
  if (reason.type === 'killed' || (reason.type === 'shutdown' && reason.detail === undefined)) return true;
  return !permanent && (reason.type === 'normal' || reason.type === 'shutdown');
}
