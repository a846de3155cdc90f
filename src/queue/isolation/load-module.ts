import { isTaskDefinition, type TaskDefinition } from '../../tasks/define-task';
import { processTask } from '../../tasks/process-task';
import type { Processor } from '../../tasks/run-attempt';
import { createTaskRegistry } from '../../tasks/task-registry';
import type { Fail } from '../../validate';

/**
 * Loads an isolated worker's module (inside its thread or process) and builds its processor:
 * the module's `processor` export, its default export or itself when that is a function;
 * otherwise `processTask` over every task (made by `defineTask`) it exports, directly or in an
 * exported array such as `tasks`. @internal
 * @throws the `fail` error for `workers.module` when loading throws or nothing runnable is exported.
 */
export function loadProcessor(modulePath: string, fail: Fail): Processor {
  let exported: unknown;
  try {
    // A path known only at run time, so a plain require (TS modules need tsx registered first).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(modulePath) as unknown;
  } catch (thrown) {
    // Duck-typed: an error from another realm (a test runner's require) is no `instanceof Error`.
    const text = (thrown as { message?: unknown } | null)?.message;
    const message = typeof text === 'string' ? text : String(thrown);
    throw fail('workers.module', `${modulePath} could not be loaded: ${message}`);
  }
  if (typeof exported === 'function') return exported as Processor;
  const exports = (exported ?? {}) as Record<string, unknown>;
  for (const key of ['processor', 'default']) {
    if (typeof exports[key] === 'function') return exports[key] as Processor;
  }
  const tasks: TaskDefinition[] = [];
  for (const value of Object.values(exports)) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (isTaskDefinition(item) && !tasks.includes(item)) tasks.push(item);
    }
  }
  if (tasks.length === 0) {
    throw fail(
      'workers.module',
      `${modulePath} exports neither a processor function nor any task made by defineTask (of the same qui copy)`,
    );
  }
  return processTask(createTaskRegistry(tasks));
}
