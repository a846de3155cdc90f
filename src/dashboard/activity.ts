import type { Clock } from '../clock';
import type { QuiEventBus } from '../events';

const MINUTES = 60;
const MINUTE_MS = 60_000;

/** Completed and failed attempts per minute of one queue, over the last hour, in a fixed ring. */
class MinuteRing {
  private readonly minute = new Float64Array(MINUTES).fill(-1);
  private readonly completed = new Uint32Array(MINUTES);
  private readonly failed = new Uint32Array(MINUTES);

  add(nowMs: number, failed: boolean): void {
    const m = Math.floor(nowMs / MINUTE_MS);
    const i = m % MINUTES;
    if (this.minute[i] !== m) {
      this.minute[i] = m;
      this.completed[i] = 0;
      this.failed[i] = 0;
    }
    if (failed) (this.failed[i] as number)++;
    else (this.completed[i] as number)++;
  }

  /** Oldest minute first, the current minute last. */
  series(nowMs: number): { completed: number[]; failed: number[] } {
    const now = Math.floor(nowMs / MINUTE_MS);
    const completed: number[] = [];
    const failed: number[] = [];
    for (let m = now - MINUTES + 1; m <= now; m++) {
      const i = m % MINUTES;
      const current = this.minute[i] === m;
      completed.push(current ? (this.completed[i] as number) : 0);
      failed.push(current ? (this.failed[i] as number) : 0);
    }
    return { completed, failed };
  }
}

/** One entry of a job's timeline: an event this process saw, or a step its record tells. */
export interface TimelineEntry {
  /** `undefined` for a step the record keeps no time for. */
  readonly atMs: number | undefined;
  readonly type: string;
  readonly detail: string | undefined;
}

interface TimelineSlot extends TimelineEntry {
  readonly atMs: number;
  readonly jobId: string;
}

/** Waiting jobs tracked per queue for the oldest-waiting age; past it the age is not known. */
const MAX_TRACKED_WAITING = 100_000;
/** Job events kept for timelines, across all queues. */
const TIMELINE_SIZE = 2_000;

/**
 * What the dashboard learns from `system.events` while it runs, at a fixed cost: per-minute
 * throughput and failures per queue (60 slots), the enqueue time of each waiting job (for the
 * oldest-waiting age), a ring of recent job events (timelines), and restarts and escalations per
 * supervisor. @internal
 */
export class Activity {
  private readonly rings = new Map<string, MinuteRing>();
  private readonly waiting = new Map<string, Map<string, number>>();
  private readonly overflow = new Set<string>();
  private readonly timeline: (TimelineSlot | undefined)[] = new Array<TimelineSlot | undefined>(
    TIMELINE_SIZE,
  );
  private next = 0;
  /** Restarts per child, keyed `<supervisor path>/<child id>`. */
  readonly restarts = new Map<string, number>();
  /** Restarts per supervisor path. */
  readonly supervisorRestarts = new Map<string, number>();
  /** Escalations (max intensity reached) per supervisor path. */
  readonly escalations = new Map<string, number>();
  private readonly offs: Array<() => void>;

  constructor(
    events: QuiEventBus,
    private readonly clock: Clock,
  ) {
    this.offs = [
      events.on('job.enqueued', ({ job }) => {
        const now = clock.wallNow();
        this.log(job.id, 'enqueued', undefined);
        if (job.runAtMs !== undefined && job.runAtMs > now) return;
        this.track(job.queue, job.id, job.enqueuedAtMs);
      }),
      events.on('job.started', ({ job, attempt, worker }) => {
        this.waiting.get(job.queue)?.delete(job.id);
        this.log(job.id, 'started', `attempt ${attempt} on ${worker}`);
      }),
      events.on('job.completed', ({ job }) => {
        this.ring(job.queue).add(clock.wallNow(), false);
        this.log(job.id, 'completed', undefined);
      }),
      events.on('job.failed', ({ job, error }) => {
        this.ring(job.queue).add(clock.wallNow(), true);
        this.log(job.id, 'failed', error.message);
      }),
      events.on('job.retrying', ({ job, delayMs }) => this.log(job.id, 'retrying', `in ${delayMs} ms`)),
      events.on('job.dead', ({ job, attempts }) => this.log(job.id, 'dead', `after ${attempts} attempts`)),
      events.on('job.cancelled', ({ job, reason }) => {
        this.waiting.get(job.queue)?.delete(job.id);
        this.log(job.id, 'cancelled', reason);
      }),
      events.on('job.lost', (e) => {
        if (!e.job) return;
        this.waiting.get(e.job.queue)?.delete(e.job.id);
        this.log(e.job.id, 'lost', e.reason.type);
      }),
      events.on('actor.restarted', ({ supervisor, id }) => {
        bump(this.restarts, `${supervisor}/${id}`);
        bump(this.supervisorRestarts, supervisor);
      }),
      events.on('supervisor.escalated', ({ path }) => bump(this.escalations, path)),
    ];
  }

  /** Completed and failed attempts per minute, the last 60 minutes, oldest first. */
  series(queue: string): { completed: number[]; failed: number[] } {
    return this.ring(queue).series(this.clock.wallNow());
  }

  /** How long the oldest waiting job enqueued here since the dashboard started has waited, if known. */
  oldestWaitingAgeMs(queue: string): number | undefined {
    const head = this.oldestWaiting(queue);
    return head === undefined ? undefined : Math.max(0, this.clock.wallNow() - head.atMs);
  }

  /**
   * The oldest job tracked as waiting in `queue` (enqueued here, not yet seen to start, end or be
   * cancelled), if known. A job that left without an event (removed, dequeued) stays tracked
   * until {@link forgetWaiting}: a caller that can read records checks the head with the store.
   */
  oldestWaiting(queue: string): { readonly id: string; readonly atMs: number } | undefined {
    if (this.overflow.has(queue)) return undefined;
    const map = this.waiting.get(queue);
    if (!map) return undefined;
    for (const [id, atMs] of map) return { id, atMs };
    return undefined;
  }

  /** Stops tracking job `id` as waiting in `queue` (its record says it no longer waits). */
  forgetWaiting(queue: string, id: string): void {
    this.waiting.get(queue)?.delete(id);
  }

  /** The events of job `id` still in the ring, oldest first. */
  timelineOf(id: string): TimelineEntry[] {
    const out: TimelineEntry[] = [];
    for (let k = 0; k < TIMELINE_SIZE; k++) {
      const slot = this.timeline[(this.next + k) % TIMELINE_SIZE];
      if (slot?.jobId === id) out.push({ atMs: slot.atMs, type: slot.type, detail: slot.detail });
    }
    return out;
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private ring(queue: string): MinuteRing {
    let ring = this.rings.get(queue);
    if (!ring) this.rings.set(queue, (ring = new MinuteRing()));
    return ring;
  }

  private track(queue: string, id: string, atMs: number): void {
    let map = this.waiting.get(queue);
    if (!map) this.waiting.set(queue, (map = new Map<string, number>()));
    if (map.size >= MAX_TRACKED_WAITING) this.overflow.add(queue);
    else map.set(id, atMs);
  }

  private log(jobId: string, type: string, detail: string | undefined): void {
    this.timeline[this.next] = { jobId, atMs: this.clock.wallNow(), type, detail };
    this.next = (this.next + 1) % TIMELINE_SIZE;
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
