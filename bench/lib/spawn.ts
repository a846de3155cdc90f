/** The harness side of the child protocol (see child.ts): one contender run = one fresh process. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { RESULT_PREFIX, type ChildResult } from './child';

export const BENCH_DIR = path.resolve(__dirname, '..');
const TSX = path.resolve(BENCH_DIR, '..', 'node_modules', '.bin', 'tsx');

export interface ChildOptions {
  /** Node flags, e.g. `--expose-gc`, `--max-old-space-size=4096`, `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs: number;
}

/** Last `max` characters of a string, for error reports. */
function tail(text: string, max = 1500): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/** The most telling line of a crashed child's stderr: the first `…Error…` line, else the tail. */
function crashReason(stderr: string): string {
  const line = stderr
    .split('\n')
    .find((l) => /\b\w*Error\b/.test(l) && !l.includes('triggerUncaughtException'));
  return (line ?? tail(stderr, 300)).trim();
}

/**
 * Runs `bench/<file>` under tsx with `params` as JSON on argv[2] and returns the result line it
 * printed. Never rejects: a crash, a timeout or a missing result line becomes `status: 'error'`.
 */
export function runChild(file: string, params: unknown, options: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve) => {
    const args = [...(options.nodeArgs ?? []), path.join(BENCH_DIR, file), JSON.stringify(params)];
    // detached: the child leads its own process group, so a timeout kills tsx and node alike.
    const child = spawn(TSX, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let result: ChildResult | undefined;
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      let nl = stdout.indexOf('\n');
      while (nl >= 0) {
        const line = stdout.slice(0, nl);
        stdout = stdout.slice(nl + 1);
        if (line.startsWith(RESULT_PREFIX))
          result = JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult;
        nl = stdout.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = tail(stderr + chunk, 4000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: 'error', reason: `could not start ${file}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else if (timedOut) resolve({ status: 'error', reason: `timed out after ${options.timeoutMs} ms` });
      else
        resolve({
          status: 'error',
          reason: `exited ${code ?? signal} without a result: ${crashReason(stderr)}`,
        });
    });
  });
}
