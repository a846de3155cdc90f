import type { ChildProcess } from 'node:child_process';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { redisStore } from '../../../src/stores/redis-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { exited, killAll, startQuiProcess } from '../../helpers/qui-process';
import { dropKeysAt } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';

// First: fails the file in one line, before any process or client is started, when Redis is down.
const REDIS_URL = requireRedis();
const PREFIX = `qui-test:multiprocess:${process.pid}:`;
const JOBS = 20_000;
const WORKERS = 4;

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly started: Set<number>;
  readonly done: Set<number>;
  readonly ready: Promise<void>;
}

/** A `qui start` process on the shared queue; `onLine` runs for each line it prints. */
function startWorkerProcess(queue: string, work: number, onLine: () => void): WorkerProcess {
  const started = new Set<number>();
  const done = new Set<number>();
  const env = {
    url: REDIS_URL,
    prefix: PREFIX,
    queue,
    workers: WORKERS,
    more: { QUI_TEST_WORK: String(work) },
  };
  const { child, ready } = startQuiProcess('test/fixtures/redis-worker.config.ts', env, (kind, n) => {
    if (kind === 'start') started.add(n);
    if (kind === 'done') {
      if (done.has(n)) throw new Error(`job ${n} ran twice in one process`);
      done.add(n);
    }
    onLine();
  });
  return { child, started, done, ready };
}

async function producer(queue: string): Promise<QuiSystem> {
  return startSystem(
    defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: queue, store: redisStore({ url: REDIS_URL, prefix: PREFIX }) })],
    }),
  );
}

async function enqueueAll(system: QuiSystem, queue: string): Promise<void> {
  for (let i = 0; i < JOBS; i += 1_000) {
    await system.queue(queue).enqueueMany(Array.from({ length: 1_000 }, (_, k) => ({ task: { n: i + k } })));
  }
}

const processes: WorkerProcess[] = [];
let system: QuiSystem | undefined;

afterEach(async () => {
  await killAll(processes);
  await system?.stop();
  system = undefined;
});

afterAll(async () => {
  await dropKeysAt(REDIS_URL, PREFIX);
});

describe('one queue on Redis shared by several processes', () => {
  it('processes every job exactly once across one producer and three worker processes', async () => {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const total = (): number => processes.reduce((sum, p) => sum + p.done.size, 0);
    for (let i = 0; i < 3; i++)
      processes.push(startWorkerProcess('all', 0, () => total() === JOBS && finish()));
    await Promise.all(processes.map((p) => p.ready));
    system = await producer('all');
    await enqueueAll(system, 'all');
    await finished;
    const seen = new Set<number>();
    for (const p of processes)
      for (const n of p.done) {
        expect(seen.has(n)).toBe(false); // never by two processes
        seen.add(n);
      }
    expect(seen.size).toBe(JOBS);
    expect(processes.filter((p) => p.done.size > 0).length).toBeGreaterThan(1);
    expect(await system.queue('all').size()).toBe(0);
    // Graceful shutdown: SIGTERM stops the tree in order and the process exits 0.
    processes.forEach((p) => p.child.kill('SIGTERM'));
    expect(await Promise.all(processes.map((p) => exited(p.child)))).toEqual([0, 0, 0]);
  }, 120_000);

  it('loses only the jobs a SIGKILLed process held (at most one per worker); the others do the rest', async () => {
    let killed: WorkerProcess | undefined;
    let check: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => {
      check = () => {
        if (!killed || !system) return;
        const survivors = processes.filter((p) => p !== killed);
        // Not done yet: at most what the killed process held (one job per worker) may be missing.
        // An empty queue and idle survivors are not enough on their own: a survivor may have taken
        // a job whose `start` line has not reached us yet (a loaded machine widens that window).
        const doneSoFar = processes.reduce((sum, p) => sum + p.done.size, 0);
        if (JOBS - doneSoFar > WORKERS) return;
        if (survivors.some((p) => p.started.size !== p.done.size)) return;
        void system
          .queue('kill')
          .size()
          .then((n) => n === 0 && survivors.every((p) => p.started.size === p.done.size) && resolve());
      };
    });
    const onLine = (): void => {
      const total = processes.reduce((sum, p) => sum + p.done.size, 0);
      if (!killed && total >= 2_000) {
        killed = processes[0]!;
        killed.child.kill('SIGKILL');
      }
      check();
    };
    for (let i = 0; i < 3; i++) processes.push(startWorkerProcess('kill', 1, onLine));
    await Promise.all(processes.map((p) => p.ready));
    system = await producer('kill');
    await enqueueAll(system, 'kill');
    await settled;
    const done = new Set<number>();
    for (const p of processes)
      for (const n of p.done) {
        expect(done.has(n)).toBe(false);
        done.add(n);
      }
    const missing = Array.from({ length: JOBS }, (_, n) => n).filter((n) => !done.has(n));
    expect(missing.length).toBeLessThanOrEqual(WORKERS);
    const held = [...killed!.started].filter((n) => !killed!.done.has(n));
    for (const n of held) expect(missing).toContain(n);
  }, 120_000);
});
