/**
 * Heap per waiting job in the memory store, records off or on (issue 10's target: <= 400 B beyond
 * the payload with records on). The jobs are built first, so their own bytes (the payload) are in
 * the baseline; what is measured is what the store adds per job. Needs `--expose-gc`.
 */
import { newJobId } from '../../src/ids';
import type { Job } from '../../src/jobs/job';
import { DEFAULT_RETENTION } from '../../src/jobs/job-retention';
import { memoryStore } from '../../src/stores/memory-store';

export function measureRecordHeap(n: number, records: boolean): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  const jobs: Job[] = Array.from({ length: n }, () => ({
    id: newJobId(),
    queue: 'heap',
    task: { task: 'noop', params: { n: 1 } },
    priority: 'low',
    maxRetries: 3,
    retryDelayMs: 100,
    backoff: { type: 'fixed' },
    timeoutMs: 60_000,
    attempts: 0,
    enqueuedAtMs: 0,
  }));
  const config = {
    queue: 'heap',
    priorities: ['low'],
    ...(records ? { records: { processId: 'p', retention: DEFAULT_RETENTION } } : {}),
  };
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = memoryStore().create(config);
  for (const job of jobs) store.add(job, 0);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (store.size() !== n) throw new Error('lost jobs');
  return (after - before) / n;
}
