/** `qui dashboard`'s `/metrics`: the Prometheus text of `createMetrics`, beside the dashboard. */
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { serveDashboard } from '../../../src/cli/serve-dashboard';
import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { defineSupervisor } from '../../../src/supervision/spec';

const signals = new EventEmitter();
let stopped: Promise<number> | undefined;
let served: Awaited<ReturnType<typeof serveDashboard>> | undefined;

afterEach(async () => {
  signals.emit('SIGTERM', 'SIGTERM');
  await stopped;
  served?.server.closeAllConnections();
  served?.server.close();
  served = undefined;
  signals.removeAllListeners();
});

async function serve(): Promise<string> {
  let exited!: (code: number) => void;
  stopped = new Promise((resolve) => (exited = resolve));
  const tree = defineSupervisor({
    id: 'root',
    children: [defineQueue({ name: 'work', workers: { count: 1, processor: () => ok() } })],
  });
  served = await serveDashboard(
    { tree },
    { port: 0, host: '127.0.0.1' },
    { logger: pino({ level: 'silent' }), signals: signals as unknown as NodeJS.Process, exit: exited },
  );
  return served.url;
}

it('serves the Prometheus metrics at /metrics, counting what the queues did', async () => {
  const url = await serve();
  const job = await served!.system.queue('work').enqueue('x');
  await served!.system.queue('work').waitFor(job.id);
  const res = await fetch(`${url}metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(await res.text()).toMatch(/^qui_jobs_completed_total\{queue="work",task="[^"]*"\} 1$/m);
  expect((await fetch(url)).status).toBe(200); // the dashboard still answers beside it
});
