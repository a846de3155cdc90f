/**
 * Qui inside an event-driven backend: a node:http server whose handlers enqueue tasks by queue
 * name and report what happened to each job, as told by `system.events`.
 *
 *   POST /jobs/:queue   { task, params, options? }  → 202 { id, queue, status, href }
 *   GET  /jobs/:id                                  → 200 the job's last known event
 *   GET  /stats/:queue                              → 200 the queue's stats
 *
 * Errors are `{ error: { code, message } }`: 400 for bad input (the message names the field),
 * 404 for an unknown queue, job or route, 413 for a body over 1 MB.
 *
 * Run it: npx tsx examples/http-backend/server.ts   (PORT=3000 by default)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import {
  InvalidOptionsError,
  QuiError,
  startSystem,
  type JobOptions,
  type Logger,
  type QuiSystem,
} from 'qui-actors';
import { trackJobs, type JobTracker } from './job-tracker';
import { backendTree, routes } from './tasks';

export interface ServerOptions {
  /** 0 picks a free port. @defaultValue 3000 */
  readonly port?: number;
  /** @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** @defaultValue a silent pino logger */
  readonly logger?: Logger;
  /** Jobs whose last event is remembered for `GET /jobs/:id`. @defaultValue 10000 */
  readonly maxTrackedJobs?: number;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:39411` */
  readonly url: string;
  /** The Qui system behind the server: subscribe to `system.events` to await a job's outcome. */
  readonly system: QuiSystem;
  readonly jobs: JobTracker;
  /** Stops accepting requests, then stops the system gracefully (running jobs finish). */
  close(): Promise<void>;
}

/** A refusal with an HTTP status and a stable code. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1 << 20;
const BODY_KEYS = new Set(['task', 'params', 'options']);

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'ERR_BODY_TOO_LARGE', `body: must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new InvalidOptionsError('body', 'must be JSON: { "task": name, "params": {…}, "options"?: {…} }');
  }
}

async function enqueue(system: QuiSystem, queue: string, req: IncomingMessage): Promise<[number, unknown]> {
  const tasks = routes[queue];
  if (!tasks)
    throw new QuiError(
      'ERR_QUEUE_NOT_FOUND',
      `no queue named ${JSON.stringify(queue)} (queues: ${Object.keys(routes).join(', ')})`,
    );
  const body = await readJson(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidOptionsError('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!BODY_KEYS.has(key))
      throw new InvalidOptionsError(`body.${key}`, 'is not a known field (known: task, params, options)');
  }
  const { task, params, options } = body as { task?: unknown; params?: unknown; options?: unknown };
  const route = typeof task === 'string' ? tasks[task] : undefined;
  if (!route) {
    throw new InvalidOptionsError(
      'task',
      `must be one of ${Object.keys(tasks).join(', ')} for queue ${queue}, got ${JSON.stringify(task)}`,
    );
  }
  // Options are checked by Qui itself: a typo such as `prioirity` is an ERR_INVALID_OPTIONS naming `options.prioirity`.
  const job = await system.queue(queue).enqueue(route.create(params), options as JobOptions | undefined);
  return [202, { id: job.id, queue, status: 'enqueued', href: `/jobs/${job.id}` }];
}

async function route(system: QuiSystem, jobs: JobTracker, req: IncomingMessage): Promise<[number, unknown]> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const [first, second, ...rest] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (second === undefined || rest.length > 0)
    throw new HttpError(404, 'ERR_NOT_FOUND', `no route ${req.method} ${url.pathname}`);
  if (req.method === 'POST' && first === 'jobs') return enqueue(system, second, req);
  if (req.method === 'GET' && first === 'jobs') {
    const view = jobs.get(second);
    if (!view)
      throw new HttpError(404, 'ERR_JOB_NOT_FOUND', `no recent job with id ${JSON.stringify(second)}`);
    return [200, view];
  }
  if (req.method === 'GET' && first === 'stats') {
    if (!routes[second])
      throw new QuiError('ERR_QUEUE_NOT_FOUND', `no queue named ${JSON.stringify(second)}`);
    return [200, await system.queue(second).stats()];
  }
  throw new HttpError(404, 'ERR_NOT_FOUND', `no route ${req.method} ${url.pathname}`);
}

/** Maps an error to a status: bad input 400, unknown queue 404, a full queue 503, a bug 500. */
function toResponse(error: unknown, log: Logger): [number, { error: { code: string; message: string } }] {
  if (error instanceof HttpError)
    return [error.status, { error: { code: error.code, message: error.message } }];
  if (error instanceof QuiError) {
    const status =
      error.code === 'ERR_INVALID_OPTIONS'
        ? 400
        : error.code === 'ERR_QUEUE_NOT_FOUND'
          ? 404
          : error.code === 'ERR_QUEUE_FULL' || error.code === 'ERR_STOPPED'
            ? 503
            : 500;
    return [status, { error: { code: error.code, message: error.message } }];
  }
  log.error({ err: error }, 'request failed');
  return [500, { error: { code: 'ERR_INTERNAL', message: 'internal error' } }];
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the Qui system, then the HTTP server on `port` (0: a free one). */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const system = await startSystem(backendTree(), { logger, name: 'http-backend' });
  const jobs = trackJobs(system.events, options.maxTrackedJobs);
  const server = createServer((req, res) => {
    route(system, jobs, req).then(
      ([status, body]) => send(res, status, body),
      (error: unknown) => send(res, ...toResponse(error, logger)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    system,
    jobs,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // idle keep-alive sockets would hold close() open
      await closed;
      jobs.close();
      await system.stop();
    },
  };
}

async function main(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const server = await startServer({ port: Number(process.env.PORT ?? 3000), logger });
  console.log(`listening on ${server.url}; try:`);
  console.log(
    `  curl -s -XPOST ${server.url}/jobs/emails -d '{"task":"send-email","params":{"to":"ada@example.com","subject":"Hi"}}'`,
  );
  console.log(`  curl -s ${server.url}/jobs/<id>    curl -s ${server.url}/stats/emails`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
