import type { IncomingMessage } from 'node:http';
import { QuiError, toError } from '../errors';
import type { JobState } from '../jobs/job-record';
import type { Logger } from '../logging';
import type { QueueControl } from './queue-control';

/** An action's answer, sent as JSON with `status`. @internal */
export interface ActionReply {
  readonly status: number;
  readonly body: {
    readonly ok: boolean;
    readonly message?: string;
    readonly error?: { code: string; message: string };
  };
}

/** Who asked, for the log: the identity `authorize` gave, and the remote address. @internal */
export interface Requester {
  readonly user: string | undefined;
  readonly remoteAddress: string | undefined;
}

/** Most jobs one "retry all" moves, so a click never runs unbounded. */
export const RETRY_ALL_MAX = 10_000;
const RETRY_ALL_PAGE = 100;
/** Largest action body read, in bytes. */
const MAX_BODY_BYTES = 4_096;

const fail = (status: number, code: string, message: string): ActionReply => ({
  status,
  body: { ok: false, error: { code, message } },
});

/**
 * Refuses a POST a page on another site could have sent (CSRF, without sessions): it must be
 * JSON (a cross-site form cannot send that without a CORS preflight, which is never granted),
 * and come from this origin (`Sec-Fetch-Site: same-origin`, or an `Origin` equal to the host).
 * @internal
 */
export function crossSiteProblem(req: IncomingMessage): string | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return 'actions must be sent as application/json';
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' ? undefined : `a ${site} request may not act`;
  const origin = req.headers.origin;
  if (origin === undefined) return 'actions need an Origin header (or Sec-Fetch-Site: same-origin)';
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return 'the Origin header is not a URL';
  }
  return host === req.headers.host ? undefined : `origin ${origin} is not this dashboard's`;
}

/** Reads a small JSON object body; `undefined` when it is not one. @internal */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** What an action route names. @internal */
export type DashboardAction =
  | { readonly type: 'pause' | 'resume'; readonly queue: string }
  | { readonly type: 'retry-all'; readonly queue: string }
  | { readonly type: 'retry' | 'remove' | 'cancel'; readonly queue: string; readonly jobId: string };

/** Runs an action on a queue's records and logs it with who asked. @internal */
export async function runAction(
  action: DashboardAction,
  control: QueueControl,
  body: Record<string, unknown>,
  who: Requester,
  log: Logger,
): Promise<ActionReply> {
  const jobId = 'jobId' in action ? action.jobId : undefined;
  const entry = {
    action: action.type,
    queue: action.queue,
    jobId,
    user: who.user,
    remoteAddress: who.remoteAddress,
  };
  try {
    switch (action.type) {
      case 'pause':
        await control.pause();
        log.info(entry, 'dashboard action');
        return { status: 200, body: { ok: true, message: `Paused ${action.queue}` } };
      case 'resume':
        await control.resume();
        log.info(entry, 'dashboard action');
        return { status: 200, body: { ok: true, message: `Resumed ${action.queue}` } };
      case 'retry':
        await control.retryJob(action.jobId);
        log.info(entry, 'dashboard action');
        return { status: 200, body: { ok: true, message: `Job ${action.jobId} is waiting again` } };
      case 'remove': {
        const removed = await control.removeJob(action.jobId);
        if (removed === false) {
          log.warn({ ...entry, code: 'ERR_JOB_NOT_FOUND' }, 'dashboard action refused');
          return fail(404, 'ERR_JOB_NOT_FOUND', `no job ${action.jobId}`);
        }
        log.info(entry, 'dashboard action');
        return { status: 200, body: { ok: true, message: `Removed job ${action.jobId}` } };
      }
      case 'cancel': {
        const reason = typeof body.reason === 'string' ? body.reason.slice(0, 200) : undefined;
        await control.cancel(action.jobId, reason);
        log.info({ ...entry, reason }, 'dashboard action');
        return { status: 200, body: { ok: true, message: `Cancelled job ${action.jobId}` } };
      }
      case 'retry-all': {
        const state = body.state;
        if (state !== 'dead' && state !== 'lost')
          return fail(
            400,
            'ERR_INVALID_OPTIONS',
            `state: must be 'dead' or 'lost', got ${JSON.stringify(state)}`,
          );
        const retried = await retryAll(control, state);
        log.info({ ...entry, state, retried }, 'dashboard action');
        return { status: 200, body: { ok: true, message: `${retried} ${state} jobs are waiting again` } };
      }
    }
  } catch (thrown) {
    const error = toError(thrown);
    const code =
      error instanceof QuiError ? error.code : ((error as { code?: unknown }).code as string | undefined);
    log.warn({ ...entry, err: error }, 'dashboard action refused');
    const status = code === 'ERR_JOB_NOT_FOUND' ? 404 : code === 'ERR_JOB_STATE' ? 409 : 500;
    return fail(status, typeof code === 'string' ? code : 'ERR_ACTION_FAILED', error.message);
  }
}

/** Retries the oldest pages first until none is left, at most `RETRY_ALL_MAX`; stops when a page moves nothing. */
async function retryAll(control: QueueControl, state: JobState): Promise<number> {
  let retried = 0;
  while (retried < RETRY_ALL_MAX) {
    const page = await control.getJobs({ state, limit: RETRY_ALL_PAGE });
    if (page.records.length === 0) break;
    let moved = 0;
    for (const record of page.records) {
      try {
        await control.retryJob(record.id);
        moved++;
      } catch {
        // Changed state meanwhile (another process retried it): skip it.
      }
    }
    retried += moved;
    if (moved === 0) break;
  }
  return retried;
}
