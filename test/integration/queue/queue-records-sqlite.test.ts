import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { describeAttemptHistory } from './attempt-history.suite';
import { describeQueueRecords } from './queue-records.suite';

const dir = mkdtempSync(join(tmpdir(), 'qui-queue-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeQueueRecords('sqlite', () => sqliteStore({ path: join(dir, `q${++n}.db`) }), {});
describeAttemptHistory('sqlite', () => sqliteStore({ path: join(dir, `q${++n}.db`) }));
