/**
 * Isolated workers (issue 12): CPU-bound jobs on threads vs in process, no-op jobs through thread
 * workers beside in-process Qui and BullMQ's sandboxed processors, the kill of a stuck processor
 * at its timeout, and the main thread's event-loop delay while threads do the CPU work.
 */
import { ratioCheck, valueCheck, type RunSpec, type Scenario } from '../lib/scenario';

function sizes(quick: boolean): { cpuJobs: number; noopJobs: number; stuck: number; reps: number } {
  return quick
    ? { cpuJobs: 20, noopJobs: 500, stuck: 5, reps: 1 }
    : { cpuJobs: 200, noopJobs: 10_000, stuck: 30, reps: 3 };
}

const HASH_MS = 20;
const STUCK_TIMEOUT_MS = 250;
const QUI = 'contenders/qui-isolation.ts';

export const isolation: Scenario = {
  name: 'isolation',
  title: 'isolated workers (threads)',
  workload(quick) {
    const s = sizes(quick);
    return `cpu: ${s.cpuJobs} jobs of ~${HASH_MS} ms SHA-256 hashing on 2 Qui workers, in threads (standby off) vs in process (jobs/s, and the main thread's event-loop delay p99 by perf_hooks.monitorEventLoopDelay while they run). noop: ${s.noopJobs.toLocaleString('en-US')} no-op jobs on 2 and 10 workers: Qui thread workers (standby off), Qui in process, BullMQ sandboxed processors (useWorkerThreads, local Redis, warmed up). timeout: ${s.stuck} times, one job stuck in while (true) {} with timeoutMs ${STUCK_TIMEOUT_MS} then one more job, 300 ms apart, on one thread worker (standby thread on, kill grace 50 ms): from each deadline to the next job starting in the fresh thread, timed inside the threads.`;
  },
  metrics: [
    { key: 'jobsPerSec', unit: 'jobs/s' },
    { key: 'loopDelayP99Ms', unit: 'ms' },
    { key: 'killToNextP50Ms', unit: 'ms' },
    { key: 'killToNextP99Ms', unit: 'ms' },
  ],
  runs(quick) {
    const s = sizes(quick);
    const reps = s.reps;
    const runs: RunSpec[] = [
      {
        contender: 'qui-thread',
        label: 'cpu, 2 workers',
        file: QUI,
        reps,
        params: { workload: 'cpu', isolation: 'thread', workers: 2, jobs: s.cpuJobs, hashMs: HASH_MS },
      },
      {
        contender: 'qui',
        label: 'cpu, 2 workers',
        file: QUI,
        reps,
        params: { workload: 'cpu', workers: 2, jobs: s.cpuJobs, hashMs: HASH_MS },
      },
    ];
    for (const workers of [2, 10]) {
      const label = `noop, ${workers} workers`;
      const params = { workload: 'noop', workers, jobs: s.noopJobs };
      runs.push(
        { contender: 'qui-thread', label, file: QUI, reps, params: { ...params, isolation: 'thread' } },
        { contender: 'qui', label, file: QUI, reps, params },
        {
          contender: 'bullmq-sandboxed',
          label,
          file: 'contenders/bullmq-sandboxed.ts',
          reps,
          params: { workers, jobs: s.noopJobs },
        },
      );
    }
    runs.push({
      contender: 'qui-thread',
      label: 'timeout kill',
      file: QUI,
      reps,
      params: {
        workload: 'timeout',
        isolation: 'thread',
        workers: 1,
        jobs: s.stuck,
        timeoutMs: STUCK_TIMEOUT_MS,
      },
    });
    return runs;
  },
  checks(results) {
    return [
      ratioCheck(
        results,
        'CPU-bound: 2 thread workers / 2 in process',
        ['qui-thread', 'cpu, 2 workers', 'jobsPerSec'],
        ['qui', 'cpu, 2 workers', 'jobsPerSec'],
        '>=',
        1.7,
      ),
      ...[2, 10].map((n) =>
        ratioCheck(
          results,
          `no-op: ${n} thread workers / BullMQ sandboxed`,
          ['qui-thread', `noop, ${n} workers`, 'jobsPerSec'],
          ['bullmq-sandboxed', `noop, ${n} workers`, 'jobsPerSec'],
          '>=',
          2,
        ),
      ),
      ...[2, 10].map((n) =>
        ratioCheck(
          results,
          `no-op: ${n} thread workers / in process (informational)`,
          ['qui-thread', `noop, ${n} workers`, 'jobsPerSec'],
          ['qui', `noop, ${n} workers`, 'jobsPerSec'],
        ),
      ),
      valueCheck(
        results,
        'timeout kill: deadline to next job, p99 (median run; the worst is in the table)',
        ['qui-thread', 'timeout kill', 'killToNextP99Ms'],
        'ms',
        '<=',
        100,
      ),
      valueCheck(
        results,
        'event-loop delay p99, CPU work on threads',
        ['qui-thread', 'cpu, 2 workers', 'loopDelayP99Ms'],
        'ms',
        '<=',
        20,
      ),
      ratioCheck(
        results,
        'event-loop delay p99: in process / threads (informational)',
        ['qui', 'cpu, 2 workers', 'loopDelayP99Ms'],
        ['qui-thread', 'cpu, 2 workers', 'loopDelayP99Ms'],
      ),
    ];
  },
};
