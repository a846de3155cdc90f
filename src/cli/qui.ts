#!/usr/bin/env node
/**
 * `qui`: `qui start <config>` runs the supervision tree of a config module as a standalone process
 * (scaling out is running it N times against one shared store, Redis); `qui jobs`, `job`, `retry`,
 * `pause`, `resume`, `cancel` and `stats` inspect and steer a queue through its store (see
 * docs/guides/cli.md); `--help`, `--version`. Bad usage and a config that cannot be loaded are one
 * plain line on stderr, exit 2; the running tree logs pino JSON to stderr.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNever, QuiError, toError } from '../errors';
import { createCliLogger } from './cli-logger';
import { loadConfig } from './load-config';
import { parseCli, QUI_USAGE, START_USAGE } from './parse-cli';
import { DASHBOARD_USAGE } from './parse-dashboard';
import { serveDashboard } from './serve-dashboard';
import { inspectUsage } from './parse-inspect';
import { runInspect } from './run-inspect';
import { runTree } from './run-tree';
import { serveRedisDashboard } from './watch-redis';

function version(): string {
  // dist/cli/qui.js and src/cli/qui.ts both sit two levels under the package root.
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function usageError(message: string): void {
  process.stderr.write(`qui: ${message}\n`);
  process.exitCode = 2;
}

async function main(argv: readonly string[]): Promise<void> {
  const command = parseCli(argv);
  switch (command.type) {
    case 'help':
      process.stdout.write(
        command.topic === 'start' ? START_USAGE : command.topic === 'dashboard' ? DASHBOARD_USAGE : QUI_USAGE,
      );
      return;
    case 'version':
      process.stdout.write(`${version()}\n`);
      return;
    case 'usage-error':
      return usageError(command.message);
    case 'inspect-help':
      process.stdout.write(inspectUsage(command.verb));
      return;
    case 'inspect': {
      const outcome = await runInspect(command);
      process.stdout.write(outcome.stdout);
      if (outcome.stderr !== '') process.stderr.write(`qui: ${outcome.stderr}\n`);
      // exitCode, not exit(): stdout is flushed, and a store left open would show as a hang in tests.
      process.exitCode = outcome.code;
      return;
    }
    case 'start': {
      let config;
      try {
        config = loadConfig(command.config);
      } catch (error) {
        return usageError(toError(error).message);
      }
      const logger = createCliLogger();
      try {
        await runTree(config, { logger });
      } catch (error) {
        logger.fatal({ err: toError(error) }, 'could not start the tree');
        process.exit(1);
      }
      return;
    }
    case 'dashboard': {
      const logger = createCliLogger();
      if (command.redis) {
        try {
          const { url, queues } = await serveRedisDashboard(command.redis, command, { logger });
          process.stdout.write(
            `qui dashboard: ${url} (read-only; ${queues.join(', ')} on ${command.redis.url})\n`,
          );
        } catch (error) {
          const err = toError(error);
          // No queue found, no Redis to look in, or a port it cannot listen on (its connections
          // then closed): one line and exit 2, as the inspection commands say it.
          if (err instanceof QuiError && (err.code === 'ERR_INVALID_OPTIONS' || err.code === 'ERR_STORE')) {
            process.stderr.write(`qui: ${err.message}\n`);
            process.exit(2);
          }
          logger.fatal({ err }, 'could not start the dashboard');
          process.exit(1);
        }
        return;
      }
      let config;
      try {
        config = loadConfig(command.config);
      } catch (error) {
        return usageError(toError(error).message);
      }
      try {
        const { url } = await serveDashboard(config, command, { logger });
        process.stdout.write(`qui dashboard: ${url} (read-only)\n`);
      } catch (error) {
        const err = toError(error);
        // A port that cannot be had: the tree has been stopped; exit() for its signal handlers.
        if (err instanceof QuiError && err.code === 'ERR_INVALID_OPTIONS') {
          process.stderr.write(`qui: ${err.message}\n`);
          process.exit(2);
        }
        logger.fatal({ err }, 'could not start the dashboard');
        process.exit(1);
      }
      return;
    }
    default:
      return assertNever(command);
  }
}

void main(process.argv.slice(2));
