import type { QuiEventBus, QuiEvents } from '../../src/events';

type JobEventType =
  | 'job.enqueued'
  | 'job.started'
  | 'job.completed'
  | 'job.failed'
  | 'job.retrying'
  | 'job.dead'
  | 'job.lost'
  | 'job.cancelled'
  | 'job.progress';
const TYPES: readonly JobEventType[] = [
  'job.enqueued',
  'job.started',
  'job.completed',
  'job.failed',
  'job.retrying',
  'job.dead',
  'job.lost',
  'job.cancelled',
  'job.progress',
];

/** Records job events and lets a test wait for the Nth of a type (counting those already seen). */
export class JobEvents {
  readonly seen: { [K in JobEventType]: QuiEvents[K][] } = {
    'job.enqueued': [],
    'job.started': [],
    'job.completed': [],
    'job.failed': [],
    'job.retrying': [],
    'job.dead': [],
    'job.lost': [],
    'job.cancelled': [],
    'job.progress': [],
  };
  private waiters: Array<() => boolean> = [];

  constructor(bus: QuiEventBus) {
    for (const type of TYPES) {
      bus.on(type, (event) => {
        (this.seen[type] as unknown[]).push(event);
        this.waiters = this.waiters.filter((check) => !check());
      });
    }
  }

  /** Resolves with the `nth` (1-based) event of `type`. */
  wait<K extends JobEventType>(type: K, nth = 1): Promise<QuiEvents[K]> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const list = this.seen[type] as QuiEvents[K][];
        if (list.length < nth) return false;
        resolve(list[nth - 1] as QuiEvents[K]);
        return true;
      };
      if (!check()) this.waiters.push(check);
    });
  }

  count(type: JobEventType): number {
    return this.seen[type].length;
  }
}
