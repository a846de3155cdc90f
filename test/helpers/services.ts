/**
 * The services some test files need (Redis), found once per run or failed fast: a file that needs
 * Redis calls `requireRedis()` at its top, before it makes any client. When Redis is down the file
 * fails at once with one line naming the service, opens no connection, and jest still exits.
 * `.ci/run` starts Redis; `QUI_TEST_REDIS_URL` points the tests at another one.
 */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';

/** The Redis the tests use. @defaultValue redis://127.0.0.1:6379 */
export const REDIS_URL = process.env.QUI_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Set by the global setup: `up`, or why Redis could not be reached. */
const STATUS_VAR = 'QUI_TEST_REDIS_STATUS';
// Generous for a loaded machine; a refused connection fails at once anyway.
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Connects to the Redis at `url` and sends a PING, within `timeoutMs`. Resolves with undefined when
 * a Redis answers (even with an auth error: the service is there), else with the reason.
 */
export function probeRedis(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (problem: string | undefined): void => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('error', (error) => done(error.message));
    socket.once('connect', () => socket.write('PING\r\n'));
    // A Redis answers a PING with a RESP simple string or error (`+PONG`, `-NOAUTH …`).
    socket.once('data', (data) => done(isResp(data) ? undefined : 'it is not a Redis server'));
  });
}

function isResp(data: Buffer): boolean {
  return data[0] === 0x2b || data[0] === 0x2d; // '+' or '-'
}

/** The one line a test file fails with when Redis is not there. */
export function redisUnreachable(url: string, problem: string): string {
  return `Redis at ${url} is not reachable (${problem}): start it (see .ci/run) or set QUI_TEST_REDIS_URL`;
}

/**
 * Returns the Redis URL, or throws (failing the file before it opens a connection) when the global
 * setup found Redis down. Run outside that setup, it probes on its own.
 */
export function requireRedis(): string {
  const problem = redisStatus();
  if (problem === undefined) return REDIS_URL;
  const error = new Error(redisUnreachable(REDIS_URL, problem));
  error.stack = error.message; // one line: the stack of a helper says nothing
  throw error;
}

function redisStatus(): string | undefined {
  const status = process.env[STATUS_VAR] ?? probeInChild();
  return status === 'up' ? undefined : status;
}

/** A synchronous probe (the same connect and PING), for a file run without the global setup. */
function probeInChild(): string {
  const { hostname, port } = new URL(REDIS_URL);
  const script = `
    const s = require('node:net').connect({ host: ${JSON.stringify(hostname || '127.0.0.1')}, port: ${Number(port || 6379)} });
    const done = (p) => { process.stdout.write(p); s.destroy(); };
    s.setTimeout(${PROBE_TIMEOUT_MS}, () => done('no answer within ${PROBE_TIMEOUT_MS} ms'));
    s.once('error', (e) => done(e.message));
    s.once('connect', () => s.write('PING\\r\\n'));
    s.once('data', (d) => done(d[0] === 0x2b || d[0] === 0x2d ? 'up' : 'it is not a Redis server'));`;
  const out = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS * 5,
  });
  const status = out.stdout.trim() || 'the probe gave no answer';
  process.env[STATUS_VAR] = status;
  return status;
}

/** For the global setup: probes once and records the outcome for every test file. */
export async function recordRedisStatus(): Promise<string | undefined> {
  const problem = await probeRedis(REDIS_URL);
  process.env[STATUS_VAR] = problem ?? 'up';
  return problem;
}
