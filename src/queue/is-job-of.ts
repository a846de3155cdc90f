import type { Job } from '../jobs/job';
import type { QueueSpec } from './define-queue';

/** An event narrowed to one queue's jobs: `job.task` its task type, a `value` its tasks' results. */
export type QueueEventOf<TEvent, TTask, TValue> = TEvent & { readonly job: Job<TTask> } & (TEvent extends {
    readonly value: unknown;
  }
    ? { readonly value: TValue | undefined }
    : unknown);

/**
 * True when `event` (any `system.events` payload with a `job`) is about a job of `queue`, the spec
 * `defineQueue` returned; it then narrows `event.job.task` to the queue's task values and, on
 * `job.completed`, `event.value` to what its tasks complete with (`undefined` when `ok()` had none).
 * @example
 * system.events.on('job.completed', (e) => {
 *   if (isJobOf(emails, e) && e.job.task.task === 'send-email') log.info({ to: e.job.task.params.to }, 'sent');
 * });
 */
export function isJobOf<
  TEvent extends { readonly job: Job | undefined },
  TTask,
  TPriority extends string,
  TValue,
>(
  queue: QueueSpec<TTask, TPriority, TValue>,
  event: TEvent,
): event is QueueEventOf<TEvent, TTask, TValue> & TEvent {
  return event.job !== undefined && event.job.queue === queue.id;
}
