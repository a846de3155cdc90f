import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ok } from '../../../src/jobs/job-result';
import { connectQueue } from '../../../src/queue/connect-queue';
import { defineQueue } from '../../../src/queue/define-queue';
import { WAIT_RECHECK_MS } from '../../../src/queue/job-control';
import type { JobStoreFactory } from '../../../src/stores/job-store';
import { memoryStore } from '../../../src/stores/memory-store';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import { startTestSystem } from '../../helpers/start-test-system';

/**
 * A `waitFor` the queue had not answered when its system stopped (or its connection closed) ends
 * `ERR_STOPPED`, and nothing reads the closed store afterwards: no re-check fires on it.
 */

const dir = mkdtempSync(join(tmpdir(), 'qui-wait-for-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const HOUR_MS = 3_600_000;
const stopped = expect.objectContaining({ code: 'ERR_STOPPED' });

describe.each<[string, () => JobStoreFactory]>([
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore({ path: join(dir, `q${++n}.db`) })],
])('a pending waitFor on %s', (_kind, store) => {
  it('rejects with ERR_STOPPED when the system stops, and no re-check reads the closed store', async () => {
    const spec = defineSupervisor({
      id: 'root',
      children: [defineQueue({ name: 'q', store: store(), workers: { count: 1, processor: () => ok() } })],
    });
    const t = await startTestSystem(spec);
    const q = t.system.queue('q');
    const job = await q.enqueue({}, { delayMs: HOUR_MS });
    const wait = q.waitFor(job.id);
    const seen = wait.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await q.getJob(job.id); // the wait has made its first read
    await t.system.stop();
    // Where the re-check would have fired: on SQLite its read of the closed file threw out of the timer.
    expect(() => t.clock.advance(WAIT_RECHECK_MS)).not.toThrow();
    expect(await seen).toEqual(stopped);
    await expect(q.waitFor(job.id)).rejects.toEqual(stopped);
  });
});

describe('a pending waitFor on a connection', () => {
  it('rejects with ERR_STOPPED when the connection closes', async () => {
    const factory = sqliteStore({ path: join(dir, `c${++n}.db`) });
    const conn = await connectQueue({ name: 'q', store: factory });
    const job = await conn.enqueue({}, { delayMs: HOUR_MS });
    const wait = conn.waitFor(job.id);
    await conn.getJob(job.id);
    await conn.close();
    await expect(wait).rejects.toEqual(stopped);
    await expect(conn.waitFor(job.id)).rejects.toEqual(stopped);
  });
});
