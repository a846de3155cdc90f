import { internalActorSpec } from '../actors/define-actor';
import { defineSupervisor, type DynamicSupervisorSpec, type SupervisorSpec } from '../supervision/spec';
import { queueBehavior } from './queue-actor';
import { resolveQueue, type QueueOptions } from './resolve-queue';
import { workerBehavior } from './worker-actor';

export type { QueueOptions, WorkersOptions } from './resolve-queue';

/**
 * Defines a queue and its worker pool as one subtree: a `rest-for-one` supervisor over the queue
 * actor (registered under the queue's name) and a pool supervisor (`<name>.workers`) of `count`
 * workers, so a crashed worker is restarted alone and a crashed queue takes its workers with it.
 * @throws {InvalidSpecError} naming the field.
 * @example
 * const emails = defineQueue({ name: 'emails', tasks: [sendEmail], workers: { count: 10 } });
 * const root = defineSupervisor({ id: 'root', children: [emails] });
 */
export function defineQueue<TTask = unknown>(options: QueueOptions<TTask>): SupervisorSpec {
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
    children.push(pool as never);
  }
  return defineSupervisor({ id: queue.name, strategy: 'rest-for-one', children });
}
