import type { ExitListener } from '../actors/actor-cell';
import type { ActorBehavior, ActorContext } from '../actors/define-actor';
import type { SupervisorMessage } from './supervisor-messages';

/** What the static and the dynamic supervisor have in common, as the cell runs them. @internal */
export interface SupervisorState extends ExitListener {
  /** Starts the initial children in order; on a failure stops those started and throws. */
  start(): Promise<void>;
  /** Handles one message; a promise holds the mailbox until the work (starts, stops) is done. */
  handle(msg: SupervisorMessage): Promise<void> | undefined;
  /** Stops every child as the supervisor's shutdown protocol says. */
  terminateAll(): Promise<void>;
  /** Kills every child at once: the supervisor itself was killed. */
  killAll(): void;
}

/**
 * The actor behaviour of one supervisor incarnation around its state. The state is made before
 * its children start, so a kill during start-up still reaches the children started so far.
 * @internal
 */
export function supervisorBehavior<TState extends SupervisorState>(
  make: (ctx: ActorContext<SupervisorMessage>) => TState,
): ActorBehavior<TState, SupervisorMessage> {
  let sup: TState | undefined;
  return {
    init: async (ctx) => {
      sup = make(ctx);
      await sup.start();
      return sup;
    },
    handle: (s, msg) => {
      const r = s.handle(msg);
      return r ? r.then(() => s) : s;
    },
    terminate: (s) => s.terminateAll(),
    onKill: () => sup?.killAll(),
  };
}
