/** The demo's summary: what it counted, and how it is printed. */
import type { QueueStats } from 'qui-actors';
import type { StatsState } from './qui.config';

/** What the demo counted, from events; `queues` is what the queues themselves counted. */
export interface DemoSummary {
  readonly enqueued: number;
  readonly completed: number;
  /** Failed attempts (error results, throws, timeouts). */
  readonly failed: number;
  readonly retried: number;
  readonly dead: number;
  readonly lost: number;
  /** `actor.restarted` events: workers restarted after a crash. */
  readonly restarts: number;
  /** Jobs waiting in the dead-letter queue. */
  readonly deadLettered: number;
  readonly nonConforming: number;
  readonly wallMs: number;
  /** Jobs accounted for (completed, dead or lost) per second of wall time. */
  readonly jobsPerSecond: number;
  readonly byTask: StatsState['byTask'];
  readonly queues: readonly QueueStats[];
  /** False when stopped early by `signal`. */
  readonly finished: boolean;
}

/** True when events and the queues' own counters agree that every job was accounted for. */
export function accountedFor(s: DemoSummary): boolean {
  const total = (key: 'enqueued' | 'completed' | 'dead' | 'lost'): number =>
    s.queues.reduce((n, q) => n + q.totals[key], 0);
  return (
    s.completed + s.dead + s.lost === s.enqueued &&
    total('completed') + total('dead') + total('lost') === total('enqueued') &&
    total('enqueued') === s.enqueued
  );
}

/** The summary, as printed. */
export function formatSummary(s: DemoSummary): string {
  const pad = (label: string): string => `  ${label.padEnd(18)}`;
  const lines = [
    s.finished ? 'done.' : 'stopped early.',
    `${pad('enqueued')}${s.enqueued}`,
    `${pad('completed')}${s.completed}`,
    `${pad('retried')}${s.retried}   (failed attempts: ${s.failed})`,
    `${pad('dead')}${s.dead}   (in the dead-letter queue: ${s.deadLettered})`,
    `${pad('lost')}${s.lost}   (non-conforming returns enqueued: ${s.nonConforming})`,
    `${pad('worker restarts')}${s.restarts}`,
    `${pad('jobs per second')}${s.jobsPerSecond}`,
    `${pad('wall time')}${(s.wallMs / 1000).toFixed(2)} s`,
    '',
    '  task            completed  failed  dead  lost',
  ];
  for (const [task, n] of Object.entries(s.byTask).sort()) {
    lines.push(
      `  ${task.padEnd(15)} ${String(n.completed).padStart(9)} ${String(n.failed).padStart(7)} ${String(n.dead).padStart(5)} ${String(n.lost).padStart(5)}`,
    );
  }
  lines.push('', '  queue  handed out  completed  retried  dead  lost');
  for (const q of s.queues) {
    const t = q.totals;
    lines.push(
      `  ${q.name.padEnd(6)} ${String(t.handedOut).padStart(10)} ${String(t.completed).padStart(10)} ${String(t.retried).padStart(8)} ${String(t.dead).padStart(5)} ${String(t.lost).padStart(5)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
