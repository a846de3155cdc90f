import { toError } from '../errors';
import type { Logger } from '../logging';
import { startSystem, type QuiSystem } from '../runtime/start-system';
import type { QuiConfig } from '../runtime/qui-config';
import { createCliLogger } from './cli-logger';

/** How `qui start` behaves; injectable for tests. */
export interface RunTreeDeps {
  readonly logger?: Logger;
  /** Where signals come from. @defaultValue process */
  readonly signals?: Pick<NodeJS.Process, 'on' | 'off'>;
  /** Called with the exit code once the tree has stopped. @defaultValue process.exit */
  readonly exit?: (code: number) => void;
}

/** Longest delay a Node timer takes (about 24.8 days); re-armed by `setInterval`. */
const KEEP_ALIVE_MS = 2 ** 31 - 1;

/**
 * Runs a tree as a standalone process: starts it, then on the first SIGTERM or SIGINT shuts it down
 * in order (workers stop polling and finish their running jobs within their shutdown time) and
 * exits 0; a second signal exits at once with 130. The root giving up exits 1. The process stays
 * up until then, even when the tree holds no handle of its own (memory and SQLite stores).
 */
export async function runTree(config: QuiConfig, deps: RunTreeDeps = {}): Promise<QuiSystem> {
  const logger = config.options?.logger ?? deps.logger ?? createCliLogger();
  const signals = deps.signals ?? process;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  const system = await startSystem(config.tree, { ...config.options, logger });
  // Signal listeners do not keep Node's event loop alive, and an idle tree on a memory or SQLite
  // store holds no handle: without this timer the process would exit 0 right here.
  const keepAlive = setInterval(noop, KEEP_ALIVE_MS);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      return exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    system.stop().then(
      () => {
        clearInterval(keepAlive);
        logger.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        clearInterval(keepAlive);
        logger.error({ err: toError(error) }, 'shutdown failed');
        exit(1);
      },
    );
  };
  // `on`, never `once`: between a `once` listener's removal and its re-registration Node restores
  // the default action, so a second signal landing there would kill the process instead of exiting 130.
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
  // Said only once the signals are ours: whoever waits for this line (a supervisor, a test) may
  // signal at once, and a signal before the listeners are on takes Node's default action (the
  // process dies of it). pino's base fields already carry `pid`: naming it again would write the
  // key twice. `processId` is what job records (`qui job`: process) and the processes page name
  // this process by: logged here, a record can be traced back to this process's pid and logs.
  logger.info({ processId: system.processId }, 'tree started');
  system.events.on('system.failed', () => {
    clearInterval(keepAlive);
    signals.off('SIGTERM', onSignal);
    signals.off('SIGINT', onSignal);
    exit(1);
  });
  return system;
}

function noop(): void {}
