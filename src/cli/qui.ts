#!/usr/bin/env node
/**
 * `qui start <config>`: runs the supervision tree of a config module as a standalone process.
 * Scaling out is running it N times against one shared store (Redis).
 */
import pino from 'pino';
import { toError } from '../errors';
import { loadConfig } from './load-config';
import { runTree } from './run-tree';

const USAGE = 'usage: qui start <config-module>   (QUI_LOG_LEVEL sets the log level; default info)';

async function main(argv: readonly string[]): Promise<void> {
  const logger = pino({ level: process.env.QUI_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const [command, path] = argv;
  if (command !== 'start' || !path) {
    logger.error(USAGE);
    process.exitCode = 2;
    return;
  }
  try {
    await runTree(loadConfig(path), { logger });
  } catch (error) {
    logger.fatal({ err: toError(error) }, 'could not start the tree');
    process.exit(1);
  }
}

void main(process.argv.slice(2));
