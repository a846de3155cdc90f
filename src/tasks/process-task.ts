import { QuiError } from '../errors';
import { err } from '../jobs/job-result';
import { isTaskValue } from './define-task';
import type { Processor } from './run-attempt';
import type { TaskRegistry } from './task-registry';

/**
 * The generic processor for tasks: it runs the `perform` of the task named by the job's
 * `{ task: name, params }` and returns what `perform` returns (so a non-conforming return is
 * reported as such). A task value of another shape, or a name the registry does not know, fails the
 * attempt with an `ERR_TASK_NOT_FOUND` error; the worker keeps running, and the job is retried like
 * any failure (a later deploy may register the task).
 * @example
 * const mail = defineQueue({ name: 'mail', workers: { count: 4, processor: processTask(createTaskRegistry([sendEmail])) } });
 */
export function processTask(registry: TaskRegistry): Processor {
  return (job, ctx) => {
    const value = job.task;
    if (!isTaskValue(value)) {
      return err(
        new QuiError(
          'ERR_TASK_NOT_FOUND',
          `job ${job.id}: the task must be a { task: name, params } value made by a task's create()`,
        ),
      );
    }
    const task = registry.get(value.task);
    if (task === undefined) {
      const known = registry.names.map((n) => JSON.stringify(n)).join(', ') || 'none';
      return err(
        new QuiError(
          'ERR_TASK_NOT_FOUND',
          `job ${job.id}: no task named ${JSON.stringify(value.task)} is registered (registered: ${known})`,
        ),
      );
    }
    return task.perform(value.params, ctx);
  };
}
