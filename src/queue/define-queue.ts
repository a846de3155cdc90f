import { internalActorSpec } from '../actors/define-actor';
import { defineSupervisor, type DynamicSupervisorSpec, type SupervisorSpec } from '../supervision/spec';
import { queueBehavior } from './queue-actor';
import { resolveQueue, type QueueOptions, type ResolvedQueue } from './resolve-queue';
import { workerBehavior } from './worker-actor';

export type { QueueOptions, WorkersOptions } from './resolve-queue';

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
    const intensity = options.workers?.intensity ?? { maxRestarts: Math.max(3, count), withinMs: 5_000 };
    const pool: DynamicSupervisorSpec = Object.freeze({
      kind: 'dynamic-supervisor',
      id: 'workers',
      name: `${queue.name}.workers`,
      maxChildren: Infinity,
      intensity,
      restart: 'permanent',
      shutdown: 'infinity',
      children: Object.freeze(new Array(count).fill(worker)),
    });
    pools.add(pool);
    children.push(pool as never);
  }
  const spec = defineSupervisor({ id: queue.name, strategy: 'rest-for-one', children });
  queues.set(spec, queue);
  return spec;
}
