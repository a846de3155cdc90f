import { attemptsSection } from '../../../src/dashboard/attempts-section';
import type { AttemptHistory } from '../../../src/jobs/attempt-history';
import type { JobRecord } from '../../../src/jobs/job-record';

const NOW = Date.UTC(2026, 0, 2, 12, 0, 0);

const history: AttemptHistory = {
  failed: [3, 4].map((n) => ({
    attempt: n,
    error: { name: 'Error', message: `boom ${n} <b>`, code: 'E_X' },
    startedAtMs: NOW - 10_000 * n,
    finishedAtMs: NOW - 10_000 * n + 1_500,
  })),
  dropped: 2,
};

function record(fields: Partial<JobRecord>): JobRecord {
  return {
    id: 'j1' as JobRecord['id'],
    queue: 'q',
    task: 1,
    taskName: undefined,
    priority: 'p',
    options: { maxRetries: 9, retryDelayMs: 0, backoff: { type: 'fixed' }, timeoutMs: Infinity },
    state: 'active',
    attempts: 5,
    enqueuedAtMs: 0,
    runAtMs: undefined,
    startedAtMs: NOW - 1_000,
    finishedAtMs: undefined,
    error: { name: 'Error', message: 'boom 4 <b>', code: 'E_X' },
    history,
    result: undefined,
    progress: undefined,
    processId: 'p1',
    worker: 'w',
    reason: undefined,
    deadLetterOf: undefined,
    trace: undefined,
    ...fields,
  };
}

const attempts = (html: string): string[] =>
  [...html.matchAll(/data-attempt="(\d+)"/g)].map((m) => m[1] as string);

describe('attemptsSection', () => {
  it('lists the kept failed attempts, says how many were not kept, then the running attempt', () => {
    const html = attemptsSection(record({}), NOW).value;
    expect(attempts(html)).toEqual(['3', '4', '5']);
    expect(html).toContain('2 earlier failed attempts not kept (a job keeps its last 10).');
    expect(html).toContain('<td>2 s</td>');
    expect(html).toContain('boom 3 &lt;b&gt;');
    expect(html).toContain('<span class="badge active">active</span>');
  });

  it('adds no row for a failed job (its latest attempt is in the history) nor for one waiting again', () => {
    expect(attempts(attemptsSection(record({ state: 'failed', attempts: 4 }), NOW).value)).toEqual([
      '3',
      '4',
    ]);
    expect(attempts(attemptsSection(record({ state: 'waiting' }), NOW).value)).toEqual(['3', '4']);
  });

  it('shows nothing for a job that never failed', () => {
    expect(attemptsSection(record({ history: undefined, attempts: 1 }), NOW).value).toBe('');
  });
});
