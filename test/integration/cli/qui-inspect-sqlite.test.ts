import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { appendFailedAttempt } from '../../../src/jobs/attempt-history';
import { toJobError } from '../../../src/jobs/job-error';
import type { JobRecord } from '../../../src/jobs/job-record';
import { connectQueue, type QueueConnection } from '../../../src/queue/connect-queue';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import type { JobStore } from '../../../src/stores/job-store';
import { sqliteStore } from '../../../src/stores/sqlite-store';
import { sqliteKeepsRecords } from '../../helpers/store-records';

/**
 * The inspection commands, run as a separate process against a SQLite file this test writes
 * (memory stores are per process: useless here). Skipped while the SQLite store keeps no records.
 */
const QUI = [process.execPath, '--import', 'tsx', 'src/cli/qui.ts'] as const;
const CONFIG = 'test/fixtures/configs/sqlite-queues.ts';
const dir = mkdtempSync(join(tmpdir(), 'qui-cli-'));
const file = join(dir, 'queues.db');
const PRIORITIES = ['urgent', 'normal'];

interface Run {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs qui to its end; a process that does not exit by itself is killed at the timeout (signal set). */
function qui(...args: string[]): Run {
  const [node, ...pre] = QUI;
  const r = spawnSync(node, [...pre, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, QUI_CLI_SQLITE: file },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const json = <T>(r: Run): T => {
  expect(r).toMatchObject({ status: 0, stderr: '' });
  return JSON.parse(r.stdout) as T;
};

(sqliteKeepsRecords() ? describe : describe.skip)('qui inspection commands on a SQLite file', () => {
  let emails: QueueConnection;
  /** A second handle on the file, with records under its own process id: it takes jobs to end them. */
  let worker: JobStore;

  beforeAll(async () => {
    emails = await connectQueue({
      name: 'emails',
      store: sqliteStore({ path: file }),
      priorities: PRIORITIES,
    });
    worker = sqliteStore({ path: file }).create({
      queue: 'emails',
      priorities: PRIORITIES,
      records: { processId: 'worker-process', retention: DEFAULT_RETENTION },
    });
  });
  afterAll(async () => {
    await emails.close();
    await worker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Enqueues a job and ends it dead, as a worker process would. */
  async function deadJob(message: string): Promise<string> {
    const job = await emails.enqueue({ task: 'send-email', params: { to: message } }, { priority: 'urgent' });
    const taken = await worker.take(Date.now());
    expect(taken?.id).toBe(job.id);
    const error = toJobError(Object.assign(new Error(message), { code: 'E_SMTP' }));
    await worker.records!.finish(job.id, { state: 'dead', error, worker: 'emails.workers/1' }, Date.now());
    return job.id;
  }

  it('lists the jobs of a state, as JSON and as an aligned table with relative times', async () => {
    const id = await deadJob('mailbox full');
    const page = json<{ records: JobRecord[] }>(
      qui('jobs', 'emails', '--state', 'dead', '--sqlite', file, '--json'),
    );
    expect(page.records.map((r) => [r.id, r.state, r.error?.message])).toEqual([
      [id, 'dead', 'mailbox full'],
    ]);

    const table = qui('jobs', 'emails', '--state', 'dead', '--sqlite', file);
    expect(table).toMatchObject({ status: 0, stderr: '' });
    const [header, row, ...rest] = table.stdout.split('\n');
    expect(header).toMatch(/^ID\s+TASK\s+PRIORITY\s+ATTEMPTS\s+ENQUEUED\s+SINCE\s+ERROR\/REASON$/);
    expect(row).toMatch(
      new RegExp(`^${id}\\s+send-email\\s+urgent\\s+1\\s+(just now|\\d+s ago)\\s+.*E_SMTP: mailbox full$`),
    );
    // Aligned: every column starts where its header does.
    expect(row!.indexOf('send-email')).toBe(header!.indexOf('TASK'));
    expect(rest).toEqual(['']);
  });

  it('shows one job, and says "no job" with exit 1 for an unknown id', async () => {
    const id = await deadJob('no such user');
    const shown = qui('job', 'emails', id, '--config', CONFIG);
    expect(shown).toMatchObject({ status: 0, stderr: '' });
    expect(shown.stdout).toMatch(/^id: +\S+\n/);
    expect(shown.stdout).toMatch(/\nstate: +dead\n/);
    expect(shown.stdout).toMatch(/\nerror: +E_SMTP: no such user\n/);
    expect(shown.stdout).toMatch(/\npayload:\n {2}\{\n/);

    expect(qui('job', 'emails', 'nope', '--sqlite', file)).toMatchObject({
      status: 1,
      stdout: '',
      stderr: 'qui: queue "emails" has no job "nope"\n',
    });
  });

  it('shows the failed attempts a retried job went through, and --json has them', async () => {
    const job = await emails.enqueue({ task: 'send-email', params: { to: 'b' } }, { priority: 'urgent' });
    const first = await worker.take(Date.now());
    expect(first?.id).toBe(job.id);
    // What a worker process's ledger stores when the attempt fails and is retried.
    const greylisted = toJobError(Object.assign(new Error('greylisted'), { code: 'E_SMTP' }));
    const now = Date.now();
    const retry = {
      ...first!,
      attempts: 1,
      history: appendFailedAttempt(undefined, 1, greylisted, now, now),
    };
    expect(await worker.records!.retryLater(retry, greylisted, 'emails.workers/1', now)).toBe(true);
    expect((await worker.take(Date.now()))?.id).toBe(job.id);
    const full = toJobError(new Error('mailbox full'));
    await worker.records!.finish(
      job.id,
      { state: 'dead', error: full, worker: 'emails.workers/1' },
      Date.now(),
    );

    const shown = qui('job', 'emails', job.id, '--sqlite', file);
    expect(shown).toMatchObject({ status: 0, stderr: '' });
    expect(shown.stdout).toMatch(
      /\nfailed attempts:\n {2}attempt 1 {2}\S+Z \((just now|\d+s ago)\) {2}E_SMTP: greylisted\n\n/,
    );
    expect(shown.stdout).toMatch(/\nerror: +mailbox full\n/);
    const record = json<JobRecord>(qui('job', 'emails', job.id, '--sqlite', file, '--json'));
    expect(record.history).toEqual({
      failed: [
        {
          attempt: 1,
          error: { name: 'Error', message: 'greylisted', code: 'E_SMTP' },
          startedAtMs: now,
          finishedAtMs: now,
        },
      ],
      dropped: 0,
    });
    await emails.removeJob(job.id); // out of the way of --all-dead below
  });

  it('retries a dead job; retrying a waiting one is exit 1 and changes nothing', async () => {
    const id = await deadJob('try again');
    // Stores do not keep a queue's priorities: without them, the store refuses the job back.
    const bare = qui('retry', 'emails', id, '--sqlite', file);
    expect(bare).toMatchObject({ status: 2, stdout: '' });
    expect(bare.stderr).toMatch(
      /does not declare \(declared: high, low\) \(give the queue's priorities with --priorities\)\n$/,
    );
    expect((await emails.getJob(id))?.state).toBe('dead');
    const r = qui('retry', 'emails', id, '--sqlite', file, '--priorities', 'urgent,normal', '--json');
    expect(json<JobRecord>(r)).toMatchObject({ id, state: 'waiting' });
    expect((await emails.getJob(id))?.state).toBe('waiting');
    const again = qui('retry', 'emails', id, '--sqlite', file);
    expect(again).toMatchObject({ status: 1, stdout: '' });
    expect(again.stderr).toMatch(/^qui: job "\S+" is waiting: cannot retry it\n$/);
    await worker.take(Date.now()); // leave it active, out of the way of the next tests
  });

  it('retries every dead job with --all-dead', async () => {
    const ids = [await deadJob('a'), await deadJob('b')];
    const r = json<{ retried: number; failed: unknown[] }>(
      qui('retry', 'emails', '--all-dead', '--config', CONFIG, '--json'),
    );
    expect(r.failed).toEqual([]);
    expect(r.retried).toBeGreaterThanOrEqual(2);
    for (const id of ids) expect((await emails.getJob(id))?.state).toBe('waiting');
    expect((await emails.counts()).dead).toBe(0);
    // leave them active, out of the way of the next tests' takes
    for (let left = (await emails.counts()).waiting; left > 0; left--) await worker.take(Date.now());
  });

  it('cancels a waiting job with a reason', async () => {
    const job = await emails.enqueue({ n: 1 });
    const r = json<JobRecord>(
      qui('cancel', 'emails', job.id, '--reason', 'duplicate', '--sqlite', file, '--json'),
    );
    expect(r).toMatchObject({ id: job.id, state: 'cancelled', reason: 'duplicate' });
    expect(await emails.getJob(job.id)).toMatchObject({ state: 'cancelled', reason: 'duplicate' });
  });

  it('pauses and resumes the queue for every process on the file', async () => {
    expect(qui('pause', 'emails', '--sqlite', file)).toMatchObject({
      status: 0,
      stdout: 'queue emails paused\n',
    });
    expect(await emails.isPaused()).toBe(true);
    expect(await worker.take(Date.now())).toBeUndefined();
    expect(json(qui('resume', 'emails', '--sqlite', file, '--json'))).toEqual({
      queue: 'emails',
      paused: false,
    });
    expect(await emails.isPaused()).toBe(false);
  });

  it.each([
    [
      ['stats', 'nope', '--config', CONFIG],
      'the config defines no queue "nope" (it defines "emails", "local")',
    ],
    [['jobs', 'nope', '--sqlite', file], `no queue "nope" in SQLite file ${file} (queues found: "emails")`],
    [['stats', 'nope', '--sqlite', file], `no queue "nope" in SQLite file ${file} (queues found: "emails")`],
    [
      ['job', 'nope', 'j1', '--sqlite', file],
      `no queue "nope" in SQLite file ${file} (queues found: "emails")`,
    ],
    [['pause', 'nope', '--sqlite', file], `no queue "nope" in SQLite file ${file} (queues found: "emails")`],
  ])('qui %j refuses an unknown queue: one line naming the known ones, exit 1', (args, line) => {
    expect(qui(...args)).toMatchObject({ status: 1, signal: null, stdout: '', stderr: `qui: ${line}\n` });
    // Looking registered nothing: the file still knows one queue.
    expect(json(qui('stats', '--sqlite', file, '--json'))).toMatchObject({ queues: [{ queue: 'emails' }] });
  });

  it('pause --create pauses a queue the file has no trace of yet; stats lists every queue found', async () => {
    expect(qui('pause', 'later', '--create', '--sqlite', file)).toMatchObject({
      status: 0,
      stdout: 'queue later paused\n',
    });
    const later = await connectQueue({ name: 'later', store: sqliteStore({ path: file }) });
    try {
      expect(await later.isPaused()).toBe(true);
      const r = json<{ queues: { queue: string; paused: boolean }[] }>(
        qui('stats', '--sqlite', file, '--json'),
      );
      expect(r.queues.map((q) => [q.queue, q.paused])).toEqual([
        ['emails', false],
        ['later', true],
      ]);
      expect(json(qui('resume', 'later', '--sqlite', file, '--json'))).toEqual({
        queue: 'later',
        paused: false,
      });
    } finally {
      await later.close();
    }
  });

  it('stats --config counts every queue on a shared store and starts none of its workers', async () => {
    const job = await emails.enqueue({ n: 2 });
    const before = await emails.counts();
    const r = json<{ queues: { queue: string; paused: boolean; counts: Record<string, number> }[] }>(
      qui('stats', '--config', CONFIG, '--json'),
    );
    // `local` is on a memory store: no other process can see it, so it is left out.
    expect(r.queues).toEqual([{ queue: 'emails', paused: false, counts: before }]);
    // The config's workers complete every job at once: had the command started them, it would be gone.
    expect((await emails.getJob(job.id))?.state).toBe('waiting');
    const table = qui('stats', 'emails', '--config', CONFIG);
    expect(table.stdout.split('\n')[0]).toBe(
      'QUEUE   PAUSED  WAITING  DELAYED  ACTIVE  FAILED  COMPLETED  DEAD  LOST  CANCELLED',
    );
  });

  it('lists and shows a record whose body cannot be decoded, marked, and lists the others', async () => {
    const [good, bad] = [await deadJob('good'), await deadJob('spoiled')];
    const db = new Database(file);
    db.prepare('UPDATE qui_records SET job = ? WHERE id = ?').run('not json {', bad);
    db.close();
    try {
      const page = json<{ records: JobRecord[] }>(
        qui('jobs', 'emails', '--state', 'dead', '--sqlite', file, '--json'),
      );
      expect(page.records.slice(0, 2).map((r) => [r.id, r.corrupt?.reason.slice(0, 5)])).toEqual([
        [bad, 'body:'],
        [good, undefined],
      ]);
      const table = qui('jobs', 'emails', '--state', 'dead', '--sqlite', file);
      expect(table).toMatchObject({ status: 0, stderr: '' });
      expect(table.stdout.split('\n')[1]).toMatch(
        new RegExp(`^${bad}\\s+-\\s+\\s+1\\s+-\\s+.*cannot be decoded: body:`),
      );
      const shown = qui('job', 'emails', bad, '--sqlite', file);
      expect(shown).toMatchObject({ status: 0, stderr: '' });
      expect(shown.stdout).toMatch(/\nstate: +dead\n/);
      expect(shown.stdout).toMatch(/\ncorrupt: +cannot be decoded: body: a stored job is not valid JSON/);
    } finally {
      await emails.removeJob(bad);
    }
  });

  it.each([
    [['jobs', 'local', '--config', CONFIG], /^qui: queue "local" keeps its jobs in a memory store, .*\n$/],
    [['jobs', 'emails', '--sqlite', 'missing.db'], /^qui: cannot find SQLite file \S+missing\.db\n$/],
    [['jobs', 'emails', '--state', 'gone', '--sqlite', 'x'], /^qui: jobs: --state must be one of .*\n$/],
  ])('qui %j is one plain line on stderr, exit 2, and exits by itself', (args, line) => {
    const r = qui(...args);
    expect(r).toMatchObject({ status: 2, signal: null, stdout: '' });
    expect(r.stderr).toMatch(line);
  });
});
