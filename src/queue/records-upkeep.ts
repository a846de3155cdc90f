import { hostname } from 'node:os';
import type { Clock, TimerHandle } from '../clock';
import { toError } from '../errors';
import type { Logger } from '../logging';
import type { JobRecords, ProcessBeat, ProcessInfo } from '../stores/job-records';
import type { JobLedger } from './job-ledger';

/** Ended records past their age one upkeep round prunes at most. */
export const PRUNE_BATCH = 500;

/**
 * A lease lasts this many heartbeats. With a reap every half beat, a process that stops beating
 * has its active jobs reaped between 1.5 and 2 beats after its last beat: within two heartbeats.
 */
export const LEASE_BEATS = 1.5;

/** What the upkeep needs. @internal */
export interface UpkeepDeps {
  readonly records: JobRecords;
  readonly ledger: JobLedger;
  readonly clock: Clock;
  readonly log: Logger;
  readonly processId: string;
  readonly heartbeatMs: number;
  /** Shared stores (Redis, SQLite) hold leases; the memory store is this process's alone. */
  readonly shared: boolean;
  readonly requeueLost: boolean;
  /** Workers of the queue in this process. */
  readonly workers: number;
}

/**
 * A queue's records upkeep, on one timer every half heartbeat: on a shared store this process's
 * heartbeat (every other round, and before the reap in any round whose beat is overdue) and the
 * reaping of processes that stopped beating (every round);
 * on every store, the pruning of records past their age (a bounded batch). Each round waits for
 * the last, so a slow store never piles rounds up. @internal
 */
export class RecordsUpkeep {
  private timer: TimerHandle | undefined;
  private round = 0;
  private stopped = false;
  /** When the last beat that the store took was sent (wall clock); undefined before the first. */
  private lastBeatAtMs: number | undefined;
  private readonly startedAtMs: number;
  private readonly host = hostname();

  constructor(private readonly deps: UpkeepDeps) {
    this.startedAtMs = deps.clock.wallNow();
  }

  /** The lease's time to live. */
  get ttlMs(): number {
    return Math.round(this.deps.heartbeatMs * LEASE_BEATS);
  }

  /**
   * Beats once (the lease must exist before the first take), then schedules the rounds. A failed
   * first beat is logged, not thrown: the store is down, so takes fail too, and the rounds beat again.
   */
  async start(): Promise<void> {
    if (this.deps.shared) {
      try {
        await this.beat();
      } catch (thrown) {
        this.deps.log.warn({ err: toError(thrown) }, 'first heartbeat failed; beating again next round');
      }
    }
    this.schedule();
  }

  /** Stops the rounds; on a shared store the lease ends now (a clean goodbye). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.deps.shared) {
      try {
        await this.deps.records.leave(this.deps.processId);
      } catch (thrown) {
        this.deps.log.warn({ err: toError(thrown) }, 'leaving the store failed');
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => void this.tick(), Math.max(1, this.deps.heartbeatMs / 2));
    // Upkeep alone never keeps a process up (a script that enqueues and returns still exits).
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** What this process says of itself in a heartbeat, now. */
  private beatOf(): ProcessBeat {
    const { processId, ledger, workers } = this.deps;
    return {
      processId,
      host: this.host,
      pid: process.pid,
      startedAtMs: this.startedAtMs,
      workers: { busy: Math.min(ledger.running.size, workers), total: workers },
    };
  }

  /**
   * This process as a heartbeat would show it, as of now: what `processes()` answers for a store
   * no other process shares (memory), where no heartbeat is written.
   */
  self(): ProcessInfo {
    const now = this.deps.clock.wallNow();
    return { ...this.beatOf(), lastBeatAtMs: now, expiresAtMs: now + this.ttlMs };
  }

  private async beat(): Promise<void> {
    const now = this.deps.clock.wallNow();
    await this.deps.records.heartbeat(this.beatOf(), now, this.ttlMs);
    this.lastBeatAtMs = now;
  }

  /**
   * True when this round beats: every other round, and any round whose last beat the store took is
   * a heartbeat old or more (beats failed while the store was down, or the process stalled). Then
   * its lease may have lapsed, and a reap before the beat would take this live process's own
   * active jobs for lost (`process-gone`): after a Redis outage longer than the lease, a process
   * reaped its own jobs whose retries were on their way to the store.
   */
  private beatDue(): boolean {
    if (this.round % 2 === 0 || this.lastBeatAtMs === undefined) return true;
    return this.deps.clock.wallNow() - this.lastBeatAtMs >= this.deps.heartbeatMs;
  }

  /**
   * One round: beat (every other round, or first whenever a beat is overdue), reap (under a lease
   * that holds), prune. A failure is logged; the next round tries again.
   */
  async tick(): Promise<void> {
    this.timer = undefined;
    const { records, clock, log } = this.deps;
    this.round++;
    try {
      if (this.deps.shared) {
        if (this.beatDue()) await this.beat();
        // A beat sent while the store was down lands when it is back, with the time it was sent:
        // the lease it wrote may have lapsed already. Reap only under a lease known to hold; the
        // next round beats afresh.
        if (this.leaseHolds()) await this.reap();
      }
      await records.prune(clock.wallNow(), PRUNE_BATCH);
    } catch (thrown) {
      log.warn({ err: toError(thrown) }, 'records upkeep failed; trying again next round');
    }
    this.schedule();
  }

  /** True while the lease of this process's last beat still runs, by a heartbeat's margin. */
  private leaseHolds(): boolean {
    if (this.lastBeatAtMs === undefined) return false;
    return this.deps.clock.wallNow() - this.lastBeatAtMs < this.deps.heartbeatMs;
  }

  /** Reaps the active jobs of processes whose lease ran out, and reports them. */
  private async reap(): Promise<void> {
    const { records, clock, log, ledger } = this.deps;
    const reaped = await records.reap(clock.wallNow(), this.deps.requeueLost);
    if (reaped.length > 0 && !this.stopped) {
      log.warn({ jobs: reaped.length }, 'reaped the active jobs of a process that stopped beating');
      ledger.reaped(reaped);
    }
  }
}
