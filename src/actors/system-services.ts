import type { QuiEventBus } from '../events';

/**
 * What Qui's own behaviours (queues, workers) reach of the running system beyond messages: its
 * events, resources that outlive actor incarnations, and work to run when it stops. The system's
 * core implements it; behaviours get it as `ctx.services`. @internal
 */
export interface SystemServices {
  readonly events: QuiEventBus;
  /** This system's id, random per system: written on the records of the jobs it takes. */
  readonly processId: string;
  /** True once the system has stopped (or is stopping its stores). */
  readonly stopped: boolean;
  /** True once `stop()` was called or the system has stopped. */
  readonly stopping: boolean;
  /** Per-system resources by key (a queue's runtime), kept across actor restarts. */
  readonly resources: Map<string, unknown>;
  /** Runs `fn` when the system stops, newest first (stores close here). */
  onClose(fn: () => unknown): void;
}
