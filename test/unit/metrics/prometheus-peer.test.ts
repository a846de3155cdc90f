import { createRequire } from 'node:module';
import * as promClient from 'prom-client';
import { loadPromClient } from '../../../src/metrics/prometheus-peer';

const load = createRequire(__filename);
const missing = (id: string): never => {
  throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
};

describe('loadPromClient', () => {
  it("loads prom-client's registry, counter and gauge files, not its entry, when they are there", () => {
    const asked: string[] = [];
    const classes = loadPromClient('createMetrics', (id) => {
      asked.push(id);
      return load(id) as unknown;
    });
    expect(asked).toEqual(['prom-client/lib/registry', 'prom-client/lib/counter', 'prom-client/lib/gauge']);
    expect([classes.Registry, classes.Counter, classes.Gauge]).toEqual([
      promClient.Registry,
      promClient.Counter,
      promClient.Gauge,
    ]);
  });

  it('falls back to the entry when those files are laid out otherwise', () => {
    const classes = loadPromClient('createMetrics', (id) =>
      id.startsWith('prom-client/lib/') ? missing(id) : (load(id) as unknown),
    );
    expect([classes.Registry, classes.Counter, classes.Gauge]).toEqual([
      promClient.Registry,
      promClient.Counter,
      promClient.Gauge,
    ]);
  });

  it('asks for prom-client, naming the caller, when neither the files nor the entry load', () => {
    expect(() => loadPromClient('createStoreMetrics', missing)).toThrow(
      expect.objectContaining({
        code: 'ERR_MISSING_PEER',
        message: 'createStoreMetrics needs prom-client: npm install prom-client@15',
      }),
    );
  });
});
