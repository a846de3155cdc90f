import pino from 'pino';
import { toError } from '../errors';
import type { Logger } from '../logging';
import { startSystem, type QuiSystem } from '../runtime/start-system';
import type { QuiConfig } from './load-config';

/** How `qui start` behaves; injectable for tests. */
export interface RunTreeDeps {
  readonly logger?: Logger;
  /** Where signals come from. @defaultValue process */
  readonly signals?: Pick<NodeJS.Process, 'once' | 'off'>;
  /** Called with the exit code once the tree has stopped. @defaultValue process.exit */
  readonly exit?: (code: number) => void;
}

/**
 * Runs a tree as a standalone process: starts it, then on the first SIGTERM or SIGINT shuts it down
 * in order (workers stop polling and finish their running jobs within their shutdown time) and
 * exits 0; a second signal exits at once with 130. The root giving up exits 1.
 */
export async function runTree(config: QuiConfig, deps: RunTreeDeps = {}): Promise<QuiSystem> {
  const logger =
    config.options?.logger ??
    deps.logger ??
    pino({ level: process.env.QUI_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const signals = deps.signals ?? process;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  const system = await startSystem(config.tree, { ...config.options, logger });
  logger.info({ pid: process.pid }, 'tree started');
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
        logger.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        logger.error({ err: toError(error) }, 'shutdown failed');
        exit(1);
      },
    );
    signals.once(signal, onSignal);
  };
  signals.once('SIGTERM', onSignal);
  signals.once('SIGINT', onSignal);
  system.events.on('system.failed', () => {
    signals.off('SIGTERM', onSignal);
    signals.off('SIGINT', onSignal);
    exit(1);
  });
  return system;
}
