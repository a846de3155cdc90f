import type { ActorRef } from '../actors/actor-ref';
import type { Job } from '../jobs/job';
import type { AttemptOutcome } from '../tasks/run-attempt';

/** What `worker.status` answers. */
export type WorkerStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly jobId: string; readonly attempt: number };

/** Every message a worker actor handles. */
export type WorkerMessage =
  | {
      readonly type: 'worker.assign';
      readonly job: Job;
      /** Wall-clock ms the queue took the job from its store: metrics time the attempt from it. */
      readonly takenAtMs: number;
    }
  | {
      readonly type: 'worker.settled';
      readonly job: Job;
      readonly outcome: AttemptOutcome;
      /** The attempt's `endedAtMs` (when a span watched it). */
      readonly endedAtMs: number | undefined;
    }
  | { readonly type: 'worker.status'; readonly replyTo: ActorRef<WorkerStatus> };
