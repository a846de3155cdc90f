import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

/** `qui dashboard` from source, in one process so signals reach it. */
function startDashboard(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/qui.ts', 'dashboard', ...args], {
    env: { ...process.env, QUI_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing its URL`)));
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('qui dashboard', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('runs the tree, serves its dashboard read-only on 127.0.0.1, and stops on SIGTERM with exit 0', async () => {
    child = startDashboard('--config', 'test/fixtures/configs/memory-queue.ts', '--port', '0');
    const exited = exitOf(child);
    const line = await firstLine(child);
    const url = /^qui dashboard: (http:\/\/127\.0\.0\.1:\d+\/) \(read-only\)$/.exec(line)?.[1];
    expect(url).toBeDefined();
    const page = await fetch(url as string);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toMatch(/data-field="mode"\s*>read-only</);
    expect(body).toContain('data-queue="work"');
    expect((await fetch(`${url}api/queues/work/pause`, { method: 'POST' })).status).toBe(403);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  it('prints one line and exits 2 for a config it cannot load', async () => {
    child = startDashboard('--config', 'nope.ts');
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await exitOf(child)).toEqual({ code: 2, signal: null });
    expect(stderr).toMatch(/^qui: cannot find config .*nope\.ts\n$/);
  });

  it('stops the tree it started and exits 2 with one line when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      child = startDashboard('--config', 'test/fixtures/configs/memory-queue.ts', '--port', String(port));
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      expect(await exitOf(child)).toEqual({ code: 2, signal: null });
      const lines = stderr.trimEnd().split('\n');
      expect(lines.at(-1)).toBe(
        `qui: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
      );
      // The tree was stopped in order before the exit: its root logged its shutdown.
      const logs = lines
        .slice(0, -1)
        .map((l) => JSON.parse(l) as { actor?: string; msg: string; reason?: string });
      expect(logs).toContainEqual(
        expect.objectContaining({ actor: 'root', msg: 'stopped', reason: 'shutdown' }),
      );
    } finally {
      taken.close();
    }
  });
});
