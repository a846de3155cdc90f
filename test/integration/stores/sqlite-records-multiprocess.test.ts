import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import type { StoreBroadcast } from '../../../src/stores/job-records';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { makeJob } from '../../contracts/job-store.contract';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qui-sqlite-records-mp-'));
const file = path.join(dir, 'shared.db');
const fixture = path.join(__dirname, '../../fixtures/sqlite-records-child.ts');

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Starts the child; `next(prefix)` resolves with the rest of the next line it prints starting so. */
function startChild(queue: string) {
  const proc = spawn(process.execPath, ['--import', 'tsx', fixture, file, queue], { stdio: 'pipe' });
  child = proc;
  const waiters: { prefix: string; resolve: (rest: string) => void }[] = [];
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const i = waiters.findIndex((w) => line.startsWith(w.prefix));
    if (i < 0) return;
    const [w] = waiters.splice(i, 1);
    w!.resolve(line.slice(w!.prefix.length));
  });
  const exited = new Promise<never>((_, reject) =>
    proc.once('exit', (code, signal) => reject(new Error(`child exited ${code ?? signal}: ${stderr}`))),
  );
  exited.catch(() => undefined);
  const next = (prefix: string): Promise<string> =>
    Promise.race([new Promise<string>((resolve) => waiters.push({ prefix, resolve })), exited]);
  return { proc, next };
}

it('shares records, broadcasts and leases with another process, and reaps its job lost once it is killed', async () => {
  const queue = 'mp';
  const store = sqliteStore({ path: file }).create({
    queue,
    priorities: ['p'],
    records: { processId: 'parent', retention: DEFAULT_RETENTION },
  });
  const records = store.records!;
  const { proc, next } = startChild(queue);
  await next('ready');
  const heard: StoreBroadcast[] = [];
  const said = new Promise<void>((resolve) =>
    records.onBroadcast((m) => {
      heard.push(m);
      if (m.type === 'job.event') resolve();
    }),
  );

  const job = makeJob(queue, { priority: 'p' });
  store.add(job, Date.now());
  proc.stdin.write('take\n');
  expect((await next('took ')).trim()).toBe(job.id);
  expect(await records.get(job.id)).toMatchObject({ state: 'active', processId: 'child', attempts: 1 });
  expect(await records.counts()).toMatchObject({ active: 1, waiting: 0 });
  expect((await records.processes(Date.now())).map((p) => p.processId)).toEqual(['child']);

  // Both ways: the parent's cancel reaches the child, the child's event reaches the parent.
  const cancel: StoreBroadcast = { type: 'job.cancel', origin: 'parent', jobId: job.id, reason: 'stop' };
  const childHeard = next('heard ');
  await records.broadcast(cancel);
  expect(JSON.parse(await childHeard)).toEqual(cancel);
  proc.stdin.write('say\n');
  await said;
  expect(heard).toEqual([
    cancel,
    { type: 'job.event', origin: 'child', event: 'job.progress', payload: { n: 1 } },
  ]);

  proc.kill('SIGKILL');
  await new Promise((resolve) => proc.once('exit', resolve));
  // Past the child's 1 s lease (by the clock given, not by waiting): its job is lost.
  const reaped = await records.reap(Date.now() + 2_000, false);
  expect(reaped).toMatchObject([{ id: job.id, state: 'lost', reason: 'process-gone', processId: 'child' }]);
  expect(await records.counts()).toMatchObject({ active: 0, lost: 1 });
  store.close();
}, 30_000);
