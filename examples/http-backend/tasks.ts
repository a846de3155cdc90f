/**
 * The backend's tasks and tree: an `emails` queue (I/O-bound, many workers) and a `thumbnails`
 * queue (CPU-bound, few workers). Each task comes with `parse`, which checks the params an HTTP
 * client sent and names the bad field, so bad input is refused with a 400 before it is enqueued.
 */
import { createHash } from 'node:crypto';
import {
  defineQueue,
  defineSupervisor,
  defineTask,
  InvalidOptionsError,
  ok,
  UnrecoverableError,
  type SupervisorSpec,
  type TaskValue,
} from 'qui-actors';

/** Waits `ms`, or rejects as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), {
      once: true,
    });
  });
}

export interface SendEmailParams {
  readonly to: string;
  readonly subject: string;
}

/** Pretends to talk to a mail server; addresses at `bounce.test` are refused for good. */
export const sendEmail = defineTask({
  name: 'send-email',
  defaults: { timeoutMs: 5_000, maxRetries: 3, backoff: { type: 'exponential', maxDelayMs: 2_000 } },
  async perform(params: SendEmailParams, { signal, log }) {
    await wait(5, signal);
    if (params.to.endsWith('@bounce.test'))
      throw new UnrecoverableError(`mailbox ${params.to} does not exist`);
    log.info('email sent');
    return ok({ messageId: `<${Date.now()}@qui.example>` });
  },
});

export interface ThumbnailParams {
  readonly image: string;
  readonly width: number;
}

/** CPU-bound stand-in for an image resize. */
export const makeThumbnail = defineTask({
  name: 'make-thumbnail',
  defaults: { priority: 'low' },
  perform(params: ThumbnailParams) {
    let h = params.image;
    for (let i = 0; i < params.width; i++) h = createHash('sha256').update(h).digest('hex');
    return ok({ etag: h.slice(0, 16) });
  },
});

/** A task an HTTP client may name, with the check of its params. */
export interface RoutableTask {
  /** Builds the value to enqueue from untrusted params. @throws {InvalidOptionsError} naming the field. */
  create(params: unknown): TaskValue;
}

const bad = (path: string, problem: string): InvalidOptionsError => new InvalidOptionsError(path, problem);

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('params', 'must be an object');
  return value as Record<string, unknown>;
}

function nonEmptyString(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw bad(`params.${key}`, 'must be a non-empty string');
  return v;
}

/** Which tasks each queue accepts over HTTP, by task name. */
export const routes: Readonly<Record<string, Readonly<Record<string, RoutableTask>>>> = {
  emails: {
    'send-email': {
      create(params) {
        const o = asObject(params);
        const to = nonEmptyString(o, 'to');
        if (!/^[^@\s]+@[^@\s]+$/.test(to))
          throw bad('params.to', `must be an email address, got ${JSON.stringify(to)}`);
        return sendEmail.create({ to, subject: nonEmptyString(o, 'subject') });
      },
    },
  },
  thumbnails: {
    'make-thumbnail': {
      create(params) {
        const o = asObject(params);
        const width = o.width;
        if (!Number.isInteger(width) || (width as number) < 1 || (width as number) > 4096) {
          throw bad('params.width', `must be an integer from 1 to 4096, got ${JSON.stringify(width)}`);
        }
        return makeThumbnail.create({ image: nonEmptyString(o, 'image'), width: width as number });
      },
    },
  },
};

/** The backend's tree: one queue per entry of `routes`. */
export function backendTree(): SupervisorSpec {
  return defineSupervisor({
    id: 'backend',
    children: [
      defineQueue({ name: 'emails', tasks: [sendEmail], workers: { count: 20 } }),
      defineQueue({ name: 'thumbnails', tasks: [makeThumbnail], workers: { count: 2 } }),
    ],
  });
}
