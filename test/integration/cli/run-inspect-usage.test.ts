import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInspect } from '../../../src/cli/run-inspect';
import { connectQueue } from '../../../src/queue/connect-queue';
import { sqliteStore } from '../../../src/stores/sqlite-store';

/** Bad usage only the store can see, reported as the command line spells it (in process, on SQLite). */
const dir = mkdtempSync(join(tmpdir(), 'qui-run-inspect-'));
const path = join(dir, 'queues.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a cursor no page printed is bad usage naming --cursor, exit 2', async () => {
  const emails = await connectQueue({ name: 'emails', store: sqliteStore({ path }) });
  await emails.close();
  const outcome = await runInspect({
    type: 'inspect',
    action: { verb: 'jobs', queue: 'emails', state: 'waiting', limit: 20, cursor: 'zzz' },
    target: { type: 'sqlite', path, priorities: undefined },
    json: false,
  });
  expect(outcome).toEqual({
    stdout: '',
    stderr: 'jobs: --cursor must be one a previous page printed, got "zzz" (see qui jobs --help)',
    code: 2,
  });
});
