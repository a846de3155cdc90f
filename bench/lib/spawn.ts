/** The harness side of the child protocol (see child.ts): one contender run = one fresh process. */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESULT_PREFIX, type ChildResult } from './child';

export const BENCH_DIR = path.resolve(__dirname, '..');
const ROOT = path.resolve(BENCH_DIR, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const BUILD = path.join(ROOT, 'node_modules', '.cache', 'qui-bench');

/**
 * How contenders run. 'node' (the default) runs JavaScript compiled by tsc into node_modules/.cache/qui-bench, as
 * users run Qui from dist/. 'tsx' runs the TypeScript directly: handy while editing, but esbuild's
 * keepNames wraps every named closure in __name() (a defineProperty each time one is created,
 * ~250 B more per closure), which skews both speed and heap figures.
 */
export type ChildRuntime = 'node' | 'tsx';

/**
 * Compiles bench/ and the src/ it imports with tsc into node_modules/.cache/qui-bench. A type error elsewhere in
 * src (work in progress) does not stop the emit; it is returned as a warning.
 */
export function buildContenders(): { readonly warning?: string } {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(BENCH_DIR, 'tsconfig.json')], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    return {};
  } catch (error) {
    if (!fs.existsSync(path.join(BUILD, 'bench', 'lib', 'child.js'))) throw error;
    const out = String((error as { stdout?: Buffer }).stdout ?? '');
    return { warning: `tsc reported errors (emitted anyway):\n${out.split('\n').slice(0, 5).join('\n')}` };
  }
}

export interface ChildOptions {
  /** Node flags, e.g. `--expose-gc`, `--max-old-space-size=4096`, `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs: number;
  /** @defaultValue 'node' */
  readonly runtime?: ChildRuntime;
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
    const tsx = options.runtime === 'tsx';
    const script = tsx ? path.join(BENCH_DIR, file) : path.join(BUILD, 'bench', file.replace(/\.ts$/, '.js'));
    const args = [...(options.nodeArgs ?? []), script, JSON.stringify(params)];
    // detached: the child leads its own process group, so a timeout kills tsx and node alike.
    const child = spawn(tsx ? TSX : process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
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
