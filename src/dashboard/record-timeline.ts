import { enqueuedAtOf, type JobRecord } from '../jobs/job-record';
import type { TimelineEntry } from './activity';
import { timestamp } from './format';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A job's timeline as its record tells it: what every process sharing the store reads, so the job
 * page shows the same timeline in the process that ran the job, in another one and under
 * `qui dashboard --redis`, and after a restart. A record keeps the latest attempt (its start, its
 * error), how the job ended and, in `history`, the earlier attempts that failed and were retried
 * (the last `MAX_ATTEMPT_HISTORY`, 10): those are listed with their times, the others counted, and a step the record
 * keeps no time for (a retry stored again) has `atMs` undefined.
 * Oldest first. @internal
 * @example
 * recordTimeline(deadRecord).map((e) => e.type); // ['enqueued', 'started', 'dead']
 */
export function recordTimeline(r: JobRecord): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const add = (atMs: number | undefined, type: string, detail?: string): void => {
    out.push({ atMs, type, detail });
  };
  const due = r.runAtMs !== undefined && r.runAtMs > r.enqueuedAtMs ? timestamp(r.runAtMs) : undefined;
  add(enqueuedAtOf(r), 'enqueued', r.attempts === 0 && due ? `due ${due}` : undefined);
  const latestStarted = r.attempts > 0 && r.startedAtMs !== undefined;
  // While an attempt runs, the record's error is the previous attempt's.
  const earlier = r.attempts - (latestStarted ? 1 : 0);
  // Earlier attempts the record's history keeps are listed; those it does not are counted.
  const kept = (r.history?.failed ?? []).filter((a) => a.attempt <= earlier);
  const unlisted = earlier - kept.length;
  if (unlisted > 0) {
    const last =
      r.state === 'active' && r.error && kept.length === 0 ? `; the last failed: ${r.error.message}` : '';
    add(undefined, 'retried', `after ${plural(unlisted, 'earlier attempt')}, not kept in the record${last}`);
  }
  for (const a of kept) {
    add(a.startedAtMs, 'started', `attempt ${a.attempt}`);
    add(a.finishedAtMs, 'failed', a.error.message);
  }
  if (latestStarted)
    // A record names the worker when the attempt ends: while one runs, `worker` is the previous one's.
    add(
      r.startedAtMs,
      'started',
      `attempt ${r.attempts}${r.worker && r.state !== 'active' ? ` on ${r.worker}` : ''}`,
    );
  const failedLatest = (): void => {
    if (!r.error || !latestStarted) return;
    // A retried attempt is in the history the retry stored, with its end time.
    const entry = r.history?.failed.find((a) => a.attempt === r.attempts);
    add(entry?.finishedAtMs, 'failed', r.error.message);
  };
  switch (r.state) {
    case 'waiting':
    case 'delayed':
      // Stored again after an attempt: retryJob on a dead or lost job, or the reaper's requeue.
      if (r.attempts > 0) {
        failedLatest();
        add(
          undefined,
          'retried',
          `attempt ${r.attempts + 1}${due && r.state === 'delayed' ? ` due ${due}` : ''}`,
        );
      }
      break;
    case 'active':
      break;
    case 'failed':
      failedLatest();
      add(r.runAtMs, 'retrying', `attempt ${r.attempts + 1}`);
      break;
    case 'completed':
      add(r.finishedAtMs, 'completed', r.reason ?? r.error?.message);
      break;
    case 'dead':
      add(
        r.finishedAtMs,
        'dead',
        `after ${plural(r.attempts, 'attempt')}${r.error ? `: ${r.error.message}` : ''}`,
      );
      break;
    case 'lost':
      add(r.finishedAtMs, 'lost', r.reason);
      break;
    case 'cancelled':
      failedLatest();
      add(r.finishedAtMs, 'cancelled', r.reason);
      break;
  }
  return out;
}
