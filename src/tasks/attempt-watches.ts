import type { Job } from '../jobs/job';
import type { AttemptSpan } from './run-attempt';

/**
 * Watches attempts (metrics, tracing). Each worker incarnation calls `watch` once, before its
 * first attempt (or its first since the hook was added), and keeps the watch until it stops: a
 * hook holds what it knows of a worker in the watch, with no lookup by worker per job. Not
 * exported from the package entry.
 */
export interface AttemptHook {
  watch(worker: string, queue: string): AttemptWatch;
}

/** One worker incarnation as a hook sees it. */
export interface AttemptWatch {
  /**
   * Called once per attempt, before the processor; the span gets the outcome once known. Metrics
   * hand back the watch itself, so watching allocates nothing per job. `startedAtMs`: the
   * wall-clock ms the queue took the job from its store (as its record's `startedAtMs`), a read
   * the queue makes anyway.
   */
  start(job: Job, attempt: number, startedAtMs: number): AttemptSpan;
  /** The worker incarnation ended (stopped, killed or crashed), or the hook was removed. */
  close(): void;
}

/** The span of every watch for one attempt, as one (a single watch's own span when there is one). */
export function startSpans(
  watches: readonly AttemptWatch[],
  job: Job,
  attempt: number,
  startedAtMs: number,
): AttemptSpan | undefined {
  if (watches.length === 0) return undefined;
  if (watches.length === 1) return (watches[0] as AttemptWatch).start(job, attempt, startedAtMs);
  const spans = watches.map((watch) => watch.start(job, attempt, startedAtMs));
  const runner = spans.find((span) => span.run !== undefined);
  return {
    run: runner?.run
      ? (processor, j, ctx) => (runner.run as NonNullable<AttemptSpan['run']>)(processor, j, ctx)
      : undefined,
    end: (outcome, endedAtMs) => {
      for (const span of spans) span.end(outcome, endedAtMs);
    },
  };
}

/**
 * One worker incarnation's watches, kept in step with its queue's hooks: the list is compared by
 * identity per attempt (hooks are added and removed by replacing it), and only a change opens or
 * closes watches. @internal
 */
export class WorkerWatches {
  private hooks: readonly AttemptHook[] = [];
  private watches: readonly AttemptWatch[] = [];
  private closed = false;

  constructor(
    private readonly worker: string,
    private readonly queue: string,
  ) {}

  /** The span of one attempt, `hooks` being the queue's hooks now; undefined without hooks. */
  start(
    hooks: readonly AttemptHook[],
    job: Job,
    attempt: number,
    startedAtMs: number,
  ): AttemptSpan | undefined {
    if (hooks !== this.hooks) this.follow(hooks);
    return startSpans(this.watches, job, attempt, startedAtMs);
  }

  /** Closes every watch: the incarnation is over. Later attempts (none are expected) go unwatched. */
  close(): void {
    this.closed = true;
    this.follow([]);
  }

  private follow(hooks: readonly AttemptHook[]): void {
    if (this.closed) hooks = [];
    const next = hooks.map((hook) => {
      const i = this.hooks.indexOf(hook);
      return i >= 0 ? (this.watches[i] as AttemptWatch) : hook.watch(this.worker, this.queue);
    });
    this.hooks.forEach((hook, i) => {
      if (!hooks.includes(hook)) (this.watches[i] as AttemptWatch).close();
    });
    this.hooks = hooks;
    this.watches = next;
  }
}
