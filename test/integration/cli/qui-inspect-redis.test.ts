import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import type { JobRecord } from '../../../src/jobs/job-record';
import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { redisStore } from '../../../src/stores/redis-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { dropKeys } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';
import { redisKeepsRecords } from '../../helpers/store-records';
import { startTestSystem } from '../../helpers/start-test-system';

/**
 * The inspection commands against Redis, from a separate process, while this process runs the
 * queue's workers: counts agree, and a cancel from the command line aborts the running attempt
 * here. Skipped while the Redis store keeps no records.
 */
const url = requireRedis();
const prefix = `qui-test:cli-inspect:${process.pid}:`;
const QUI = [process.execPath, '--import', 'tsx', 'src/cli/qui.ts'] as const;
/** Runs qui without blocking this process's event loop (its workers must keep running). */
function qui(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return quiUnder(prefix, ...args);
}
function quiUnder(
  under: string,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const [node, ...pre] = QUI;
  const child = spawn(node, [...pre, ...args, '--redis', url, '--prefix', under]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

(redisKeepsRecords() ? describe : describe.skip)('qui inspection commands on Redis', () => {
  // Made in a hook, not the describe body, which runs even when the block is skipped.
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await dropKeys(admin, prefix);
    await admin.quit();
  });

  it('reads the counts the running queue reads, and cancels its running job from another process', async () => {
    let started!: (id: string) => void;
    const running = new Promise<string>((resolve) => (started = resolve));
    const queue = defineQueue({
      name: 'clijobs',
      store: redisStore({ url, prefix }),
      workers: {
        count: 1,
        processor: (job, ctx) =>
          new Promise((resolve) => {
            if ((job.task as { hold?: boolean }).hold !== true) return resolve(ok());
            ctx.signal.addEventListener('abort', () => resolve(ok('aborted')));
            started(job.id);
          }),
      },
    });
    const { system } = await startTestSystem(defineSupervisor({ id: 'root', children: [queue] }));
    const client = system.queue('clijobs');
    const quick = await client.enqueue({ hold: false });
    await client.waitFor(quick.id, { timeoutMs: 10_000 });
    const held = await client.enqueue({ hold: true });
    expect(await running).toBe(held.id);

    const stats = await qui('stats', 'clijobs', '--json');
    expect(stats).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(stats.stdout)).toEqual({
      queues: [{ queue: 'clijobs', paused: false, counts: await client.counts() }],
    });

    const cancel = await qui('cancel', 'clijobs', held.id, '--reason', 'operator', '--json');
    expect(cancel).toMatchObject({ status: 0, stderr: '' });
    expect((JSON.parse(cancel.stdout) as JobRecord).state).toBe('active');
    const end = await client.waitFor(held.id, { timeoutMs: 10_000 });
    expect(end).toMatchObject({ state: 'cancelled', reason: 'operator' });

    const listed = await qui('jobs', 'clijobs', '--state', 'cancelled');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`\\n${held.id}\\s+-\\s+low\\s+1\\s+.*operator\\n$`));
  });

  it('refuses a queue with no key under the prefix (exit 1, naming the queues found); stats lists them all', async () => {
    const where = `under prefix "${prefix}" on ${url} (queues found: "clijobs")`;
    expect(await qui('jobs', 'nosuch')).toEqual({
      status: 1,
      stdout: '',
      stderr: `qui: no queue "nosuch" ${where}\n`,
    });
    expect(await qui('pause', 'nosuch')).toEqual({
      status: 1,
      stdout: '',
      stderr: `qui: no queue "nosuch" ${where}\n`,
    });
    expect(await admin.keys(`${prefix}{nosuch}*`)).toEqual([]);
    const stats = await qui('stats', '--json');
    expect(stats).toMatchObject({ status: 0, stderr: '' });
    expect((JSON.parse(stats.stdout) as { queues: { queue: string }[] }).queues.map((q) => q.queue)).toEqual([
      'clijobs',
    ]);
    // A prefix no queue lives under: one line, exit 1 (an empty table would read as 'all idle').
    const empty = `${prefix}nothing-here:`;
    expect(await quiUnder(empty, 'stats')).toEqual({
      status: 1,
      stdout: '',
      stderr: `qui: no queue found under prefix "${empty}" on ${url}\n`,
    });
    expect(await qui('pause', 'nosuch', '--create')).toMatchObject({
      status: 0,
      stdout: 'queue nosuch paused\n',
    });
    expect(await admin.keys(`${prefix}{nosuch}*`)).not.toEqual([]);
  });
});
