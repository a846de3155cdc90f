import type { JobRecord, JobState } from '../jobs/job-record';
import type { QueueStats } from '../queue/queue-messages';
import type { SupervisionNode } from '../runtime/supervision-tree';
import type { ProcessInfo, RecordPage } from '../stores/job-records';
import type { Activity, TimelineEntry } from './activity';
import type { ResolvedDashboardOptions } from './dashboard-options';
import { QuiError } from '../errors';
import type { QueueControl } from './queue-control';
import { recordTimeline } from './record-timeline';
import type { DashboardHost } from './dashboard-host';

/** Tracked heads checked against their records per render, at most (see `oldestWaitingAgeMs`). */
const MAX_HEAD_CHECKS = 8;
/** The record states in which a tracked job still counts as waiting. */
const STILL_WAITING: ReadonlySet<JobState> = new Set<JobState>(['waiting']);

/** One queue as the overview shows it. */
export interface QueueSummary {
  readonly name: string;
  readonly stats: QueueStats;
  /** Totals per state from the records, when the queue has them. */
  readonly counts: Readonly<Record<JobState, number>> | undefined;
  readonly paused: boolean | undefined;
  /** Workers of its pool: busy ones are those not parked waiting for a job. */
  readonly workers: { readonly busy: number; readonly total: number } | undefined;
  readonly oldestWaitingAgeMs: number | undefined;
  readonly series: { readonly completed: readonly number[]; readonly failed: readonly number[] };
  readonly hasRecords: boolean;
}

export interface QueueView {
  readonly summary: QueueSummary;
  readonly state: JobState;
  readonly page: RecordPage | undefined;
}

export interface JobView {
  readonly queue: string;
  readonly hasRecords: boolean;
  readonly record: JobRecord | undefined;
  /** The job's steps as its record tells them (see `recordTimeline`): the same in every process. */
  readonly timeline: readonly TimelineEntry[];
  /** The job's events this process saw since the dashboard started (the ring). */
  readonly seen: readonly TimelineEntry[];
}

export interface DeadView {
  readonly queues: readonly {
    readonly name: string;
    readonly dead: RecordPage;
    readonly lost: RecordPage;
    readonly counts: Readonly<Record<JobState, number>>;
  }[];
  /** Queues shown from stats only (no records to list). */
  readonly withoutRecords: readonly string[];
}

export interface ProcessRow extends ProcessInfo {
  readonly queue: string;
}

/**
 * Reads what a page shows, bounded: one stats call and at most one page of records per queue
 * and state shown. @internal
 */
export class ReadModel {
  constructor(
    private readonly system: DashboardHost,
    private readonly activity: Activity,
    private readonly options: ResolvedDashboardOptions,
  ) {}

  /** Per queue, whether it keeps records, once asked. */
  private readonly keepsRecords = new Map<string, boolean>();

  queues(): readonly string[] {
    return this.system.queues();
  }

  /**
   * Queue `queue`'s records, or `undefined` when it keeps none. The first call for a queue asks
   * its store once (`counts`): a queue defined with `retain: false` answers `ERR_RECORDS_OFF`,
   * and is shown from its stats from then on.
   */
  async control(queue: string): Promise<QueueControl | undefined> {
    if (!this.system.queues().includes(queue)) return undefined;
    if (this.options.records) return this.options.records(queue);
    const known = this.keepsRecords.get(queue);
    if (known === false) return undefined;
    const control = this.system.control(queue);
    if (known === undefined) {
      try {
        await control.counts();
      } catch (error) {
        if (!(error instanceof QuiError && error.code === 'ERR_RECORDS_OFF')) throw error;
        this.keepsRecords.set(queue, false);
        return undefined;
      }
      this.keepsRecords.set(queue, true);
    }
    return control;
  }

  async summary(name: string): Promise<QueueSummary> {
    const control = await this.control(name);
    const [stats, counts, paused, local, processes] = await Promise.all([
      this.system.stats(name),
      control?.counts(),
      control?.isPaused(),
      this.workers(name),
      control?.processes(),
    ]);
    return {
      name,
      stats,
      counts,
      paused,
      workers: this.allWorkers(
        local === undefined ? undefined : { busy: Math.max(0, local - stats.parkedPolls), total: local },
        processes ?? [],
      ),
      oldestWaitingAgeMs: await this.oldestWaitingAgeMs(name, control),
      series: this.activity.series(name),
      hasRecords: control !== undefined,
    };
  }

  /**
   * The oldest-waiting age from what this dashboard saw enqueued; with records, the tracked head is
   * checked against its record first, so a job removed or dequeued (no event says so) drops out.
   * At most a few reads per render: past them the age shown may be an over-estimate, never stale for long.
   */
  private async oldestWaitingAgeMs(
    name: string,
    control: QueueControl | undefined,
  ): Promise<number | undefined> {
    if (control !== undefined) {
      for (let checks = 0; checks < MAX_HEAD_CHECKS; checks++) {
        const head = this.activity.oldestWaiting(name);
        if (head === undefined) break;
        const record = await control.getJob(head.id);
        if (record !== undefined && STILL_WAITING.has(record.state)) break;
        this.activity.forgetWaiting(name, head.id);
      }
    }
    return this.activity.oldestWaitingAgeMs(name);
  }

  async overview(): Promise<QueueSummary[]> {
    return Promise.all(this.queues().map((q) => this.summary(q)));
  }

  async queue(name: string, state: JobState, cursor: string | undefined): Promise<QueueView> {
    const control = await this.control(name);
    const [summary, page] = await Promise.all([
      this.summary(name),
      control?.getJobs({ state, limit: this.options.pageSize, ...(cursor ? { cursor } : {}) }),
    ]);
    return { summary, state, page };
  }

  async job(queue: string, id: string): Promise<JobView> {
    const control = await this.control(queue);
    const record = await control?.getJob(id);
    return {
      queue,
      hasRecords: control !== undefined,
      record,
      timeline: record ? recordTimeline(record) : [],
      seen: this.activity.timelineOf(id),
    };
  }

  async dead(only: string | undefined): Promise<DeadView> {
    const names = only === undefined ? this.queues() : this.queues().filter((q) => q === only);
    const withoutRecords: string[] = [];
    const queues = [];
    for (const name of names) {
      const control = await this.control(name);
      if (!control) {
        withoutRecords.push(name);
        continue;
      }
      const limit = this.options.pageSize;
      const [dead, lost, counts] = await Promise.all([
        control.getJobs({ state: 'dead', limit }),
        control.getJobs({ state: 'lost', limit }),
        control.counts(),
      ]);
      queues.push({ name, dead, lost, counts });
    }
    return { queues, withoutRecords };
  }

  tree(): Promise<SupervisionNode | undefined> {
    return this.system.tree();
  }

  /** Every process sharing a queue's store, one row per queue and process. */
  async processes(): Promise<{ rows: ProcessRow[]; withoutRecords: string[] }> {
    const rows: ProcessRow[] = [];
    const withoutRecords: string[] = [];
    for (const queue of this.queues()) {
      const control = await this.control(queue);
      if (!control) {
        withoutRecords.push(queue);
        continue;
      }
      for (const p of await control.processes()) rows.push({ ...p, queue });
    }
    return { rows, withoutRecords };
  }

  now(): number {
    return this.system.clock.wallNow();
  }

  /**
   * The queue's workers in every live process: this process's own, counted now, plus what the
   * other processes sharing the store said in their last heartbeat (so `qui dashboard --redis`,
   * which runs none, shows the ones its processes page lists). Undefined when there are none.
   */
  private allWorkers(
    local: { busy: number; total: number } | undefined,
    processes: readonly ProcessInfo[],
  ): { busy: number; total: number } | undefined {
    const now = this.now();
    const others = processes.filter((p) => p.processId !== this.system.processId && p.expiresAtMs > now);
    const sum = { busy: local?.busy ?? 0, total: local?.total ?? 0 };
    for (const p of others) {
      sum.busy += p.workers.busy;
      sum.total += p.workers.total;
    }
    // Processes that run the queue without a pool (a dashboard, a producer) are not workers.
    return local === undefined && sum.total === 0 ? undefined : sum;
  }

  /** The running workers of queue `name`'s pool, or undefined when it has none. */
  private workers(name: string): Promise<number | undefined> {
    return this.system.workers(name);
  }
}
