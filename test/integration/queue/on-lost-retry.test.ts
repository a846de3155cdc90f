/**
 * `onLost: 'retry'` from the queue's definition down to the reaper: a job left active by a
 * process that never beat (dead) is stored again and run here, instead of ending lost. The
 * upkeep's own unit test passes the requeue flag by hand; this one goes through defineQueue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { makeJob } from '../../contracts/job-store.contract';

const dir = mkdtempSync(join(tmpdir(), 'qui-on-lost-'));
let system: QuiSystem | undefined;

afterEach(async () => {
  await system?.stop();
  system = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each([
  ['retry', 'job.completed', 'completed', 2],
  ['lose', 'job.lost', 'lost', 1],
] as const)(
  "onLost: '%s' — a dead process's active job ends with %s here",
  async (onLost, event, state, attempts) => {
    const path = join(dir, `${onLost}.db`);
    system = await startSystem(
      defineSupervisor({
        id: 'root',
        children: [
          defineQueue({
            name: 'q',
            store: sqliteStore({ path }),
            onLost,
            lease: { heartbeatMs: 200 },
            workers: { count: 1, processor: () => ok('ran') },
          }),
        ],
      }),
    );
    // Another process on the file took the job and died before its first heartbeat.
    const ghost = sqliteStore({ path }).create({
      queue: 'q',
      priorities: ['high', 'low'],
      records: { processId: 'ghost', retention: DEFAULT_RETENTION },
    });
    const job = makeJob('q', { priority: 'low', maxRetries: 3 });
    const ended = new Promise<string>((resolve) => {
      for (const type of ['job.completed', 'job.lost'] as const)
        system!.events.on(type, (e) => {
          if ((e.job?.id ?? ('jobId' in e ? e.jobId : undefined)) === job.id) resolve(type);
        });
    });
    ghost.add(job, Date.now());
    expect(ghost.take(Date.now())?.id).toBe(job.id);
    ghost.close();
    expect(await ended).toBe(event);
    expect(await system.queue('q').waitFor(job.id, { timeoutMs: 10_000 })).toMatchObject({ state, attempts });
  },
);
