/**
 * The package as a user gets it: `npm pack` from a clean copy of the repository (tracked and
 * new files, no dist/ and no build left over), the tarball installed into a fresh project, a
 * consumer type-checked with `strict` and `skipLibCheck: false` under `module: node16` (CommonJS)
 * and `nodenext` (an .mts file) and run, and the installed `qui` bin. Needs git and npm; the
 * tarball's dependencies come from npm's cache when it has them (`--prefer-offline`).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');
const NAME = 'qui-actors';
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let tmp: string;
let consumer: string;
let tarball: string;

/** Runs a command; a failure shows its output, not only its exit code. */
function run(cmd: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (r.error) throw r.error;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A copy of the repository as a fresh clone of this working tree would be, sharing node_modules. */
function cleanCopy(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(ROOT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(ROOT, file), join(to, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'), 'dir');
}

const CONSUMER = `import {
  defineQueue,
  defineSupervisor,
  defineTask,
  isJobOf,
  ok,
  redisStore,
  sqliteStore,
  startSystem,
  createMetrics,
  createTracing,
  type JobCompletedEvent,
  type QuiConfig,
  type QuiMetrics,
  type TracingOptions,
  type RedisStoreFactory,
  type SqliteStoreFactory,
} from '${NAME}';

const greet = defineTask({ name: 'greet', perform: (params: { name: string }) => ok(\`hello, \${params.name}\`) });
const greetings = defineQueue({ name: 'greetings', tasks: [greet], workers: { count: 1 } });
const tree = defineSupervisor({ id: 'root', children: [greetings] });
export const config: QuiConfig = { tree };
// The durable stores' types, with neither better-sqlite3 nor ioredis (nor their types) installed.
export const stores: [SqliteStoreFactory, RedisStoreFactory] = [sqliteStore({ path: ':memory:' }), redisStore()];
// Metrics and tracing types, with neither prom-client nor @opentelemetry/api installed.
export const observe = (system: Parameters<typeof createMetrics>[0]): QuiMetrics => {
  const tracing: TracingOptions = { propagation: 'link' };
  createTracing(system, tracing);
  return createMetrics(system, { maxTasks: 10 });
};

async function main(): Promise<string> {
  const system = await startSystem(tree);
  const done = new Promise<string>((resolve) =>
    system.events.once('job.completed', (e: JobCompletedEvent) => {
      if (isJobOf(greetings, e)) resolve(String(e.value));
    }),
  );
  const queue = system.queue(greetings);
  // Type checks only, never called: a typo'd params object and an undeclared priority do not compile.
  const _typos = () => [
    // @ts-expect-error nmae is a typo of name
    queue.enqueue({ task: 'greet', params: { nmae: 'x' } }),
    // @ts-expect-error 'urgent' is not one of the queue's priorities
    queue.enqueue(greet.create({ name: 'x' }), { priority: 'urgent' }),
  ];
  void _typos;
  await queue.enqueue(greet.create({ name: 'MODULE' }), { priority: 'high' });
  const value = await done;
  await system.stop();
  return value;
}
`;

function tsconfig(module: 'node16' | 'nodenext', file: string): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      module,
      moduleResolution: module,
      target: 'es2022',
      types: ['node'],
      outDir: 'out',
    },
    files: [file],
  });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'qui-pack-'));
  const clone = join(tmp, 'clone');
  cleanCopy(clone);
  expect(existsSync(join(clone, 'dist'))).toBe(false);
  // npm pack runs `prepare` (the build) first: the tarball must not depend on a dist/ lying around.
  run('npm', ['pack', '--pack-destination', tmp, '--no-audit', '--no-fund'], clone);
  const packed = readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
  expect(packed).toEqual([`${NAME}-${VERSION}.tgz`]);
  tarball = join(tmp, packed[0] as string);

  consumer = join(tmp, 'consumer');
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
  run(
    'npm',
    ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
    consumer,
  );
  // Node's types for the consumer's own code (the package itself needs none beyond what it ships).
  mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
  symlinkSync(
    join(ROOT, 'node_modules', '@types', 'node'),
    join(consumer, 'node_modules', '@types', 'node'),
    'dir',
  );

  writeFileSync(
    join(consumer, 'cjs.ts'),
    `${CONSUMER.replaceAll('MODULE', 'cjs')}\nvoid main().then((v) => console.log(v));\n`,
  );
  writeFileSync(
    join(consumer, 'esm.mts'),
    `${CONSUMER.replaceAll('MODULE', 'esm')}\nconsole.log(await main());\n`,
  );
  writeFileSync(join(consumer, 'tsconfig.cjs.json'), tsconfig('node16', 'cjs.ts'));
  writeFileSync(join(consumer, 'tsconfig.esm.json'), tsconfig('nodenext', 'esm.mts'));
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe(`the packed ${NAME}`, () => {
  it('ships the built code and its types, without source maps, sources or tests', () => {
    const files = run('tar', ['-tzf', tarball], tmp).split('\n').filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/dist/cli/qui.js',
      ]),
    );
    expect(
      files.filter((f) => !/^package\/(dist\/.+\.(js|d\.ts)|package\.json|README\.md|LICENSE)$/.test(f)),
    ).toEqual([]);
  });

  it('installs without the optional peers: neither better-sqlite3, ioredis, prom-client nor @opentelemetry, nor their types', () => {
    const installed = readdirSync(join(consumer, 'node_modules'));
    expect(installed).toContain(NAME);
    expect(
      installed.filter((d) => ['better-sqlite3', 'ioredis', 'prom-client', '@opentelemetry'].includes(d)),
    ).toEqual([]);
    expect(readdirSync(join(consumer, 'node_modules', '@types'))).toEqual(['node']);
  });

  it.each([
    ['module: node16 (CommonJS .ts)', 'tsconfig.cjs.json', 'out/cjs.js', 'hello, cjs'],
    ['module: nodenext (an .mts file)', 'tsconfig.esm.json', 'out/esm.mjs', 'hello, esm'],
  ])(
    'type-checks a strict consumer with skipLibCheck: false under %s, and runs it',
    (_, config, out, greeting) => {
      expect(run(process.execPath, [TSC, '-p', config], consumer)).toBe('');
      expect(run(process.execPath, [out], consumer).trim()).toBe(greeting);
    },
  );

  it('installs the qui bin: --help and --version print on stdout and exit 0', () => {
    const qui = join(consumer, 'node_modules', '.bin', 'qui');
    expect(run(qui, ['--help'], consumer)).toMatch(/^Usage: qui <command>/);
    expect(run(qui, ['--version'], consumer)).toBe(`${VERSION}\n`);
  });

  it('runs a JavaScript config with the installed bin until SIGTERM, then exits 0', async () => {
    writeFileSync(
      join(consumer, 'qui.config.js'),
      `const { defineQueue, defineSupervisor, ok } = require('${NAME}');\n` +
        `module.exports = { tree: defineSupervisor({ id: 'root', children: [defineQueue({ name: 'q', workers: { count: 1, processor: () => ok() } })] }) };\n`,
    );
    const child = spawn(join(consumer, 'node_modules', '.bin', 'qui'), ['start', 'qui.config.js'], {
      cwd: consumer,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(-1)); // no bin to run
    });
    const msgs: string[] = [];
    const started = new Promise<void>((resolve) =>
      createInterface({ input: child.stderr }).on('line', (line) => {
        msgs.push((JSON.parse(line) as { msg: string }).msg);
        if (msgs.at(-1) === 'tree started') resolve();
      }),
    );
    await Promise.race([started, exited]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(msgs).toEqual(expect.arrayContaining(['tree started', 'shutting down', 'stopped']));
  });

  it('serves the dashboard, its script and its stylesheet from the installed package (qui dashboard)', async () => {
    const child = spawn(
      join(consumer, 'node_modules', '.bin', 'qui'),
      ['dashboard', '--config', 'qui.config.js', '--port', '0'],
      { cwd: consumer, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(-1));
    });
    const line = await Promise.race([
      new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)),
      exited.then((code) => `exited ${code}`),
    ]);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(line)?.[1];
    expect([line, url]).toEqual([line, expect.any(String)]);
    const statuses: Record<string, [number, string | null]> = {};
    for (const path of ['', 'assets/dashboard.js', 'assets/dashboard.css', 'queues/q', 'tree']) {
      const res = await fetch(`${url}${path}`);
      statuses[path] = [res.status, res.headers.get('content-type')];
      expect((await res.text()).length).toBeGreaterThan(100);
    }
    expect(statuses).toEqual({
      '': [200, 'text/html; charset=utf-8'],
      'assets/dashboard.js': [200, 'text/javascript; charset=utf-8'],
      'assets/dashboard.css': [200, 'text/css; charset=utf-8'],
      'queues/q': [200, 'text/html; charset=utf-8'],
      tree: [200, 'text/html; charset=utf-8'],
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
