import { asJobId } from '../../src/ids';
import type { Job } from '../../src/jobs/job';

/** A valid job for tests that need one without a queue: the defaults of the original, a 1 s timeout. */
export function jobFixture(fields: Partial<Job> = {}): Job {
  return {
    id: asJobId('job-1'),
    queue: 'q',
    task: { n: 1 },
    priority: 'low',
    maxRetries: 3,
    retryDelayMs: 100,
    backoff: { type: 'fixed' },
    timeoutMs: 1_000,
    attempts: 0,
    enqueuedAtMs: 0,
    ...fields,
  };
}
