import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { defineSupervisor } from '../../../src/supervision/spec';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qui-sqlite-multiprocess-'));
const file = path.join(dir, 'shared.db');
const fixture = path.join(__dirname, '../../fixtures/sqlite-producer-child.ts');
const WORKERS = 3;
const JOBS = 20;

let system: QuiSystem | undefined;
let child: ChildProcessWithoutNullStreams | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await system?.stop();
  system = undefined;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Starts the producer process on the file; resolves once its system has started. */
function startProducer(queue: string): Promise<ChildProcessWithoutNullStreams> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fixture, file, queue], { stdio: 'pipe' });
  child = proc;
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).on('line', (line) => line === 'ready' && resolve(proc));
    proc.once('exit', (code) => reject(new Error(`producer exited with ${code}: ${stderr}`)));
  });
}

it('starts jobs another process enqueues on the same file on workers parked here', async () => {
  const queue = 'shared';
  const waiting = new Map<number, () => void>();
  const ran: number[] = [];
  const spec = defineQueue({
    name: queue,
    store: sqliteStore({ path: file }),
    workers: {
      count: WORKERS,
      processor: (job: { task: unknown }) => {
        const { n } = job.task as { n: number };
        ran.push(n);
        waiting.get(n)?.();
        return ok();
      },
    },
  });
  system = await startSystem(defineSupervisor({ id: 'root', children: [spec] }));
  const q = system.queue(queue);
  while ((await q.stats()).parkedPolls < WORKERS) await q.size();

  const producer = await startProducer(queue);
  for (let n = 1; n <= JOBS; n++) {
    // One at a time, the first while every worker here is parked: only a wake-up can start it.
    const started = new Promise<void>((resolve) => waiting.set(n, resolve));
    producer.stdin.write(`${n}\n`);
    await started;
  }
  expect(ran).toEqual(Array.from({ length: JOBS }, (_, i) => i + 1));
  producer.stdin.end();
  expect(await new Promise((resolve) => producer.once('exit', resolve))).toBe(0);
}, 60_000);
