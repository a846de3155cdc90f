import { InvalidSpecError } from '../errors';
import type { TaskName } from '../ids';
import type { TaskDefaults } from '../jobs/job-options';
import { describe, join } from '../validate';
import { isTaskDefinition, isTaskValue, type TaskDefinition } from './define-task';

/** Looks tasks up by name, for `processTask` and for the task defaults applied at enqueue. */
export interface TaskRegistry {
  /** The registered names, in registration order. */
  readonly names: readonly TaskName[];
  /** The task registered under `name`, if any. */
  get(name: string): TaskDefinition | undefined;
  /**
   * The defaults of the task a job carries: `task` is any enqueued value; a `{ task: name, params }`
   * of a registered task gives that task's defaults, anything else `undefined`. Safe to pass unbound.
   */
  defaultsFor(task: unknown): TaskDefaults | undefined;
}

/**
 * Builds a registry from task definitions; names must be unique.
 * @throws {InvalidSpecError} `tasks` when not an array, `tasks[2]` when not made by `defineTask`,
 *   `tasks[3].name` when the name is already registered.
 * @example
 * const registry = createTaskRegistry([sendEmail, resizeImage]);
 * const processor = processTask(registry);
 */
export function createTaskRegistry(tasks: readonly TaskDefinition[]): TaskRegistry {
  const fail = (path: string, problem: string): Error => new InvalidSpecError(path, problem);
  if (!Array.isArray(tasks)) throw fail('tasks', `must be an array, got ${describe(tasks)}`);
  const byName = new Map<string, TaskDefinition>();
  const firstIndex = new Map<string, number>();
  (tasks as readonly unknown[]).forEach((task, i) => {
    const path = join('tasks', i);
    if (!isTaskDefinition(task)) throw fail(path, `must be a task made by defineTask, got ${describe(task)}`);
    const first = firstIndex.get(task.name);
    if (first !== undefined) {
      throw fail(join(path, 'name'), `${JSON.stringify(task.name)} is already registered (tasks[${first}])`);
    }
    byName.set(task.name, task);
    firstIndex.set(task.name, i);
  });
  const names = Object.freeze([...byName.values()].map((t) => t.name));
  return Object.freeze({
    names,
    get: (name: string) => byName.get(name),
    defaultsFor: (task: unknown) => (isTaskValue(task) ? byName.get(task.task)?.defaults : undefined),
  });
}
