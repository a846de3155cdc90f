import { EventEmitter } from 'node:events';
import type { ExitReason } from './actors/exit-reason';
import type { Job } from './jobs/job';

/** Every event `system.events` reports, by type. */
export interface QuiEvents {
  /** An actor incarnation ended. */
  'actor.exited': { readonly path: string; readonly id: string; readonly reason: ExitReason };
  /** A supervisor started a new incarnation of a child after an exit. */
  'actor.restarted': { readonly supervisor: string; readonly id: string; readonly path: string };
  /** A supervisor exceeded its restart intensity and is shutting down (escalating to its parent). */
  'supervisor.escalated': { readonly path: string; readonly offender: string };
  /** A message was sent to a name nobody holds or to an exited incarnation. */
  'dead-letter': { readonly to: string; readonly message: unknown };
  /** The root supervisor gave up: the system has stopped. */
  'system.failed': { readonly reason: ExitReason };
  'job.enqueued': { readonly job: Job };
  'job.started': { readonly job: Job; readonly attempt: number; readonly worker: string };
  'job.completed': { readonly job: Job; readonly value: unknown; readonly worker: string };
  /** One attempt failed (error result, throw, rejection or timeout). */
  'job.failed': { readonly job: Job; readonly error: Error; readonly worker: string };
  'job.retrying': { readonly job: Job; readonly error: Error; readonly delayMs: number };
  /** The job failed for good: no retries left, or an unrecoverable error. */
  'job.dead': { readonly job: Job; readonly error: Error; readonly attempts: number };
  /** The job left the store and will not run again (at-most-once): see {@link JobLostEvent}. */
  'job.lost': JobLostEvent;
}

/**
 * Why a job was lost. An exit reason when its worker took it down: `error` (a non-conforming
 * result crashed the worker), `killed` (the worker was killed while running it), `shutdown` (it
 * could not be handed back while stopping); `store` when a store write for it (a retry, a return,
 * a dead-letter copy) still failed after its retries.
 */
export type JobLostReason = ExitReason | { readonly type: 'store'; readonly error: Error };

/**
 * A job lost: `job` is the job as last known, `worker` the path of the worker that held it, if any.
 * A store entry that could not be decoded (`reason.type === 'decode'`) has no job, only the id
 * the store kept for it, when it kept one.
 */
export type JobLostEvent =
  | { readonly job: Job; readonly reason: JobLostReason; readonly worker: string | undefined }
  | {
      readonly job: undefined;
      readonly jobId: string | undefined;
      readonly reason: { readonly type: 'decode'; readonly error: Error };
      readonly worker: undefined;
    };

export type QuiEventType = keyof QuiEvents;

/** The payload of `actor.exited`. */
export type ActorExitedEvent = QuiEvents['actor.exited'];
/** The payload of `actor.restarted`. */
export type ActorRestartedEvent = QuiEvents['actor.restarted'];
/** The payload of `supervisor.escalated`. */
export type SupervisorEscalatedEvent = QuiEvents['supervisor.escalated'];
/** The payload of `dead-letter`. */
export type DeadLetterEvent = QuiEvents['dead-letter'];
/** The payload of `system.failed`. */
export type SystemFailedEvent = QuiEvents['system.failed'];
/** The payload of `job.enqueued`. */
export type JobEnqueuedEvent = QuiEvents['job.enqueued'];
/** The payload of `job.started`. */
export type JobStartedEvent = QuiEvents['job.started'];
/** The payload of `job.completed`. */
export type JobCompletedEvent = QuiEvents['job.completed'];
/** The payload of `job.failed`. */
export type JobFailedEvent = QuiEvents['job.failed'];
/** The payload of `job.retrying`. */
export type JobRetryingEvent = QuiEvents['job.retrying'];
/** The payload of `job.dead`. */
export type JobDeadEvent = QuiEvents['job.dead'];

/** A typed view of a Node EventEmitter. `on` returns a function that unsubscribes. */
export class QuiEventBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (error: unknown, type: QuiEventType) => void) {
    this.emitter.setMaxListeners(0);
  }

  on<K extends QuiEventType>(type: K, listener: (event: QuiEvents[K]) => void): () => void {
    this.emitter.on(type, listener);
    return () => this.emitter.off(type, listener);
  }

  once<K extends QuiEventType>(type: K, listener: (event: QuiEvents[K]) => void): () => void {
    this.emitter.once(type, listener);
    return () => this.emitter.off(type, listener);
  }

  off<K extends QuiEventType>(type: K, listener: (event: QuiEvents[K]) => void): void {
    this.emitter.off(type, listener);
  }

  /** True when someone listens: callers skip building the event object otherwise. */
  has(type: QuiEventType): boolean {
    return this.emitter.listenerCount(type) > 0;
  }

  /** @internal A throwing listener is reported, never allowed to break the actor that emitted. */
  emit<K extends QuiEventType>(type: K, event: QuiEvents[K]): void {
    try {
      this.emitter.emit(type, event);
    } catch (error) {
      this.onListenerError(error, type);
    }
  }
}
