/**
 * The cross-process story in a real browser: a `qui start` process runs a Redis queue's workers,
 * and `qui dashboard --redis` (serveRedisDashboard, in this process, with no workers) shows what
 * that process does, live. Needs Redis (requireRedis, a prefix of its own) and Chromium (skipped
 * with one line outside CI when missing).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { serveRedisDashboard } from '../../src/cli/watch-redis';
import { chromiumAvailable, launchChromium } from '../helpers/chromium';
import { exited as exitOf, startQuiProcess, type QuiProcess } from '../helpers/qui-process';
import { dropKeysAt } from '../helpers/redis-admin';
import { requireRedis } from '../helpers/services';

const run = chromiumAvailable() ? describe : describe.skip;
jest.setTimeout(60_000);

const url = requireRedis();
const prefix = `qui-test-dashint-browser-${randomUUID().slice(0, 8)}:`;
const queue = 'mp-dash';

/** The worker process: `qui start` on the records fixture (2 workers, 500 ms heartbeat). */
function startWorkers(): QuiProcess {
  const more = { QUI_LOG_LEVEL: 'info' };
  return startQuiProcess('test/fixtures/redis-records-worker.config.ts', {
    url,
    prefix,
    queue,
    workers: 2,
    more,
  });
}

run('the dashboard of a Redis queue another process runs', () => {
  it('lists that process and shows the jobs it completes, live, without running any itself', async () => {
    const workers = startWorkers();
    const signals = new EventEmitter();
    let exit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (exit = resolve));
    const browser = await launchChromium();
    let served: Awaited<ReturnType<typeof serveRedisDashboard>> | undefined;
    try {
      await workers.ready;
      served = await serveRedisDashboard(
        { url, prefix, queues: [] }, // found by SCAN: the worker process's lease is under the prefix
        { port: 0, host: '127.0.0.1' },
        { logger: pino({ level: 'silent' }), signals: signals as unknown as NodeJS.Process, exit },
      );
      expect(served.queues).toEqual([queue]);
      const page = await browser.context.newPage();
      await page.goto(`${served.url}processes`);
      await page.locator('td.num', { hasText: new RegExp(`^${workers.child.pid}$`) }).waitFor();
      await page.goto(served.url);
      const completed = page.locator(`tr[data-queue="${queue}"] td[data-count="completed"]`);
      expect(await completed.innerText()).toBe('0');
      // Enqueued through the dashboard's own connection (it runs no queue); run by the other process.
      const mail = served.connections[0]!;
      const jobs = [await mail.enqueue({ n: 1 }), await mail.enqueue({ n: 2 })];
      await page
        .locator(`tr[data-queue="${queue}"] td[data-count="completed"]`, { hasText: /^2$/ })
        .waitFor();
      for (const job of jobs) {
        const record = await mail.getJob(job.id);
        expect(record?.processId).not.toBe(undefined);
        expect(record?.state).toBe('completed');
      }
      // The dashboard holds no lease: the worker process is the only one on the store.
      expect((await mail.processes()).map((p) => p.pid)).toEqual([workers.child.pid]);
    } finally {
      await browser.close();
      if (served) {
        signals.emit('SIGTERM', 'SIGTERM');
        await exited;
        served.server.closeAllConnections();
        served.server.close();
      }
      // Already gone (it failed to start): exitOf answers at once, and the test's own error shows.
      workers.child.kill('SIGTERM');
      await exitOf(workers.child);
      await dropKeysAt(url, prefix);
    }
  });
});
