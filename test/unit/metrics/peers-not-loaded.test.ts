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
