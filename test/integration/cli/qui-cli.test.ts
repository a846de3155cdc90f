import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** `qui` from source, in one process (not the tsx wrapper, so signals reach it directly). */
const QUI = [process.execPath, '--import', 'tsx', 'src/cli/qui.ts'] as const;
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

function qui(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const [node, ...pre] = QUI;
  const r = spawnSync(node, [...pre, ...args], {
    encoding: 'utf8',
    env: { ...process.env, QUI_LOG_LEVEL: 'info' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('qui --help, --version and bad usage', () => {
  it.each([['--help'], ['-h']])('%s prints usage on stdout and exits 0', (flag) => {
    const r = qui(flag);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Usage: qui <command>/);
    expect(r.stdout).toContain('start <config>');
  });

  it('start --help prints the start command usage on stdout and exits 0', () => {
    const r = qui('start', '--help');
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Usage: qui start <config>/);
  });

  it.each([['--version'], ['-v']])('%s prints the package version and exits 0', (flag) => {
    expect(qui(flag)).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it.each([
    [['stop'], /^qui: unknown command "stop" \(see qui --help\)\n$/],
    [['--nope'], /^qui: unknown option --nope \(see qui --help\)\n$/],
    [[], /^qui: missing command \(see qui --help\)\n$/],
    [['start'], /^qui: start needs a config module: qui start <config> \(see qui --help\)\n$/],
    [['start', 'test/fixtures/configs/missing.ts'], /^qui: cannot find config \S+missing\.ts\n$/],
    [['start', 'test/fixtures/configs/no-tree.ts'], /^qui: config \S+no-tree\.ts must export a tree: .*\n$/],
  ])('qui %j is one plain line on stderr, exit 2', (args, line) => {
    const r = qui(...args);
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toMatch(line);
  });
});

/** Log records the child writes to stderr, as they come; `next(msg)` waits for one. */
function logsOf(child: ChildProcess): {
  records: Record<string, unknown>[];
  next(msg: string): Promise<void>;
} {
  const records: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve(): void }[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    records.push(record);
    for (const w of waiters.filter((w) => w.msg === record.msg)) w.resolve();
  });
  return {
    records,
    next: (msg) =>
      records.some((r) => r.msg === msg)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ msg, resolve })),
  };
}

function startQui(config: string): ChildProcess {
  const [node, ...pre] = QUI;
  return spawn(node, [...pre, 'start', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, QUI_LOG_LEVEL: 'info' },
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('qui start', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('stays up on a memory-store tree (no handle of its own) until SIGTERM, then stops in order, exit 0', async () => {
    child = startQui('test/fixtures/configs/memory-queue.ts');
    const exited = exitOf(child);
    const logs = logsOf(child);
    // The probe's unref'd timer fires only while something keeps the process alive; with the
    // defect (exit 0 right after "tree started") the exit settles this race first.
    const first = await Promise.race([logs.next('idle probe').then(() => 'alive'), exited]);
    expect(first).toBe('alive');
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    const msgs = logs.records.map((r) => r.msg);
    expect(msgs.slice(msgs.indexOf('tree started'))).toEqual(
      expect.arrayContaining(['idle probe', 'shutting down', 'stopped']),
    );
    expect(msgs.indexOf('shutting down')).toBeGreaterThan(msgs.indexOf('idle probe'));
  });

  it('runs the config the README links (examples/demo/qui.config.ts) until SIGTERM, exit 0', async () => {
    child = startQui('examples/demo/qui.config.ts');
    const exited = exitOf(child);
    const logs = logsOf(child);
    expect(await Promise.race([logs.next('tree started').then(() => 'started'), exited])).toBe('started');
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(logs.records.map((r) => r.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
  });

  it('exits 130 on a second signal during shutdown', async () => {
    child = startQui('test/fixtures/configs/slow-stop.ts');
    const exited = exitOf(child);
    const logs = logsOf(child);
    await logs.next('tree started');
    child.kill('SIGINT');
    await logs.next('shutting down');
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: 130, signal: null });
    expect(logs.records.map((r) => r.msg)).not.toContain('stopped');
  });
});
