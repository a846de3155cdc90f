import fc from 'fast-check';
import type { QuiError } from '../../src/errors';
import type { Job } from '../../src/jobs/job';
import type { JobState } from '../../src/jobs/job-record';
import type { ResolvedRetention } from '../../src/jobs/job-retention';
import type { MemoryJobRecords } from '../../src/stores/memory-records';
import { memoryStore } from '../../src/stores/memory-store';
import { makeJob } from '../contracts/job-store.contract';

const KEEP_ALL = { maxAgeMs: Infinity, maxCount: Infinity };
const RETENTION: ResolvedRetention = {
  completed: KEEP_ALL,
  dead: KEEP_ALL,
  lost: KEEP_ALL,
  cancelled: KEEP_ALL,
};
const STORED: ReadonlySet<JobState> = new Set(['waiting', 'delayed', 'failed']);

type Op =
  | { readonly type: 'add'; readonly high: boolean; readonly delayMs: number }
  /** Adds a new job object under an id already used: the store replaces that record. */
  | { readonly type: 'readd'; readonly pick: number; readonly delayMs: number }
  | { readonly type: 'take'; readonly advanceMs: number }
  | {
      readonly type: 'finish';
      readonly pick: number;
      readonly end: 'completed' | 'dead' | 'lost' | 'cancelled';
    }
  | { readonly type: 'retryLater'; readonly pick: number; readonly delayMs: number }
  | { readonly type: 'cancel' | 'remove' | 'retry'; readonly pick: number };

const pick = fc.nat(1_000);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('add' as const), high: fc.boolean(), delayMs: fc.constantFrom(0, 0, 5, 20) }),
  fc.record({ type: fc.constant('readd' as const), pick, delayMs: fc.constantFrom(0, 5) }),
  fc.record({ type: fc.constant('take' as const), advanceMs: fc.constantFrom(0, 1, 10) }),
  fc.record({
    type: fc.constant('finish' as const),
    pick,
    end: fc.constantFrom('completed' as const, 'dead' as const, 'lost' as const, 'cancelled' as const),
  }),
  fc.record({ type: fc.constant('retryLater' as const), pick, delayMs: fc.constantFrom(0, 5) }),
  fc.record({ type: fc.constantFrom('cancel' as const, 'remove' as const, 'retry' as const), pick }),
);

/** `delayed` and `waiting` differ only by when the store promotes: the model does not track that. */
const due = (state: JobState): JobState => (state === 'delayed' ? 'waiting' : state);

describe('memory store records, against a model', () => {
  it('keep every record in its job state, the counts and the size true, and never hand out a job twice or a dropped one', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 80, size: 'max' }), (ops) => {
        const store = memoryStore().create({
          queue: 'm',
          priorities: ['high', 'low'],
          records: { processId: 'p', retention: RETENTION },
        });
        const records = store.records as MemoryJobRecords;
        const model = new Map<string, JobState>();
        const jobs = new Map<string, Job>();
        const madeByStore = new Set<string>();
        let now = 0;
        const choose = (n: number): string | undefined => {
          const ids = [...model.keys()];
          return ids.length === 0 ? undefined : ids[n % ids.length];
        };
        const refused = (call: () => unknown, code: string): void => {
          expect(call).toThrow(expect.objectContaining({ code }) as QuiError);
        };
        for (const o of ops) {
          switch (o.type) {
            case 'add': {
              const job = makeJob('m', { priority: o.high ? 'high' : 'low', runAtMs: now + o.delayMs });
              store.add(job, now);
              model.set(job.id, 'waiting');
              jobs.set(job.id, job);
              break;
            }
            case 'readd': {
              const id = choose(o.pick);
              if (id === undefined) break;
              const job = { ...(jobs.get(id) as Job), runAtMs: now + o.delayMs };
              store.add(job, now);
              model.set(id, 'waiting');
              jobs.set(id, job);
              madeByStore.delete(id);
              break;
            }
            case 'take': {
              now += o.advanceMs;
              const job = store.take(now);
              if (job === undefined) {
                for (const [id, state] of model) {
                  if (STORED.has(state)) expect((jobs.get(id)?.runAtMs ?? 0) > now).toBe(true);
                }
              } else {
                expect(STORED.has(model.get(job.id) as JobState)).toBe(true);
                // The job as last stored under its id, never one it replaced.
                if (!madeByStore.delete(job.id)) expect(job).toBe(jobs.get(job.id));
                expect(job.runAtMs ?? 0).toBeLessThanOrEqual(now);
                model.set(job.id, 'active');
                jobs.set(job.id, job);
              }
              break;
            }
            case 'finish': {
              const id = choose(o.pick);
              if (id === undefined) break;
              const end =
                o.end === 'completed'
                  ? { state: o.end, result: '1', error: undefined, worker: undefined }
                  : o.end === 'dead'
                    ? { state: o.end, error: { name: 'Error', message: 'x' }, worker: undefined }
                    : o.end === 'lost'
                      ? { state: o.end, reason: 'r', error: undefined, worker: undefined }
                      : { state: o.end, reason: undefined, worker: undefined };
              const applied = records.finish(id, end, now);
              expect(applied).toBe(model.get(id) === 'active');
              if (applied) model.set(id, o.end);
              break;
            }
            case 'retryLater': {
              const id = choose(o.pick);
              if (id === undefined) break;
              const job = jobs.get(id) as Job;
              const retry = { ...job, attempts: job.attempts + 1, runAtMs: now + o.delayMs };
              const applied = records.retryLater(retry, { name: 'Error', message: 'x' }, undefined, now);
              expect(applied).toBe(model.get(id) === 'active');
              if (applied) {
                model.set(id, 'failed');
                jobs.set(id, retry);
              }
              break;
            }
            case 'cancel': {
              const id = choose(o.pick);
              if (id === undefined) break;
              const state = model.get(id) as JobState;
              if (STORED.has(state)) {
                expect(records.cancel(id, undefined, now).state).toBe('cancelled');
                model.set(id, 'cancelled');
              } else if (state === 'active') {
                expect(records.cancel(id, undefined, now).state).toBe('active');
              } else refused(() => records.cancel(id, undefined, now), 'ERR_JOB_STATE');
              break;
            }
            case 'remove': {
              const id = choose(o.pick);
              if (id === undefined) break;
              if (model.get(id) === 'active') refused(() => records.remove(id), 'ERR_JOB_STATE');
              else {
                expect(records.remove(id)).toBe(true);
                model.delete(id);
              }
              break;
            }
            case 'retry': {
              const id = choose(o.pick);
              if (id === undefined) break;
              const state = model.get(id) as JobState;
              if (state === 'dead' || state === 'lost') {
                records.retry(id, now);
                model.set(id, 'waiting');
                // The store made the retried job itself: the model no longer holds that object.
                jobs.set(id, { ...(jobs.get(id) as Job), runAtMs: undefined });
                madeByStore.add(id);
              } else refused(() => records.retry(id, now), 'ERR_JOB_STATE');
              break;
            }
          }
          // After every step: each record in its model state, totals and the store's size agree.
          const expected: Record<string, number> = {};
          for (const [id, state] of model) {
            expect(due(records.get(id)?.state as JobState)).toBe(state);
            expected[state] = (expected[state] ?? 0) + 1;
          }
          const counts = records.counts();
          const merged: Record<string, number> = {};
          for (const [state, n] of Object.entries(counts))
            if (n > 0) merged[due(state as JobState)] = (merged[due(state as JobState)] ?? 0) + n;
          expect(merged).toEqual(expected);
          const size = [...model.values()].filter((s) => STORED.has(s)).length;
          expect(store.size()).toBe(size);
          const held = store.counts(now);
          expect((held.waiting.high ?? 0) + (held.waiting.low ?? 0) + held.delayed).toBe(size);
        }
        // Draining hands out exactly the jobs still stored, each once.
        const drained = store.takeMany(10_000, Infinity).map((j) => j.id);
        const stored = [...model].filter(([, s]) => STORED.has(s)).map(([id]) => id);
        expect(new Set(drained).size).toBe(drained.length);
        expect(drained.sort()).toEqual(stored.sort());
        expect(store.size()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
