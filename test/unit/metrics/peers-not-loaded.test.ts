import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

it('loads neither prom-client nor @opentelemetry/api until createMetrics or createTracing is called', () => {
  // A fresh process: jest's own module registry would not show what Node loads.
  const script = `
    const qui = require('./src/index');
    const loaded = () => Object.keys(require.cache).filter((k) => /prom-client|@opentelemetry/.test(k)).length;
    (async () => {
      const system = await qui.startSystem(qui.defineQueue({ name: 'q', workers: { count: 1, processor: () => qui.ok() } }));
      await system.queue('q').enqueue(1);
      const before = loaded();
      qui.createTracing(system);
      qui.createMetrics(system);
      process.stdout.write(JSON.stringify({ before, after: loaded() > 0 }));
      await system.stop();
    })();
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ before: 0, after: true });
});

it("createMetrics loads only the prom-client modules it uses, the package entry's own classes", () => {
  const script = `
    const qui = require('./src/index');
    const loaded = () => Object.keys(require.cache).filter((k) => /prom-client/.test(k)).map((k) => k.replace(/.*prom-client[\\\\/]/, ''));
    (async () => {
      const system = await qui.startSystem(qui.defineQueue({ name: 'q', workers: { count: 1, processor: () => qui.ok() } }));
      const metrics = qui.createMetrics(system);
      await system.queue('q').enqueue(1);
      const text = await metrics.render();
      const files = loaded().sort();
      const prom = require('prom-client'); // the entry a user imports: the same classes
      const same = prom.Registry === require('prom-client/lib/registry') && prom.Counter === require('prom-client/lib/counter') && prom.Gauge === require('prom-client/lib/gauge');
      process.stdout.write(JSON.stringify({ files, same, rendered: text.includes('qui_jobs_enqueued_total') }));
      await system.stop();
    })();
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  const { files, same, rendered } = JSON.parse(run.stdout) as {
    files: string[];
    same: boolean;
    rendered: boolean;
  };
  expect(files.filter((f) => !f.startsWith('node_modules'))).toEqual([
    'lib/counter.js',
    'lib/exemplar.js',
    'lib/gauge.js',
    'lib/metric.js',
    'lib/registry.js',
    'lib/util.js',
    'lib/validation.js',
  ]);
  expect([same, rendered]).toEqual([true, true]);
});
