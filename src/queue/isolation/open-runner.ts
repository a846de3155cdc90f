import type { ActorContext } from '../../actors/define-actor';
import type { SystemServices } from '../../actors/system-services';
import { IsolatedRunner, type ResolvedIsolation } from './isolated-runner';

const EXITS = 'isolation:exits';

/**
 * Starts an isolated worker's runner for one worker incarnation and ties it to that incarnation:
 * a crash of its thread while idle crashes the worker, the thread is terminated whenever the
 * incarnation exits (stop, kill or crash), and the system's `stop()` waits for every termination.
 * Resolves once the thread has loaded the module.
 * @throws the module's load error (an `InvalidSpecError` for `workers.module`) or `ERR_WORKER_CRASHED`.
 * @internal
 */
export async function openIsolatedRunner<TMessage>(
  ctx: ActorContext<TMessage>,
  isolation: ResolvedIsolation,
): Promise<IsolatedRunner> {
  const exits = pendingExits(ctx.services);
  const runner = new IsolatedRunner(isolation, {
    log: ctx.log,
    clock: ctx.clock,
    path: ctx.path,
    onCrash: (error) => ctx.exit({ type: 'error', error }),
    track: (exited) => {
      exits.add(exited);
      void exited.finally(() => exits.delete(exited));
    },
  });
  ctx.signal.addEventListener('abort', () => void runner.close(), { once: true });
  try {
    await runner.ready;
  } catch (error) {
    await runner.close();
    throw error;
  }
  return runner;
}

/** Terminations in flight in this system; its `stop()` resolves only once they are all done. */
function pendingExits(services: SystemServices): Set<Promise<unknown>> {
  let exits = services.resources.get(EXITS) as Set<Promise<unknown>> | undefined;
  if (!exits) {
    const set = new Set<Promise<unknown>>();
    services.resources.set(EXITS, set);
    services.onClose(() => Promise.all(set));
    exits = set;
  }
  return exits;
}
