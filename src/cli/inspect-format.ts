import type { AttemptHistory } from '../jobs/attempt-history';
import type { JobRecord } from '../jobs/job-record';
import { enqueuedAtOf, JOB_STATES } from '../jobs/job-record';
import type { JobCounts } from '../queue/job-control';

/** Widest cell a table prints; longer text is cut with an ellipsis. */
export const MAX_CELL_CHARS = 60;

/**
 * Columns aligned with two spaces between, headers as given, no trailing spaces. Pure.
 * @example
 * table(['ID', 'STATE'], [['a1', 'dead']]); // 'ID  STATE\na1  dead\n'
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [headers, ...rows].map((row) => row.map(cut));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function cut(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > MAX_CELL_CHARS ? `${one.slice(0, MAX_CELL_CHARS - 1)}…` : one;
}

/**
 * A wall-clock time relative to `nowMs`: `just now`, `42s ago`, `5m ago`, `3h ago`, `2d ago`, or
 * `in 5m` for a time to come; `-` for none. Pure.
 */
export function relative(atMs: number | undefined, nowMs: number): string {
  if (atMs === undefined) return '-';
  const delta = nowMs - atMs;
  const abs = Math.abs(delta);
  if (abs < 1_000) return 'just now';
  const span =
    abs < 60_000
      ? `${Math.floor(abs / 1_000)}s`
      : abs < 3_600_000
        ? `${Math.floor(abs / 60_000)}m`
        : abs < 86_400_000
          ? `${Math.floor(abs / 3_600_000)}h`
          : `${Math.floor(abs / 86_400_000)}d`;
  return delta >= 0 ? `${span} ago` : `in ${span}`;
}

/** What a record's last column says: its error, else why it was lost or cancelled. */
function note(r: JobRecord): string {
  if (r.corrupt) return `cannot be decoded: ${r.corrupt.reason}`;
  if (r.error) return r.error.code ? `${r.error.code}: ${r.error.message}` : r.error.message;
  return r.reason ?? '';
}

/** When a record entered its state, as well as the record tells. */
function since(r: JobRecord): number | undefined {
  if (r.finishedAtMs !== undefined) return r.finishedAtMs;
  if (r.state === 'active') return r.startedAtMs;
  if (r.state === 'delayed' || r.state === 'failed') return r.runAtMs;
  return enqueuedAtOf(r);
}

/** `qui jobs`: one row per record. */
export function jobsTable(records: readonly JobRecord[], nowMs: number): string {
  const rows = records.map((r) => [
    r.id,
    r.taskName ?? '-',
    r.priority,
    String(r.attempts),
    relative(enqueuedAtOf(r), nowMs),
    relative(since(r), nowMs),
    note(r),
  ]);
  return table(['ID', 'TASK', 'PRIORITY', 'ATTEMPTS', 'ENQUEUED', 'SINCE', 'ERROR/REASON'], rows);
}

/**
 * `qui job`: one field a line, then the failed attempts that were retried (one a line: number,
 * when it failed, its error), the error's stack, the result, the progress and the payload as JSON.
 */
export function jobDetail(r: JobRecord, nowMs: number): string {
  const at = (ms: number | undefined): string =>
    ms === undefined ? '-' : `${new Date(ms).toISOString()} (${relative(ms, nowMs)})`;
  const fields: [string, string][] = [
    ['id', r.id],
    ['queue', r.queue],
    ['state', r.state],
    ['task', r.taskName ?? '-'],
    ['priority', r.priority],
    ['attempts', `${r.attempts} (retries allowed: ${r.options.maxRetries})`],
    ['enqueued', at(enqueuedAtOf(r))],
    ['run at', at(r.runAtMs)],
    ['started', at(r.startedAtMs)],
    ['finished', at(r.finishedAtMs)],
    ['process', r.processId ?? '-'],
    ['worker', r.worker ?? '-'],
    ['reason', r.reason ?? '-'],
    ['error', r.error ? `${r.error.code ? `${r.error.code}: ` : ''}${r.error.message}` : '-'],
  ];
  if (r.corrupt) fields.push(['corrupt', `cannot be decoded: ${r.corrupt.reason}`]);
  if (r.deadLetterOf) fields.push(['dead letter of', `${r.deadLetterOf.queue} / ${r.deadLetterOf.jobId}`]);
  const width = Math.max(...fields.map(([k]) => k.length));
  let out = fields.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}\n`).join('');
  const json = (label: string, value: unknown): void => {
    if (value === undefined) return;
    out += `\n${label}:\n${indent(JSON.stringify(value, null, 2))}`;
  };
  out += attemptLines('failed attempts', r.history, at);
  out += attemptLines('source job failed attempts', r.deadLetterOf?.history, at);
  if (r.error?.stack) out += `\nstack:\n${indent(r.error.stack)}`;
  json('result', r.result);
  json('progress', r.progress);
  json('payload', r.task);
  return out;
}

/** A history's failed attempts, one a line under `title` (with how many older ones were not kept); '' for none. */
function attemptLines(
  title: string,
  history: AttemptHistory | undefined,
  at: (ms: number) => string,
): string {
  if (history === undefined || history.failed.length === 0) return '';
  const dropped = history.dropped > 0 ? ` (${history.dropped} older not kept)` : '';
  const lines = history.failed.map((f) => {
    const e = f.error;
    // One line per attempt, whatever the message holds.
    const message = e.message.replace(/\s+/g, ' ');
    return `attempt ${f.attempt}  ${at(f.finishedAtMs)}  ${e.code ? `${e.code}: ` : ''}${message}`;
  });
  return `\n${title}${dropped}:\n${indent(lines.join('\n'))}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}\n`)
    .join('');
}

/** What `qui stats` shows of one queue. */
export interface QueueStatsRow {
  readonly queue: string;
  readonly paused: boolean;
  readonly counts: JobCounts;
}

/** `qui stats`: one row per queue, one column per state. */
export function statsTable(rows: readonly QueueStatsRow[]): string {
  return table(
    ['QUEUE', 'PAUSED', ...JOB_STATES.map((s) => s.toUpperCase())],
    rows.map((r) => [r.queue, r.paused ? 'yes' : 'no', ...JOB_STATES.map((s) => String(r.counts[s]))]),
  );
}
