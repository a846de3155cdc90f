import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import pino from 'pino';
import { serveRedisDashboard } from '../../src/cli/watch-redis';
import type { QuiSystem } from '../../src/runtime/start-system';
import { dropKeys } from './redis-admin';

/** What `serveRedisDashboard` answers. */
export type ServedRedisDashboard = Awaited<ReturnType<typeof serveRedisDashboard>>;

/** What a test file of `qui dashboard --redis` shares between its tests (see {@link redisDashboardHarness}). */
export interface RedisDashboardHarness {
  /** The process signals the dashboard listens to: emit `SIGTERM` or `SIGINT` on them. */
  readonly signals: EventEmitter;
  /** The system that runs the jobs, stopped after each test: set it when one starts. */
  runner: QuiSystem | undefined;
  /** The dashboard `watch` serves, until the test ends. */
  readonly served: ServedRedisDashboard | undefined;
  /** Serves the dashboard of `queues` under the prefix (none: every queue found), on a free port; answers its URL. */
  watch(queues?: string[]): Promise<string>;
}

/**
 * Registers, for the calling test file, what every test of a Redis dashboard needs: after each
 * test the served dashboard gets SIGTERM and its server closes, the runner stops and every key
 * under `prefix` is dropped; after the file the Redis connection closes.
 */
export function redisDashboardHarness(url: string, prefix: string): RedisDashboardHarness {
  const admin = new Redis(url);
  let served: ServedRedisDashboard | undefined;
  let exited: Promise<number> | undefined;
  const h: RedisDashboardHarness = {
    signals: new EventEmitter(),
    runner: undefined,
    get served() {
      return served;
    },
    async watch(queues = []) {
      let exit!: (code: number) => void;
      exited = new Promise((resolve) => (exit = resolve));
      const signals = h.signals as unknown as NodeJS.Process;
      served = await serveRedisDashboard(
        { url, prefix, queues },
        { port: 0, host: '127.0.0.1' },
        { logger: pino({ level: 'silent' }), signals, exit },
      );
      return served.url;
    },
  };
  afterEach(async () => {
    if (served) {
      h.signals.emit('SIGTERM', 'SIGTERM');
      await exited;
      served.server.closeAllConnections();
      served.server.close();
      served = undefined;
    }
    h.signals.removeAllListeners();
    await h.runner?.stop();
    h.runner = undefined;
    await dropKeys(admin, prefix);
  });
  afterAll(() => admin.quit());
  return h;
}
