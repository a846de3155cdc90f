import { internalActorSpec } from '../actors/define-actor';
import { defineSupervisor, type DynamicSupervisorSpec, type SupervisorSpec } from '../supervision/spec';
import type { TaskDefinition, TaskResultOf, TaskValueOf } from '../tasks/define-task';
import { queueBehavior } from './queue-actor';
import { resolveQueue, type QueueOptions, type ResolvedQueue } from './resolve-queue';
import { workerBehavior } from './worker-actor';

export type { QueueOptions, WorkersOptions, LeaseOptions } from './resolve-queue';

const queues = new WeakMap<object, ResolvedQueue>();
const pools = new WeakSet<object>();

/** The resolved options of a spec made by `defineQueue`, if it is one. @internal */
export function queueOfSpec(spec: object): ResolvedQueue | undefined {
  return queues.get(spec);
}

/** True for a queue's own worker pool (a dynamic supervisor that never starts queues). @internal */
export function isWorkerPoolSpec(spec: object): boolean {
  return pools.has(spec);
}

/**
 * The subtree `defineQueue` returns. Pass it to `system.queue(spec)` for a client typed with the
 * queue's tasks and priorities. `TTask` is what `enqueue` takes (its tasks' values when the queue
 * has `tasks`), `TPriority` its priority names, `TValue` what its jobs complete with.
 */
export interface QueueSpec<
  TTask = unknown,
  TPriority extends string = string,
  TValue = unknown,
> extends SupervisorSpec {
  /** Types only: always `undefined` at run time. */
  readonly '~queue': { readonly task: TTask; readonly priority: TPriority; readonly value: TValue };
}

/** What a queue's client enqueues: a custom processor's `TTask`, else its tasks' values, else `unknown`. */
export type QueueTaskOf<TTask, TDefinition> = unknown extends TTask
  ? [TDefinition] extends [never]
    ? unknown
    : TaskValueOf<TDefinition>
  : TTask;

/**
 * Defines a queue and its worker pool as one subtree: a `rest-for-one` supervisor over the queue
 * actor (registered under the queue's name) and a pool supervisor (`<name>.workers`) of `count`
 * workers, so a crashed worker is restarted alone and a crashed queue takes its workers with it.
 * @throws {InvalidSpecError} naming the field.
 * @example
 * const emails = defineQueue({ name: 'emails', tasks: [sendEmail], workers: { count: 10 } });
 * const root = defineSupervisor({ id: 'root', children: [emails] });
 */
export function defineQueue<
  TTask = unknown,
  const TPriority extends string = 'high' | 'low',
  TDefinition extends TaskDefinition = never,
>(
  options: QueueOptions<TTask, TPriority, TDefinition>,
): QueueSpec<
  QueueTaskOf<TTask, TDefinition>,
  TPriority,
  [TDefinition] extends [never] ? unknown : TaskResultOf<TDefinition>
> {
  const queue = resolveQueue(options);
  const children = [internalActorSpec({ id: 'queue', name: queue.name }, queueBehavior(queue))];
  if (queue.workers) {
    const worker = internalActorSpec(
      { id: 'worker', shutdown: queue.workers.shutdown },
      workerBehavior(queue),
    );
    const count = queue.workers.count;
    const pool: DynamicSupervisorSpec = Object.freeze({
      kind: 'dynamic-supervisor',
      id: 'workers',
      name: `${queue.name}.workers`,
      maxChildren: Infinity,
      intensity: queue.workers.intensity,
      restart: 'permanent',
      shutdown: 'infinity',
      children: Object.freeze(new Array(count).fill(worker)),
    });
    pools.add(pool);
    children.push(pool as never);
  }
  // The '~queue' member is a type-level brand only: the spec at run time is a plain supervisor spec.
  const spec = defineSupervisor({ id: queue.name, strategy: 'rest-for-one', children });
  queues.set(spec, queue);
  return spec as QueueSpec<
    QueueTaskOf<TTask, TDefinition>,
    TPriority,
    [TDefinition] extends [never] ? unknown : TaskResultOf<TDefinition>
  >;
}
