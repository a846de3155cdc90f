import { InvalidOptionsError, QuiError, toError } from '../errors';
import type { JobRecord } from '../jobs/job-record';
import type { QueueConnection } from '../queue/connect-queue';
import { describe } from '../validate';
import { jobDetail, jobsTable, statsTable, type QueueStatsRow } from './inspect-format';
import { openDirectory, type QueueDirectory } from './inspect-target';
import type { InspectAction, InspectCommand } from './parse-inspect';

/** What a command printed and how it exits. */
export interface InspectOutcome {
  /** The table, or with `--json` one JSON document. */
  readonly stdout: string;
  /** One line, without the `qui: ` prefix; empty when the command succeeded. */
  readonly stderr: string;
  /**
   * 0 done; 1 no such queue (not in the config, or no trace of it in the store) or job, or the
   * job's state refuses the command (nothing changed); 2 anything else.
   */
  readonly code: 0 | 1 | 2;
}

/** Codes meaning "the queue was reached, and the job is not there or not in a state for this". */
const JOB_REFUSALS: ReadonlySet<string> = new Set(['ERR_JOB_NOT_FOUND', 'ERR_JOB_STATE']);
/** Codes that exit 1: the store was reached and the queue or job is not there, or refuses. */
const NOT_FOUND: ReadonlySet<string> = new Set([...JOB_REFUSALS, 'ERR_QUEUE_NOT_FOUND']);

/** Most records `retry --all-dead` asks for at a time. */
const RETRY_PAGE = 500;

/**
 * Runs an inspection command: opens the queue's store, does the one thing asked, closes the store
 * (always: the process then exits by itself). Never throws: a failure is the outcome's one line.
 */
export async function runInspect(command: InspectCommand, nowMs = Date.now()): Promise<InspectOutcome> {
  const open: QueueConnection[] = [];
  let directory: QueueDirectory | undefined;
  try {
    directory = openDirectory(command.target);
    const dir = directory;
    const connect = async (queue: string, create = false): Promise<QueueConnection> => {
      const c = await dir.connect(queue, create);
      open.push(c);
      return c;
    };
    const { action } = command;
    if (action.verb === 'stats') {
      const names = action.queue === undefined ? await dir.names() : [action.queue];
      if (names.length === 0 && command.target.type !== 'config')
        throw new QuiError('ERR_QUEUE_NOT_FOUND', `no queue found ${dir.where}`);
      const rows: QueueStatsRow[] = [];
      for (const name of names) {
        // A name names() found is there: no second look (on Redis a SCAN per queue).
        const c = await connect(name, action.queue === undefined);
        rows.push({ queue: name, paused: await c.isPaused(), counts: await c.counts() });
      }
      return done(command.json ? { queues: rows } : statsTable(rows), command.json);
    }
    const create = (action.verb === 'pause' || action.verb === 'resume') && action.create;
    return await act(action, await connect(action.queue, create), command.json, nowMs);
  } catch (thrown) {
    const error = toError(thrown);
    const code = error instanceof QuiError && NOT_FOUND.has(error.code) ? 1 : 2;
    let line = directory ? directory.explain(error) : (error.message.split('\n', 1)[0] as string);
    // The records name the field (`cursor: …`); on the command line it is an option, and bad usage.
    if (command.action.verb === 'jobs' && error instanceof InvalidOptionsError && error.path === 'cursor')
      line = `jobs: --cursor must be one a previous page printed, got ${describe(command.action.cursor)} (see qui jobs --help)`;
    // Stores do not keep a queue's priorities: a retried job of one the default list lacks says so.
    if (lacksPriorities(command, error)) line += " (give the queue's priorities with --priorities)";
    return { stdout: '', stderr: line, code };
  } finally {
    await Promise.allSettled(open.map((c) => c.close()));
    directory?.close();
  }
}

function lacksPriorities(command: InspectCommand, error: Error): boolean {
  const t = command.target;
  return (
    t.type !== 'config' &&
    t.priorities === undefined &&
    error instanceof QuiError &&
    error.code === 'ERR_STORE' &&
    error.message.includes('which queue') &&
    error.message.includes('does not declare')
  );
}

async function act(
  action: Exclude<InspectAction, { verb: 'stats' }>,
  c: QueueConnection,
  json: boolean,
  nowMs: number,
): Promise<InspectOutcome> {
  switch (action.verb) {
    case 'jobs': {
      const page = await c.getJobs({
        state: action.state,
        limit: action.limit,
        ...(action.cursor === undefined ? {} : { cursor: action.cursor }),
      });
      if (json) return done(page, true);
      if (page.records.length === 0)
        return done(`no ${action.state} jobs in queue ${describe(c.name)}\n`, false);
      const next = page.cursor === undefined ? '' : `next page: --cursor ${page.cursor}\n`;
      return done(jobsTable(page.records, nowMs) + next, false);
    }
    case 'job': {
      const record = await c.getJob(action.id);
      if (!record)
        throw new QuiError(
          'ERR_JOB_NOT_FOUND',
          `queue ${describe(c.name)} has no job ${describe(action.id)}`,
        );
      return done(json ? record : jobDetail(record, nowMs), json);
    }
    case 'retry': {
      if (action.id !== undefined) {
        const record = await c.retryJob(action.id);
        return done(
          json ? record : `job ${record.id} is ${record.state} again (attempt ${record.attempts + 1} next)\n`,
          json,
        );
      }
      return retryAllDead(c, json);
    }
    case 'pause':
    case 'resume': {
      await (action.verb === 'pause' ? c.pause() : c.resume());
      const paused = action.verb === 'pause';
      return done(
        json ? { queue: c.name, paused } : `queue ${c.name} ${paused ? 'paused' : 'resumed'}\n`,
        json,
      );
    }
    case 'cancel': {
      const record: JobRecord = await c.cancel(action.id, action.reason);
      const text =
        record.state === 'cancelled'
          ? `job ${record.id} cancelled\n`
          : `job ${record.id} is running in process ${record.processId ?? '?'}: told to abort it (it ends cancelled)\n`;
      return done(json ? record : text, json);
    }
  }
}

/**
 * Retries every dead job, a page at a time; a job that can no longer be retried (retried by
 * someone else meanwhile, or a dead-letter copy) is counted, not fatal; exit 1 when any was.
 */
async function retryAllDead(c: QueueConnection, json: boolean): Promise<InspectOutcome> {
  let retried = 0;
  const failed: { id: string; error: string }[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await c.getJobs({ state: 'dead', limit: RETRY_PAGE, ...(cursor ? { cursor } : {}) });
    const fresh = page.records.filter((r) => !seen.has(r.id));
    // Retried jobs leave the dead list, so the next look starts from its top again; a page of
    // jobs that stayed dead (not retried) is stepped over with its cursor.
    if (fresh.length === 0) {
      if (page.cursor === undefined) break;
      cursor = page.cursor;
      continue;
    }
    cursor = undefined;
    for (const r of fresh) {
      seen.add(r.id);
      try {
        await c.retryJob(r.id);
        retried++;
      } catch (thrown) {
        // A job that changed meanwhile is counted; a store failure stops the command.
        if (!(thrown instanceof QuiError && JOB_REFUSALS.has(thrown.code))) throw thrown;
        failed.push({ id: r.id, error: thrown.message });
      }
    }
  }
  if (json) return done({ retried, failed }, true);
  let text = `${retried} dead job${retried === 1 ? '' : 's'} of queue ${c.name} back to waiting\n`;
  for (const f of failed) text += `not retried: ${f.id}: ${f.error}\n`;
  return { stdout: text, stderr: '', code: failed.length > 0 ? 1 : 0 };
}

function done(value: unknown, json: boolean): InspectOutcome {
  return { stdout: json ? `${JSON.stringify(value, null, 2)}\n` : (value as string), stderr: '', code: 0 };
}
