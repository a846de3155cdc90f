import { recordTimeline } from '../../../src/dashboard/record-timeline';
import type { JobRecord } from '../../../src/jobs/job-record';
import { waitingRecord } from '../../../src/queue/shared-events';
import { jobFixture } from '../../helpers/job-fixture';

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const boom = { name: 'Error', message: 'boom' };

/** A record of job-1, enqueued at T0, with `fields` as a store would have written them. */
function record(fields: Partial<{ -readonly [K in keyof JobRecord]: JobRecord[K] }>): JobRecord {
  return { ...waitingRecord(jobFixture({ enqueuedAtMs: T0 })), ...fields };
}

const ran = { attempts: 1, startedAtMs: T0 + 10, worker: 'root/q/workers/w1', processId: 'p1' };

describe("a job's timeline from its record", () => {
  it.each<[string, Partial<JobRecord>, [number | undefined, string, string | undefined][]]>([
    ['waiting', {}, [[T0, 'enqueued', undefined]]],
    ['delayed', { state: 'delayed', runAtMs: T0 + 60_000 }, [[T0, 'enqueued', 'due 2026-12-01 08:01:00']]],
    [
      'active, on its first attempt (the worker is named when an attempt ends)',
      { state: 'active', attempts: 1, startedAtMs: T0 + 10, worker: undefined },
      [
        [T0, 'enqueued', undefined],
        [T0 + 10, 'started', 'attempt 1'],
      ],
    ],
    [
      "active on a later attempt: the error is the previous attempt's, the worker too",
      { ...ran, state: 'active', attempts: 3, error: boom },
      [
        [T0, 'enqueued', undefined],
        [undefined, 'retried', 'after 2 earlier attempts, not kept in the record; the last failed: boom'],
        [T0 + 10, 'started', 'attempt 3'],
      ],
    ],
    [
      'failed, its retry stored',
      { ...ran, state: 'failed', error: boom, runAtMs: T0 + 200 },
      [
        [T0, 'enqueued', undefined],
        [T0 + 10, 'started', 'attempt 1 on root/q/workers/w1'],
        [undefined, 'failed', 'boom'],
        [T0 + 200, 'retrying', 'attempt 2'],
      ],
    ],
    [
      'completed',
      { ...ran, state: 'completed', finishedAtMs: T0 + 20 },
      [
        [T0, 'enqueued', undefined],
        [T0 + 10, 'started', 'attempt 1 on root/q/workers/w1'],
        [T0 + 20, 'completed', undefined],
      ],
    ],
    [
      'dead after two attempts',
      { ...ran, attempts: 2, state: 'dead', error: boom, finishedAtMs: T0 + 20 },
      [
        [T0, 'enqueued', undefined],
        [undefined, 'retried', 'after 1 earlier attempt, not kept in the record'],
        [T0 + 10, 'started', 'attempt 2 on root/q/workers/w1'],
        [T0 + 20, 'dead', 'after 2 attempts: boom'],
      ],
    ],
    [
      'waiting again after retryJob on a dead job',
      { ...ran, state: 'waiting', error: boom },
      [
        [T0, 'enqueued', undefined],
        [T0 + 10, 'started', 'attempt 1 on root/q/workers/w1'],
        [undefined, 'failed', 'boom'],
        [undefined, 'retried', 'attempt 2'],
      ],
    ],
    [
      'cancelled after a failed attempt (the trial: retried, then cancelled from other processes)',
      { ...ran, state: 'cancelled', error: boom, finishedAtMs: T0 + 30, reason: 'not needed' },
      [
        [T0, 'enqueued', undefined],
        [T0 + 10, 'started', 'attempt 1 on root/q/workers/w1'],
        [undefined, 'failed', 'boom'],
        [T0 + 30, 'cancelled', 'not needed'],
      ],
    ],
    [
      'cancelled before it ran',
      { state: 'cancelled', finishedAtMs: T0 + 5, reason: undefined },
      [
        [T0, 'enqueued', undefined],
        [T0 + 5, 'cancelled', undefined],
      ],
    ],
    [
      'lost when its process went',
      { ...ran, state: 'lost', finishedAtMs: T0 + 40, reason: 'process-gone' },
      [
        [T0, 'enqueued', undefined],
        [T0 + 10, 'started', 'attempt 1 on root/q/workers/w1'],
        [T0 + 40, 'lost', 'process-gone'],
      ],
    ],
    [
      'active on attempt 4: the two earlier attempts its history keeps are listed, the one it let go counted',
      {
        ...ran,
        state: 'active',
        attempts: 4,
        startedAtMs: T0 + 50,
        error: boom,
        history: {
          failed: [
            {
              attempt: 2,
              error: { name: 'Error', message: 'two' },
              startedAtMs: T0 + 20,
              finishedAtMs: T0 + 21,
            },
            { attempt: 3, error: boom, startedAtMs: T0 + 30, finishedAtMs: T0 + 31 },
          ],
          dropped: 1,
        },
      },
      [
        [T0, 'enqueued', undefined],
        [undefined, 'retried', 'after 1 earlier attempt, not kept in the record'],
        [T0 + 20, 'started', 'attempt 2'],
        [T0 + 21, 'failed', 'two'],
        [T0 + 30, 'started', 'attempt 3'],
        [T0 + 31, 'failed', 'boom'],
        [T0 + 50, 'started', 'attempt 4'],
      ],
    ],
    [
      'failed, its retry stored with the attempt in its history: the failure has its time',
      {
        ...ran,
        state: 'failed',
        error: boom,
        runAtMs: T0 + 200,
        history: {
          failed: [{ attempt: 1, error: boom, startedAtMs: T0 + 10, finishedAtMs: T0 + 15 }],
          dropped: 0,
        },
      },
      [
        [T0, 'enqueued', undefined],
        [T0 + 10, 'started', 'attempt 1 on root/q/workers/w1'],
        [T0 + 15, 'failed', 'boom'],
        [T0 + 200, 'retrying', 'attempt 2'],
      ],
    ],
    [
      'a corrupt record whose body did not say when it was enqueued (stand-in 0): no 1970 date',
      { state: 'waiting', enqueuedAtMs: 0, corrupt: { reason: 'body: a stored job is not valid JSON' } },
      [[undefined, 'enqueued', undefined]],
    ],
  ])('%s', (_name, fields, expected) => {
    const entries = recordTimeline(record(fields));
    expect(entries.map((e) => [e.atMs, e.type, e.detail])).toEqual(expected);
  });
});
