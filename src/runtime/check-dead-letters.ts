import { InvalidSpecError } from '../errors';
import type { Logger } from '../logging';
import { queueOfSpec, isWorkerPoolSpec } from '../queue/define-queue';
import type { ResolvedQueue } from '../queue/resolve-queue';
import type { ChildSpec } from '../supervision/spec';

/**
 * Checks, before a tree starts, that every queue's `deadLetter` names a queue of the tree. When
 * the tree has a dynamic supervisor (one that can start a queue later) a missing one is only
 * warned about, once; each copy that then finds no queue is reported as `job.lost`.
 * @throws {InvalidSpecError} naming the path of the `deadLetter` field (e.g. `children[1].deadLetter`).
 * @internal
 */
export function checkDeadLetters(root: ChildSpec, log: Logger, rootPath = ''): void {
  const queues: Array<{ queue: ResolvedQueue; path: string }> = [];
  let dynamic = false;
  const walk = (spec: ChildSpec, path: string): void => {
    const queue = queueOfSpec(spec);
    if (queue) queues.push({ queue, path });
    if (spec.kind === 'dynamic-supervisor' && !isWorkerPoolSpec(spec)) dynamic = true;
    if (spec.kind === 'actor') return;
    (spec.children ?? []).forEach((child, i) =>
      walk(child, path ? `${path}.children[${i}]` : `children[${i}]`),
    );
  };
  walk(root, rootPath);
  const names = new Set(queues.map((q) => q.queue.name));
  for (const { queue, path } of queues) {
    const target = queue.deadLetter;
    if (target === undefined || names.has(target)) continue;
    const field = path ? `${path}.deadLetter` : 'deadLetter';
    if (!dynamic) {
      throw new InvalidSpecError(
        field,
        `queue ${JSON.stringify(queue.name)} names dead-letter queue ${JSON.stringify(target)}, which is not in the tree`,
      );
    }
    log.warn(
      { queue: queue.name, deadLetter: target, path: field },
      'dead-letter queue not in the tree at start; copies are lost until a dynamic supervisor starts it',
    );
  }
}
