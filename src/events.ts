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
  'job.completed': {
    readonly job: Job;
    readonly value: unknown;
    readonly worker: string;
    /** The process it came from, for an event from another process on a shared store (see `QuiSystem.processId`); `undefined` for a local one. */
    readonly origin?: string;
  };
  /** One attempt failed (error result, throw, rejection or timeout). */
  'job.failed': {
    readonly job: Job;
    readonly error: Error;
    readonly worker: string;
    readonly origin?: string;
  };
  'job.retrying': { readonly job: Job; readonly error: Error; readonly delayMs: number };
  /** The job failed for good: no retries left, or an unrecoverable error. */
  'job.dead': {
    readonly job: Job;
    readonly error: Error;
    readonly attempts: number;
    readonly origin?: string;
  };
  /** The job left the store and will not run again (at-most-once): see {@link JobLostEvent}. */
  'job.lost': JobLostEvent;
  /** The job was cancelled (`QueueClient.cancel`): before it ran, or its running attempt was aborted. */
  'job.cancelled': {
    readonly job: Job;
    readonly reason: string | undefined;
    /** The worker whose attempt was aborted; `undefined` for a job that was not running. */
    readonly worker: string | undefined;
    readonly origin?: string;
  };
  /** A processor reported progress (`ctx.progress(value)`). */
  'job.progress': {
    readonly job: Job;
    readonly progress: unknown;
    readonly worker: string;
    readonly origin?: string;
  };
}

/**
 * Why a job was lost. An exit reason when its worker took it down: `error` (a non-conforming
 * result crashed the worker), `killed` (the worker was killed while running it); `store` when a
 * store write for it (a retry, a return, a dead-letter copy) still failed after its retries, or
 * its dead-letter queue was not running. (A job that never ran goes back to its store.)
 */
export type JobLostReason =
  | ExitReason
  | { readonly type: 'store'; readonly error: Error }
  /** The process running it stopped heart-beating (SIGKILL, OOM): a surviving process reaped it. */
  | { readonly type: 'process-gone'; readonly processId: string | undefined };

/**
 * A job lost: `job` is the job as last known, `worker` the path of the worker that held it, if any.
 * A store entry that could not be decoded (`reason.type === 'decode'`) has no job, only the id
 * the store kept for it, when it kept one.
 */
export type JobLostEvent =
  | {
      readonly job: Job;
      readonly reason: JobLostReason;
      readonly worker: string | undefined;
      readonly origin?: string;
    }
  | {
      readonly job: undefined;
      readonly jobId: string | undefined;
      readonly reason: { readonly type: 'decode'; readonly error: Error };
      readonly worker: undefined;
      readonly origin?: string;
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
/** The payload of `job.cancelled`. */
export type JobCancelledEvent = QuiEvents['job.cancelled'];
/** The payload of `job.progress`. */
export type JobProgressEvent = QuiEvents['job.progress'];

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
