import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { QuiError } from '../../errors';
import type { ChildMessage, ParentMessage } from './protocol';

/** How an isolated worker's thread or process ended, as far as Node tells. @internal */
export interface ChannelExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** The thread's uncaught error (an out-of-memory is `ERR_WORKER_OUT_OF_MEMORY`), if any. */
  readonly error: Error | undefined;
}

/** One thread or child process, seen from the parent. @internal */
export interface Channel {
  /** `thread` or `process`, for messages. */
  readonly kind: 'thread' | 'process';
  /** Sends a message; throws when it cannot be cloned (thread) or serialized (process). */
  send(message: ParentMessage): void;
  /** Ends it now (a stuck thread included); resolves once it has exited. */
  terminate(): Promise<void>;
  /** Resolves once it has exited, for whatever reason. */
  readonly exited: Promise<ChannelExit>;
}

/** What a channel reports to its owner. @internal */
export interface ChannelHandlers {
  message(message: ChildMessage): void;
  exit(exit: ChannelExit): void;
}

/** The resource limits a thread takes (process mode maps the old generation to a V8 flag). */
export interface ChannelLimits {
  readonly maxOldGenerationSizeMb?: number;
  readonly maxYoungGenerationSizeMb?: number;
  readonly codeRangeSizeMb?: number;
  readonly stackSizeMb?: number;
}

let live = 0;

/** Threads and child processes started and not yet exited, in this process (tests count them). @internal */
export function liveChannelCount(): number {
  return live;
}

// Running from the TypeScript sources (tests, tsx), the entry is a .ts file: tsx loads it.
const ENTRY = join(__dirname, `child-entry${__filename.endsWith('.ts') ? '.ts' : '.js'}`);

/** The tsx CJS hook, needed when the entry or the user's module is TypeScript. */
function tsxHook(modulePath: string): string | undefined {
  if (!/\.[cm]?ts$/.test(ENTRY) && !/\.[cm]?ts$/.test(modulePath)) return undefined;
  try {
    return createRequire(__filename).resolve('tsx/cjs');
  } catch (cause) {
    throw new QuiError(
      'ERR_MISSING_PEER',
      `workers.module ${modulePath} is TypeScript: install tsx (npm install --save-dev tsx) to load it in a thread or process`,
      { cause },
    );
  }
}

/** Starts a worker thread running the entry. @internal */
export function spawnThread(
  modulePath: string,
  limits: ChannelLimits | undefined,
  on: ChannelHandlers,
): Channel {
  const hook = tsxHook(modulePath);
  const code = `${hook ? `require(${JSON.stringify(hook)});` : ''}require(${JSON.stringify(ENTRY)});`;
  const worker = new Worker(code, { eval: true, ...(limits ? { resourceLimits: { ...limits } } : {}) });
  live++;
  let error: Error | undefined;
  const exited = new Promise<ChannelExit>((resolve) => {
    worker.on('error', (e) => (error ??= e));
    worker.on('exit', (exitCode) => {
      live--;
      const exit = { code: exitCode, signal: null, error };
      resolve(exit);
      on.exit(exit);
    });
  });
  worker.on('message', (m) => on.message(m as ChildMessage));
  return {
    kind: 'thread',
    send: (message) => worker.postMessage(message),
    terminate: async () => {
      await worker.terminate();
      await exited;
    },
    exited,
  };
}

/** Starts a child process (`child_process.fork`, JSON over IPC) running the entry. @internal */
export function spawnProcess(
  modulePath: string,
  limits: ChannelLimits | undefined,
  on: ChannelHandlers,
): Channel {
  const hook = tsxHook(modulePath);
  const execArgv: string[] = hook ? ['--require', hook] : [];
  if (limits?.maxOldGenerationSizeMb !== undefined)
    execArgv.push(`--max-old-space-size=${limits.maxOldGenerationSizeMb}`);
  const child: ChildProcess = fork(ENTRY, [], { execArgv, serialization: 'json' });
  live++;
  let error: Error | undefined;
  const exited = new Promise<ChannelExit>((resolve) => {
    child.on('error', (e) => (error ??= e));
    child.on('exit', (exitCode, signal) => {
      live--;
      const exit = { code: exitCode, signal, error };
      resolve(exit);
      on.exit(exit);
    });
  });
  child.on('message', (m) => on.message(m as ChildMessage));
  return {
    kind: 'process',
    send: (message) => {
      if (child.connected) child.send(message);
    },
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    exited,
  };
}
