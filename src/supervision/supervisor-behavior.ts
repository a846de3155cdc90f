import { ActorCell, type ExitListener } from '../actors/actor-cell';
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
 * A message that is not a well-formed `SupervisorMessage` (anyone may send to a named supervisor)
 * is logged at warn, by type only, and ignored: OTP's "Supervisor received unexpected message".
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
    handle: (s, msg, ctx) => {
      const problem = malformed(msg);
      if (problem !== undefined) {
        ctx.log.warn({ type: typeOf(msg), problem }, 'supervisor received unexpected message');
        return s;
      }
      const r = s.handle(msg);
      return r ? r.then(() => s) : s;
    },
    terminate: (s) => s.terminateAll(),
    onKill: () => sup?.killAll(),
  };
}

const REQUESTS: ReadonlySet<string> = new Set([
  'sup.start-child',
  'sup.terminate-child',
  'sup.restart-child',
  'sup.delete-child',
  'sup.which-children',
  'sup.count-children',
  'sup.inspect',
]);

/** Why `msg` cannot be handled as a `SupervisorMessage`, or undefined when it can. */
function malformed(msg: unknown): string | undefined {
  if (typeof msg !== 'object' || msg === null) return 'not an object';
  const m = msg as { type?: unknown; replyTo?: unknown; cell?: unknown; reason?: unknown; key?: unknown };
  if (typeof m.type !== 'string') return 'no type';
  if (REQUESTS.has(m.type)) {
    const replyTo = m.replyTo as { send?: unknown } | null | undefined;
    return typeof replyTo === 'object' && replyTo !== null && typeof replyTo.send === 'function'
      ? undefined
      : 'replyTo is not an actor ref';
  }
  switch (m.type) {
    case 'sup.exit':
      // Sent by a child's cell once it has exited; an exit claimed for a live cell is forged.
      if (!(m.cell instanceof ActorCell) || m.cell.alive) return 'cell is not an exited child';
      return typeof m.reason === 'object' && m.reason !== null ? undefined : 'reason is not an exit reason';
    case 'sup.retry':
      return typeof m.key === 'object' && m.key !== null ? undefined : 'key is not a child';
    default:
      return 'unknown type';
  }
}

/** The message's type for the log: never its payload. */
function typeOf(msg: unknown): string | undefined {
  const type = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type.slice(0, 100) : undefined;
}
