import type { JobRecord } from '../jobs/job-record';
import type { TimelineEntry } from './activity';
import { timestamp } from './format';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A job's timeline as its record tells it: what every process sharing the store reads, so the job
 * page shows the same timeline in the process that ran the job, in another one and under
 * `qui dashboard --redis`, and after a restart. A record keeps the latest attempt only (its start,
 * its error) and how the job ended, so earlier attempts are counted, not listed, and a step the
 * record keeps no time for (a failure before the end, a retry stored again) has `atMs` undefined.
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
  add(r.enqueuedAtMs, 'enqueued', r.attempts === 0 && due ? `due ${due}` : undefined);
  const latestStarted = r.attempts > 0 && r.startedAtMs !== undefined;
  // While an attempt runs, the record's error is the previous attempt's.
  const earlier = r.attempts - (latestStarted ? 1 : 0);
  if (earlier > 0) {
    const last = r.state === 'active' && r.error ? `; the last failed: ${r.error.message}` : '';
    add(undefined, 'retried', `after ${plural(earlier, 'earlier attempt')}, not kept in the record${last}`);
  }
  if (latestStarted)
    // A record names the worker when the attempt ends: while one runs, `worker` is the previous one's.
    add(
      r.startedAtMs,
      'started',
      `attempt ${r.attempts}${r.worker && r.state !== 'active' ? ` on ${r.worker}` : ''}`,
    );
  const failedLatest = (): void => {
    if (r.error && latestStarted) add(undefined, 'failed', r.error.message);
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
