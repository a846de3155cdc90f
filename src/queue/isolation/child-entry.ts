import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort } from 'node:worker_threads';
import pino from 'pino';
import { InvalidSpecError, QuiError, toError } from '../../errors';
import { isJobResult } from '../../jobs/job-result';
import type { Job } from '../../jobs/job';
import { checkJsonValue } from '../../jobs/json-value';
import type { Logger } from '../../logging';
import type { ProcessorContext, Processor } from '../../tasks/run-attempt';
import { loadProcessor } from './load-module';
import { reviveError, sendError, type ChildMessage, type ChildOutcome, type ParentMessage } from './protocol';

/**
 * The entry point of an isolated worker's thread or child process: loads the user's module once,
 * then runs one attempt at a time as the parent asks. Timeouts are the parent's business (it
 * terminates us); here an abort only aborts the processor's signal. @internal
 */

interface Port {
  post(message: ChildMessage): void;
  /** Thread: structured clone. Process: JSON, checked first so the error names the field. */
  readonly json: boolean;
}

const port: Port = parentPort
  ? { post: (m) => parentPort?.postMessage(m), json: false }
  : { post: (m) => void process.send?.(m), json: true };

let processor: Processor | undefined;
let log: Logger | undefined;
let current: { readonly seq: number; readonly controller: AbortController } | undefined;
/** The attempt whose code is running: timers and promises keep the seq of the attempt that made them. */
const owner = new AsyncLocalStorage<number>();

function onMessage(message: ParentMessage): void {
  switch (message.type) {
    case 'init':
      return init(message.module, message.level);
    case 'run':
      return void run(message.seq, message.job as Job);
    case 'abort':
      if (current?.seq === message.seq) current.controller.abort(reviveError(message.reason));
      return;
  }
}

function init(modulePath: string, level: string): void {
  try {
    processor = loadProcessor(modulePath, (path, problem) => new InvalidSpecError(path, problem));
  } catch (thrown) {
    return port.post({ type: 'load-failed', error: sendError(toError(thrown)) });
  }
  // One logger for the thread: its lines go to the parent, which writes them through the job's own
  // logger (jobId and task bound there), so bindings and destination stay the parent's.
  log = pino(
    { level, base: null, timestamp: false },
    {
      write: (line: string) => {
        if (current) port.post({ type: 'log', seq: current.seq, line });
      },
    },
  );
  port.post({ type: 'ready' });
}

async function run(seq: number, job: Job): Promise<void> {
  // JSON has no Infinity: the parent sends "no timeout" as null.
  if ((job.timeoutMs as number | null) === null) (job as { timeoutMs: number }).timeoutMs = Infinity;
  const controller = new AbortController();
  current = { seq, controller };
  const ctx: ProcessorContext = {
    signal: controller.signal,
    log: log as Logger,
    attempt: job.attempts + 1,
    job,
    progress: (value: unknown) => {
      if (current?.seq === seq) port.post({ type: 'progress', seq, value });
    },
  };
  let outcome: ChildOutcome;
  try {
    const returned = await owner.run(seq, () => (processor as Processor)(job, ctx));
    if (!isJobResult(returned)) outcome = { status: 'bad-result', shape: shapeOf(returned) };
    else if (returned.ok) outcome = { status: 'completed', value: returned.value };
    else outcome = { status: 'failed', error: sendError(returned.error) };
  } catch (thrown) {
    outcome = { status: 'failed', error: sendError(toError(thrown)) };
  }
  current = undefined;
  post(seq, job, outcome);
}

/** Sends the outcome; a value that cannot cross becomes an `ERR_NOT_SENDABLE` failure naming it. */
function post(seq: number, job: Job, outcome: ChildOutcome): void {
  try {
    if (port.json && outcome.status === 'completed' && outcome.value !== undefined)
      checkJsonValue(outcome.value, 'value', (path, problem) => new Error(`${path}: ${problem}`));
    port.post({ type: 'done', seq, outcome });
  } catch (thrown) {
    const error = new QuiError(
      'ERR_NOT_SENDABLE',
      `job ${job.id}: the result could not be sent from the worker ${port.json ? 'process (JSON)' : 'thread (structured clone)'}: ${toError(thrown).message}`,
    );
    port.post({ type: 'done', seq, outcome: { status: 'unsendable', error: sendError(error) } });
  }
}

/** A non-conforming result described by its shape only: values may hold user data. */
function shapeOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const keys = Object.keys(value);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 5).join(', ')}`;
}

/**
 * An uncaught error (or unhandled rejection) thrown by code that is not the running attempt's — a
 * timer an earlier attempt left behind, a module-level callback — is not blamed on that attempt:
 * the parent logs it with the worker and replaces this thread or process once the attempt ends
 * (its state can no longer be trusted). One thrown by the running attempt's own code, or while no
 * attempt runs, ends the thread or process as Node would (the attempt is lost; the worker restarts).
 */
function onUncaught(error: unknown): void {
  const running = current;
  if (running !== undefined && owner.getStore() !== running.seq) {
    port.post({ type: 'stray-error', seq: running.seq, error: sendError(toError(error)) });
    return;
  }
  process.off('uncaughtException', onUncaught);
  // Thrown again outside the handler, with no handler left: Node's own ending (the thread's
  // 'error' event, the process's exit code 1 and stack on stderr), as had we not listened.
  setImmediate(() => {
    throw error;
  });
}
process.on('uncaughtException', onUncaught);

if (parentPort) parentPort.on('message', onMessage);
else {
  process.on('message', (m) => onMessage(m as ParentMessage));
  // The parent is gone: nobody will ever ask us for anything again.
  process.on('disconnect', () => process.exit(0));
}
