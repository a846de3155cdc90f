import { jobDetail, jobsTable, relative, statsTable, table } from '../../../src/cli/inspect-format';
import type { JobRecord } from '../../../src/jobs/job-record';
import { zeroCounts } from '../../../src/stores/job-records';

const NOW = Date.UTC(2026, 0, 2, 12, 0, 0);

function record(fields: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'job-1' as JobRecord['id'],
    queue: 'emails',
    task: { task: 'send-email', params: { to: 'ada@example.com' } },
    taskName: 'send-email',
    priority: 'low',
    options: { maxRetries: 3, retryDelayMs: 100, backoff: { type: 'fixed' }, timeoutMs: 30_000 },
    state: 'dead',
    attempts: 4,
    enqueuedAtMs: NOW - 3 * 3_600_000,
    runAtMs: undefined,
    startedAtMs: NOW - 120_000,
    finishedAtMs: NOW - 90_000,
    error: {
      name: 'Error',
      message: 'mailbox full',
      code: 'E_SMTP',
      stack: 'Error: mailbox full\n    at send',
    },
    history: undefined,
    result: undefined,
    progress: undefined,
    processId: 'p-1',
    worker: 'emails.workers/1',
    reason: undefined,
    deadLetterOf: undefined,
    trace: undefined,
    ...fields,
  };
}

describe('table', () => {
  it('aligns columns two spaces apart, with no trailing spaces', () => {
    expect(
      table(
        ['ID', 'STATE', 'NOTE'],
        [
          ['a', 'dead', ''],
          ['long-id', 'ok', 'x'],
        ],
      ),
    ).toBe('ID       STATE  NOTE\na        dead\nlong-id  ok     x\n');
  });

  it('cuts a long cell with an ellipsis and keeps it on one line', () => {
    const [, row] = table(['X'], [[`${'a'.repeat(70)}\nmore`]]).split('\n');
    expect(row).toHaveLength(60);
    expect(row).toMatch(/^a+…$/);
  });
});

describe('relative', () => {
  it.each([
    [undefined, '-'],
    [NOW - 500, 'just now'],
    [NOW - 42_000, '42s ago'],
    [NOW - 5 * 60_000, '5m ago'],
    [NOW - 3 * 3_600_000, '3h ago'],
    [NOW - 2 * 86_400_000, '2d ago'],
    [NOW + 5 * 60_000, 'in 5m'],
  ])('%p is %p', (at, text) => {
    expect(relative(at, NOW)).toBe(text);
  });
});

describe('jobsTable and jobDetail', () => {
  it('shows a row per record: times relative, the error with its code', () => {
    expect(jobsTable([record()], NOW)).toBe(
      'ID     TASK        PRIORITY  ATTEMPTS  ENQUEUED  SINCE   ERROR/REASON\n' +
        'job-1  send-email  low       4         3h ago    1m ago  E_SMTP: mailbox full\n',
    );
  });

  it('shows every field, then the stack and the payload as JSON', () => {
    const text = jobDetail(record({ result: { sent: 1 } }), NOW);
    expect(text).toContain('state:    dead\n');
    expect(text).toContain('finished: 2026-01-02T11:58:30.000Z (1m ago)\n');
    expect(text).toContain('\nstack:\n  Error: mailbox full\n      at send\n');
    expect(text).toContain('\nresult:\n  {\n    "sent": 1\n  }\n');
    expect(text).toContain('\npayload:\n  {\n    "task": "send-email",');
  });
});

describe('jobDetail of a job with failed attempts', () => {
  const history = {
    failed: [
      {
        attempt: 3,
        error: { name: 'Error', message: 'timed\nout' },
        startedAtMs: NOW - 200_000,
        finishedAtMs: NOW - 180_000,
      },
      {
        attempt: 4,
        error: { name: 'Error', message: 'refused', code: 'ECONNREFUSED' },
        startedAtMs: NOW - 150_000,
        finishedAtMs: NOW - 150_000,
      },
    ],
    dropped: 2,
  };

  it('lists each retried attempt with when it failed and its error, and how many were not kept', () => {
    expect(jobDetail(record({ history }), NOW)).toContain(
      '\nfailed attempts (2 older not kept):\n' +
        '  attempt 3  2026-01-02T11:57:00.000Z (3m ago)  timed out\n' +
        '  attempt 4  2026-01-02T11:57:30.000Z (2m ago)  ECONNREFUSED: refused\n' +
        '\nstack:\n',
    );
  });

  it("lists a dead-letter copy's source attempts, and nothing for a job without any", () => {
    const copy = record({
      deadLetterOf: { queue: 'src', jobId: 'j0', error: undefined, history: { ...history, dropped: 0 } },
    });
    expect(jobDetail(copy, NOW)).toContain('\nsource job failed attempts:\n  attempt 3  ');
    expect(jobDetail(record(), NOW)).not.toContain('failed attempts');
  });
});

describe('statsTable', () => {
  it('has a column per state', () => {
    expect(statsTable([{ queue: 'q', paused: true, counts: { ...zeroCounts(), dead: 7 } }])).toBe(
      'QUEUE  PAUSED  WAITING  DELAYED  ACTIVE  FAILED  COMPLETED  DEAD  LOST  CANCELLED\n' +
        'q      yes     0        0        0       0       0          7     0     0\n',
    );
  });
});
