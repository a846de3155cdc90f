import type { Job } from '../../src/jobs/job';
import type { JobState } from '../../src/jobs/job-record';
import { DEFAULT_RETENTION, type ResolvedRetention } from '../../src/jobs/job-retention';
import type { JobRecords } from '../../src/stores/job-records';
import type { JobStore, JobStoreFactory } from '../../src/stores/job-store';

/** What sets a store apart in the records suite. */
export interface RecordsTraits {
  /** Two instances of one queue (two processes) share its records. */
  readonly shared: boolean;
  /** Set while the store does not implement records yet: the suite is skipped, this says who will. */
  readonly pending?: string;
}

/** A store with records, and what the suite does with it. @internal */
export interface RecordsHarness {
  /** A store of this test's queue, keeping records as `processId`, with `retention` (defaults otherwise). */
  open(options?: {
    processId?: string;
    retention?: ResolvedRetention;
  }): Promise<JobStore & { records: JobRecords }>;
  /** A store of this test's queue without records. */
  openPlain(): Promise<JobStore>;
  job(overrides?: Partial<Job>): Job;
  /** Counts with the given states set, every other 0. */
  counts(partial: Partial<Record<JobState, number>>): Record<JobState, number>;
  readonly traits: RecordsTraits;
}

export const PROCESS = 'p1';
/** Retention with the given rules replaced. */
export function retention(rules: Partial<ResolvedRetention>): ResolvedRetention {
  return { ...DEFAULT_RETENTION, ...rules };
}

/** `factory`, its stores made with records on (default retention, process {@link PROCESS}). */
export function withRecords(factory: JobStoreFactory): JobStoreFactory {
  return {
    kind: factory.kind,
    serializes: factory.serializes,
    create: (config) =>
      factory.create({ ...config, records: { processId: PROCESS, retention: DEFAULT_RETENTION } }),
  };
}
