/**
 * Issue 8, defect 14: without a Redis, the files that need it fail at once with one line naming
 * it, and jest exits. The probe is tested against servers of our own; the whole path by running
 * jest on a Redis file pointed at a port where nothing listens; and every file that opens a Redis
 * connection is checked to go through that path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { probeRedis, requireRedis } from '../../helpers/services';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A TCP server on a free port that answers each connection with `reply` (or never, if undefined). */
async function serve(reply: string | undefined): Promise<string> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    if (reply !== undefined) socket.once('data', () => socket.end(reply));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `redis://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A port where nothing listens: one just released. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `redis://127.0.0.1:${port}`;
}

describe('the Redis probe', () => {
  it('accepts a server that answers in RESP, an auth error included', async () => {
    expect(await probeRedis(await serve('+PONG\r\n'))).toBeUndefined();
    expect(await probeRedis(await serve('-NOAUTH Authentication required.\r\n'))).toBeUndefined();
  });

  it('names the reason when nothing listens, when the server is not Redis, or when it never answers', async () => {
    expect(await probeRedis(await closedPort())).toMatch(/ECONNREFUSED/);
    expect(await probeRedis(await serve('HTTP/1.1 400 Bad Request\r\n\r\n'))).toBe(
      'it is not a Redis server',
    );
    expect(await probeRedis(await serve(undefined), 50)).toBe('no answer within 50 ms');
  });

  it('makes requireRedis throw one line naming Redis and how to start it when the setup found it down', () => {
    const saved = process.env.QUI_TEST_REDIS_STATUS;
    process.env.QUI_TEST_REDIS_STATUS = 'connect ECONNREFUSED 127.0.0.1:6379';
    try {
      expect(requireRedis).toThrow(
        /^Redis at redis:\/\/.+ is not reachable \(connect ECONNREFUSED 127\.0\.0\.1:6379\): start it \(see \.ci\/run\) or set QUI_TEST_REDIS_URL$/,
      );
    } finally {
      process.env.QUI_TEST_REDIS_STATUS = saved;
    }
  });
});

describe('jest without a Redis', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('fails a Redis file at once with the one line, and exits on its own', async () => {
    const url = await closedPort();
    const env: NodeJS.ProcessEnv = { ...process.env, QUI_TEST_REDIS_URL: url };
    delete env.QUI_TEST_REDIS_STATUS; // the child's own global setup probes
    const jest = require.resolve('jest/bin/jest');
    child = spawn(process.execPath, [jest, '--runInBand', '--ci', 'test/contracts/redis-store.test.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    // Without the fix jest never exits (clients retry forever): the test's own timeout fails it.
    const running = child;
    const code = await new Promise<number | null>((resolve) => running.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain(`Redis at ${url} is not reachable`);
    expect(output).toContain('Tests:       0 total');
  }, 60_000);
});

describe('the test files that open a Redis connection', () => {
  it('each call requireRedis, so each fails at once without Redis and uses QUI_TEST_REDIS_URL', () => {
    const root = join(__dirname, '../..');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.test.ts'),
    );
    // A client of its own (ioredis, or a store given a URL) means the file needs a Redis.
    const opensRedis = /from 'ioredis'|new Redis\(|redisStore\(\{/;
    const needing = files.filter((f) => opensRedis.test(readFileSync(join(root, f), 'utf8')));
    expect(needing.length).toBeGreaterThan(10);
    const without = needing.filter((f) => !readFileSync(join(root, f), 'utf8').includes('requireRedis()'));
    expect(without).toEqual([]);
  });
});
