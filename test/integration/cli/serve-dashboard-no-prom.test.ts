/** `qui dashboard` where prom-client is not installed: `/metrics` says so in one line, the rest works. */
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { NO_PROM_CLIENT, serveDashboard } from '../../../src/cli/serve-dashboard';
import { defineQueue } from '../../../src/queue/define-queue';
import { defineSupervisor } from '../../../src/supervision/spec';

// As if it were not installed: requiring it, or any of its files, throws as Node does for a
// missing module (jest.mock factories are hoisted: each names its module itself).
const missing = (name: string) => {
  throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
};
jest.mock('prom-client', () => missing('prom-client'));
jest.mock('prom-client/lib/registry', () => missing('prom-client/lib/registry'));
jest.mock('prom-client/lib/counter', () => missing('prom-client/lib/counter'));
jest.mock('prom-client/lib/gauge', () => missing('prom-client/lib/gauge'));

it('answers /metrics with 501 and one line saying to install prom-client', async () => {
  const signals = new EventEmitter();
  let exited!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (exited = resolve));
  const tree = defineSupervisor({ id: 'root', children: [defineQueue({ name: 'work' })] });
  const { server, url } = await serveDashboard(
    { tree },
    { port: 0, host: '127.0.0.1' },
    { logger: pino({ level: 'silent' }), signals: signals as unknown as NodeJS.Process, exit: exited },
  );
  try {
    const res = await fetch(`${url}metrics`);
    expect([res.status, await res.text()]).toEqual([501, NO_PROM_CLIENT]);
    expect(NO_PROM_CLIENT).toBe('qui: /metrics needs prom-client: npm install prom-client@15\n');
    expect((await fetch(url)).status).toBe(200);
  } finally {
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await stopped).toBe(0);
    server.closeAllConnections();
    server.close();
  }
});
