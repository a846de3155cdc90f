import { MAX_ATTEMPT_HISTORY, type AttemptHistory } from '../jobs/attempt-history';
import type { JobError } from '../jobs/job-error';
import type { JobRecord } from '../jobs/job-record';
import { badge, duration, timeCell } from './format';
import { html, type SafeHtml } from './html';

/** One row of the attempts table. */
interface AttemptRow {
  readonly attempt: number;
  readonly startedAtMs: number | undefined;
  readonly finishedAtMs: number | undefined;
  /** How it ended: `failed` for a retried attempt, else the record's state. */
  readonly outcome: string;
  readonly error: JobError | undefined;
}

/**
 * The job page's attempts: each failed attempt the record's `history` keeps (read from the store,
 * so from whichever process ran them), then the latest attempt when it is not one of them, with
 * its outcome; for a dead-letter copy, its source job's attempts too. Nothing for a job that never
 * failed. Every error text is escaped (it is the processor's, and may quote a payload). @internal
 */
export function attemptsSection(r: JobRecord, nowMs: number): SafeHtml {
  const own = r.history ? attemptsTable('Attempts', r.history, latest(r), nowMs, 'attempts') : '';
  const source = r.deadLetterOf?.history;
  const copied = source
    ? attemptsTable(
        'Source job attempts',
        source,
        { ...noTimes(source), outcome: 'dead', error: r.deadLetterOf?.error },
        nowMs,
        'source-attempts',
      )
    : '';
  return html`${own}${copied}`;
}

/**
 * The record's latest attempt, while it runs or once the job ended, when it is not the last entry
 * of its history. A `failed` job's is; a job waiting again after `retryJob` or a reap does not say
 * how its latest attempt ended (its error stays under Last error).
 */
function latest(r: JobRecord): AttemptRow | undefined {
  const last = r.history?.failed.at(-1);
  if (r.attempts === 0 || (last !== undefined && last.attempt >= r.attempts)) return undefined;
  if (r.state === 'waiting' || r.state === 'delayed' || r.state === 'failed') return undefined;
  return {
    attempt: r.attempts,
    startedAtMs: r.startedAtMs,
    finishedAtMs: r.finishedAtMs,
    outcome: r.state,
    error: r.state === 'completed' ? undefined : r.error,
  };
}

/** The source's final attempt, its number the one after its last kept failure; its times unknown. */
function noTimes(history: AttemptHistory): {
  attempt: number;
  startedAtMs: undefined;
  finishedAtMs: undefined;
} {
  const last = history.failed.at(-1);
  return { attempt: (last?.attempt ?? history.dropped) + 1, startedAtMs: undefined, finishedAtMs: undefined };
}

function attemptsTable(
  title: string,
  history: AttemptHistory,
  after: AttemptRow | undefined,
  nowMs: number,
  field: string,
): SafeHtml {
  const rows: AttemptRow[] = history.failed.map((f) => ({ ...f, outcome: 'failed' }));
  if (after) rows.push(after);
  return html`<section data-field="${field}">
    <h2>${title}</h2>
    ${history.dropped > 0 ? html`<p class="hint">${droppedText(history.dropped)}</p>` : ''}
    <div class="table-wrap">
      <table class="grid attempts">
        <thead>
          <tr>
            <th scope="col" class="num">Attempt</th>
            <th scope="col">Outcome</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (a) =>
              html`<tr data-attempt="${a.attempt}">
                <td class="num">${a.attempt}</td>
                <td>${badge(a.outcome)}</td>
                <td>${timeCell(a.startedAtMs, nowMs)}</td>
                <td>${took(a)}</td>
                <td>${errorText(a.error)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function droppedText(dropped: number): string {
  return `${dropped} earlier failed attempt${dropped === 1 ? '' : 's'} not kept (a job keeps its last ${MAX_ATTEMPT_HISTORY}).`;
}

function took(a: AttemptRow): string {
  if (a.startedAtMs === undefined || a.finishedAtMs === undefined) return '—';
  return duration(Math.max(0, a.finishedAtMs - a.startedAtMs));
}

function errorText(e: JobError | undefined): SafeHtml {
  if (e === undefined) return html`<span class="muted">—</span>`;
  return html`<strong>${e.name}</strong>${e.code ? html` <span class="mono">${e.code}</span>` : ''}:
    ${e.message}`;
}
