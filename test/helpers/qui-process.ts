import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A `qui start` process a test runs. */
export interface QuiProcess {
  readonly child: ChildProcess;
  /** Resolves once its tree started (its log says so); rejects if it exits first. */
  readonly ready: Promise<void>;
}

/** What a Redis worker fixture (test/fixtures/redis-*worker.config.ts) reads from its environment. */
export interface FixtureEnv {
  readonly url: string;
  readonly prefix: string;
  readonly queue: string;
  readonly workers: number;
  /** More variables, as the fixture names them (`QUI_TEST_WORK`, `QUI_LOG_LEVEL`…). */
  readonly more?: Readonly<Record<string, string>>;
}

/**
 * Starts `qui start <config>` as one process (not the tsx wrapper, which would outlive a SIGKILL
 * in a child of its own), the fixture's variables set from `fixture`. `onLine` gets each line it
 * prints on stdout, split as the fixtures print them (`done 12`: kind `done`, n 12); without it,
 * stdout is read and dropped.
 */
export function startQuiProcess(
  config: string,
  fixture: FixtureEnv,
  onLine?: (kind: string | undefined, n: number) => void,
): QuiProcess {
  const env = {
    ...process.env,
    QUI_TEST_REDIS_URL: fixture.url,
    QUI_TEST_PREFIX: fixture.prefix,
    QUI_TEST_QUEUE: fixture.queue,
    QUI_TEST_WORKERS: String(fixture.workers),
    ...fixture.more,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/qui.ts', 'start', config], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (onLine === undefined) child.stdout.resume();
  else
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [kind, n] = line.split(' ');
      onLine(kind, Number(n));
    });
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.includes('"tree started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`qui start ${config} exited early with ${code}`)));
  });
  return { child, ready };
}

/** Resolves with `child`'s exit code once it has exited (at once if it has). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

/** SIGKILLs each process of `list` still running, empties the list, and waits until all have exited. */
export async function killAll(list: { readonly child: ChildProcess }[]): Promise<void> {
  for (const p of list) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(list.splice(0).map((p) => exited(p.child)));
}
