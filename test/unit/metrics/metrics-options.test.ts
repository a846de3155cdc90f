import { Registry } from 'prom-client';
import { InvalidOptionsError } from '../../../src/errors';
import { createMetrics, type MetricsOptions } from '../../../src/metrics/create-metrics';
import { createTracing, type TracingOptions } from '../../../src/metrics/tracing';
import { defineQueue } from '../../../src/queue/define-queue';
import { startTestSystem } from '../../helpers/start-test-system';

const system = async () => (await startTestSystem(defineQueue({ name: 'q' }))).system;

const PROM_MODULES = ['registry', 'counter', 'gauge'];
describe('createMetrics and createTracing options', () => {
  it.each([
    [{ maxTasks: 0 }, 'maxTasks: must be an integer >= 1, got 0'],
    [{ maxSupervisors: 1.5 }, 'maxSupervisors: must be an integer >= 1, got 1.5'],
    [
      { waitBuckets: [] },
      'waitBuckets: must be a non-empty array of ascending numbers of seconds, got an array',
    ],
    [{ waitBuckets: [1, 1] }, 'waitBuckets[1]: must be greater than the bound before it (1)'],
    [{ durationBuckets: [0.1, -1] }, 'durationBuckets[1]: must be a finite number > 0, got -1'],
    [{ registry: {} }, 'registry: must be a prom-client Registry, got an object'],
    [{ regsitry: new Registry() }, 'regsitry: is not a known option'],
  ])('createMetrics rejects %j', async (options, message) => {
    const s = await system();
    const call = () => createMetrics(s, options as MetricsOptions);
    expect(call).toThrow(InvalidOptionsError);
    expect(call).toThrow(message);
  });

  it.each([
    [{ propagation: 'parent' }, "propagation: must be one of 'child', 'link', 'none'"],
    [{ tracerName: '' }, 'tracerName: must be a non-empty string, got ""'],
  ])('createTracing rejects %j', async (options, message) => {
    const s = await system();
    expect(() => createTracing(s, options as TracingOptions)).toThrow(message);
  });

  it('refuses anything but a system made by startSystem', () => {
    const fake = {} as never;
    expect(() => createMetrics(fake)).toThrow('system: must be a system returned by startSystem');
    expect(() => createTracing(fake)).toThrow('system: must be a system returned by startSystem');
  });

  it.each([
    [
      'prom-client',
      'createMetrics needs prom-client: npm install prom-client@15',
      'create-metrics',
      'createMetrics',
    ],
    [
      '@opentelemetry/api',
      'createTracing needs @opentelemetry/api: npm install @opentelemetry/api@1',
      'tracing',
      'createTracing',
    ],
  ])('asks for %s when it is not installed', async (peer, message, file, fn) => {
    jest.resetModules();
    // createMetrics loads prom-client's modules one by one, then tries its entry: none is there.
    const modules = peer === 'prom-client' ? [peer, ...PROM_MODULES.map((m) => `${peer}/lib/${m}`)] : [peer];
    for (const name of modules)
      jest.doMock(name, () => {
        throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
      });
    // A fresh module registry: the system must come from the same one as the function.
    const { startSystem } = jest.requireActual<typeof import('../../../src/runtime/start-system')>(
      '../../../src/runtime/start-system',
    );
    const queues = jest.requireActual<typeof import('../../../src/queue/define-queue')>(
      '../../../src/queue/define-queue',
    );
    const isolated = jest.requireActual<Record<string, (system: unknown) => unknown>>(
      `../../../src/metrics/${file}`,
    );
    const s = await startSystem(queues.defineQueue({ name: 'q' }));
    try {
      expect(() => isolated[fn]?.(s)).toThrow(expect.objectContaining({ code: 'ERR_MISSING_PEER', message }));
    } finally {
      await s.stop();
      for (const name of modules) jest.dontMock(name);
    }
  });
});
