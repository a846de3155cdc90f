import { InvalidOptionsError, QuiError } from '../../src/errors';
import { newJobId } from '../../src/ids';
import type { Job } from '../../src/jobs/job';
import type { JobStore, JobStoreFactory } from '../../src/stores/job-store';

/** What sets a store apart in the conformance suite. */
export interface StoreTraits {
  /** Jobs survive `close()` and a new `create()` of the same queue. */
  readonly durable: boolean;
  /** Two instances of one queue (two processes, say) share its jobs. */
  readonly shared: boolean;
}

const PRIORITIES = ['high', 'normal', 'low'] as const;
let queueCounter = 0;

/** A valid job for `queue`; fields can be overridden. */
export function makeJob(queue: string, overrides: Partial<Job> = {}): Job {
  return {
    id: newJobId(),
    queue,
    task: { task: 'noop', params: { n: 1 } },
    priority: 'low',
    maxRetries: 3,
    retryDelayMs: 100,
    backoff: { type: 'fixed' },
    timeoutMs: 60_000,
    attempts: 0,
    enqueuedAtMs: 1_000,
    ...overrides,
  };
}

/**
 * The conformance suite every {@link JobStore} passes. `makeFactory` is called once per test;
 * `cleanup` runs after all tests (remove files, keys). Time is driven by explicit `nowMs`.
 */
export function describeJobStoreContract(
  name: string,
  makeFactory: () => JobStoreFactory,
  cleanup: () => Promise<void> | void,
  traits: StoreTraits,
): void {
  describe(`${name} store contract`, () => {
    let factory: JobStoreFactory;
    let queue: string;
    const open: JobStore[] = [];

    const create = async (q = queue): Promise<JobStore> => {
      const store = await factory.create({ queue: q, priorities: PRIORITIES });
      open.push(store);
      return store;
    };
    const takeAll = async (store: JobStore, nowMs: number): Promise<Job[]> => {
      const out: Job[] = [];
      for (let job = await store.take(nowMs); job !== undefined; job = await store.take(nowMs)) out.push(job);
      return out;
    };
    const job = (overrides: Partial<Job> = {}) => makeJob(queue, overrides);
    const ids = (jobs: readonly Job[]) => jobs.map((j) => j.id);

    beforeEach(() => {
      factory = makeFactory();
      queue = `q${++queueCounter}`;
    });
    afterEach(async () => {
      for (const store of open.splice(0)) {
        try {
          await store.close();
        } catch {
          // closed by the test already
        }
      }
    });
    afterAll(async () => {
      await cleanup();
    });

    it('hands out every higher-priority job before any lower one, FIFO within a priority', async () => {
      const store = await create();
      const a = job({ priority: 'low' });
      const b = job({ priority: 'high' });
      const c = job({ priority: 'low' });
      const d = job({ priority: 'high' });
      const e = job({ priority: 'normal' });
      for (const j of [a, b, c, d, e]) await store.add(j, 0);
      expect(ids(await takeAll(store, 0))).toEqual(ids([b, d, e, a, c]));
      expect(await store.take(0)).toBeUndefined();
    });

    it('returns jobs field for field, an Infinity timeout included', async () => {
      const store = await create();
      const original = job({ timeoutMs: Infinity, attempts: 2, task: { deep: [1, 'two', { three: null }] } });
      await store.add(original, 0);
      expect(await store.take(0)).toEqual(original);
    });

    it('stores addMany jobs in the given order', async () => {
      const store = await create();
      const jobs = [job(), job({ priority: 'high' }), job(), job({ runAtMs: 50 }), job()];
      await store.addMany(jobs, 0);
      expect(await store.size()).toBe(5);
      expect(ids(await takeAll(store, 100))).toEqual(ids([jobs[1]!, jobs[0]!, jobs[2]!, jobs[4]!, jobs[3]!]));
    });

    it('keeps a job delayed until its runAtMs, then hands it out', async () => {
      const store = await create();
      const delayed = job({ runAtMs: 100 });
      await store.add(delayed, 0);
      expect(await store.take(99)).toBeUndefined();
      expect(await store.nextDueAtMs()).toBe(100);
      expect(await store.take(100)).toEqual(delayed);
      expect(await store.nextDueAtMs()).toBeUndefined();
    });

    it('treats a runAtMs at or before now as due at once', async () => {
      const store = await create();
      const now = job({ runAtMs: 10 });
      const past = job({ runAtMs: 5 });
      await store.add(now, 10);
      await store.add(past, 10);
      expect(await store.nextDueAtMs()).toBeUndefined();
      expect(ids(await takeAll(store, 10))).toEqual(ids([now, past]));
    });

    it('moves due jobs to the tail of their priority by due time, then insertion order', async () => {
      const store = await create();
      const waiting = job();
      const late = job({ runAtMs: 30 });
      const early1 = job({ runAtMs: 10 });
      const early2 = job({ runAtMs: 10 });
      const highLate = job({ priority: 'high', runAtMs: 20 });
      for (const j of [waiting, late, early1, early2, highLate]) await store.add(j, 0);
      expect(ids(await takeAll(store, 5))).toEqual(ids([waiting]));
      expect(await store.nextDueAtMs()).toBe(10);
      const first = await store.take(50);
      await store.add(job({ id: 'after' as Job['id'] }), 50);
      expect(ids([first!, ...(await takeAll(store, 50))])).toEqual([
        highLate.id,
        early1.id,
        early2.id,
        late.id,
        'after',
      ]);
    });

    it('makes a retried job due after its delay, attempts kept', async () => {
      const store = await create();
      const original = job();
      await store.add(original, 0);
      const taken = (await store.take(0))!;
      const retry: Job = { ...taken, attempts: taken.attempts + 1, runAtMs: 200 };
      await store.add(retry, 100);
      expect(await store.take(199)).toBeUndefined();
      expect(await store.take(200)).toEqual(retry);
    });

    it('counts due jobs per priority and delayed jobs, as of nowMs, without handing any out', async () => {
      const store = await create();
      expect(await store.counts(0)).toEqual({ waiting: { high: 0, normal: 0, low: 0 }, delayed: 0 });
      expect(await store.size()).toBe(0);
      await store.addMany(
        [job({ priority: 'high' }), job(), job(), job({ runAtMs: 10 }), job({ runAtMs: 20 })],
        0,
      );
      expect(await store.counts(0)).toEqual({ waiting: { high: 1, normal: 0, low: 2 }, delayed: 2 });
      expect(await store.counts(15)).toEqual({ waiting: { high: 1, normal: 0, low: 3 }, delayed: 1 });
      expect(await store.size()).toBe(5);
      await store.take(0);
      expect(await store.size()).toBe(4);
    });

    it('rejects a job whose priority the queue does not declare, and stores nothing', async () => {
      const store = await create();
      const bad = job({ priority: 'medium' });
      await expect(async () => store.add(bad, 0)).rejects.toMatchObject({ code: 'ERR_STORE' });
      await expect(async () => store.addMany([job(), bad], 0)).rejects.toBeInstanceOf(QuiError);
      await expect(async () => store.add(job({ priority: 'medium', runAtMs: 99 }), 0)).rejects.toThrow(
        /medium/,
      );
      expect(await store.size()).toBe(0);
    });

    if (serializes(makeFactory)) {
      it('rejects a function backoff with an error naming backoff, and stores nothing', async () => {
        const store = await create();
        const bad = job({ backoff: () => 5 });
        await expect(async () => store.add(bad, 0)).rejects.toBeInstanceOf(InvalidOptionsError);
        await expect(async () => store.addMany([job(), bad], 0)).rejects.toMatchObject({ path: 'backoff' });
        expect(await store.size()).toBe(0);
      });
    } else {
      it('keeps a function backoff as it is', async () => {
        const store = await create();
        const backoff = (attempt: number) => attempt * 10;
        await store.add(job({ backoff }), 0);
        expect((await store.take(0))?.backoff).toBe(backoff);
      });
    }

    it.each([
      [{ priorities: [] }, 'priorities'],
      [{ priorities: 'high' }, 'priorities'],
      [{ priorities: ['high', 'high'] }, 'priorities[1]'],
      [{ priorities: ['high', ''] }, 'priorities[1]'],
      [{ queue: '' }, 'queue'],
    ])('rejects the config %j, naming %s', async (override, path) => {
      const config = { queue, priorities: PRIORITIES, ...override } as never;
      await expect(async () => factory.create(config)).rejects.toMatchObject({ path });
    });

    it('never hands one job out twice to concurrent takes', async () => {
      const a = await create();
      const b = traits.shared ? await create() : a;
      const jobs = Array.from({ length: 300 }, (_, i) => job({ priority: PRIORITIES[i % 3]! }));
      await a.addMany(jobs.slice(0, 150), 0);
      await b.addMany(jobs.slice(150), 0);
      const takes = Array.from({ length: 400 }, (_, i) => Promise.resolve((i % 2 === 0 ? a : b).take(0)));
      const got = (await Promise.all(takes)).filter((j): j is Job => j !== undefined);
      expect(got).toHaveLength(300);
      expect(new Set(ids(got)).size).toBe(300);
    });

    it('keeps queues apart in one backend', async () => {
      const one = await create();
      const other = await create(`${queue}-other`);
      await one.add(job(), 0);
      expect(await other.take(0)).toBeUndefined();
      expect(await other.size()).toBe(0);
      expect(await one.size()).toBe(1);
    });

    it(
      traits.durable
        ? 'keeps jobs and their order across close and reopen'
        : 'starts empty after close and reopen',
      async () => {
        const store = await create();
        const jobs = [
          job(),
          job({ priority: 'high' }),
          job({ runAtMs: 100 }),
          job(),
          job({ priority: 'high' }),
        ];
        await store.addMany(jobs, 0);
        await store.take(0);
        await store.close();
        const reopened = await create();
        if (traits.durable) {
          expect(await reopened.nextDueAtMs()).toBe(100);
          expect(ids(await takeAll(reopened, 100))).toEqual(ids([jobs[4]!, jobs[0]!, jobs[3]!, jobs[2]!]));
        } else {
          expect(await reopened.size()).toBe(0);
        }
      },
    );

    if (traits.durable) {
      it('hands out by the priorities declared at reopen, FIFO kept within each', async () => {
        const store = await create();
        const jobs = [
          job(),
          job({ priority: 'high' }),
          job(),
          job({ priority: 'normal' }),
          job({ priority: 'high' }),
        ];
        await store.addMany(jobs, 0);
        await store.close();
        const reordered = await factory.create({ queue, priorities: ['low', 'high', 'normal'] });
        open.push(reordered);
        expect(ids(await takeAll(reordered, 0))).toEqual(
          ids([jobs[0]!, jobs[2]!, jobs[1]!, jobs[4]!, jobs[3]!]),
        );
      });
    }

    if (traits.shared) {
      it('promotes a delayed job stored through another instance of the queue once it is due', async () => {
        const a = await create();
        const b = await create();
        const later = job({ runAtMs: 50 });
        await b.add(job(), 0);
        await a.add(later, 0);
        const first = await b.take(10);
        expect(await b.take(10)).toBeUndefined();
        expect(await b.nextDueAtMs()).toBe(50);
        expect(await b.take(50)).toEqual(later);
        expect(first).toBeDefined();
      });
    }

    describe('takeMany', () => {
      const many = async (store: JobStore, n: number, nowMs: number): Promise<Job[]> => {
        if (store.takeMany === undefined) throw new Error('store has no takeMany');
        return store.takeMany(n, nowMs);
      };
      it('hands out up to n due jobs in the order n takes would, delayed ones promoted', async () => {
        const store = await create();
        if (store.takeMany === undefined) return; // optional
        const jobs = [
          job(),
          job({ priority: 'high' }),
          job({ runAtMs: 5 }),
          job({ priority: 'normal' }),
          job(),
        ];
        await store.addMany(jobs, 0);
        expect(ids(await many(store, 3, 5))).toEqual(ids([jobs[1]!, jobs[3]!, jobs[0]!]));
        expect(ids(await many(store, 10, 5))).toEqual(ids([jobs[4]!, jobs[2]!]));
        expect(await many(store, 10, 5)).toEqual([]);
        expect(await store.size()).toBe(0);
      });

      it('hands out nothing for n below 1', async () => {
        const store = await create();
        if (store.takeMany === undefined) return; // optional
        await store.add(job(), 0);
        expect(await many(store, 0, 0)).toEqual([]);
        expect(await store.size()).toBe(1);
      });

      it('never hands one job out twice to concurrent takeMany and take calls', async () => {
        const a = await create();
        if (a.takeMany === undefined) return; // optional
        const b = traits.shared ? await create() : a;
        const jobs = Array.from({ length: 300 }, (_, i) => job({ priority: PRIORITIES[i % 3]! }));
        await a.addMany(jobs, 0);
        const calls = Array.from({ length: 40 }, (_, i) =>
          i % 4 === 0 ? Promise.resolve(b.take(0)).then((j) => (j ? [j] : [])) : many(i % 2 ? a : b, 10, 0),
        );
        const got = (await Promise.all(calls)).flat();
        expect(got).toHaveLength(300);
        expect(new Set(ids(got)).size).toBe(300);
      });
    });

    describe('limit', () => {
      const full = (held: number, limit: number): unknown =>
        expect.objectContaining({
          code: 'ERR_QUEUE_FULL',
          message: expect.stringMatching(new RegExp(`queue ${queue} holds ${held} of ${limit} jobs`)),
        });

      it('stores up to limit jobs, due and delayed, then refuses and stores nothing', async () => {
        const store = await create();
        await store.add(job(), 0, 3);
        await store.add(job({ runAtMs: 50 }), 0, 3);
        await store.addMany([job({ priority: 'high' })], 0, 3);
        await expect(async () => store.add(job(), 0, 3)).rejects.toEqual(full(3, 3));
        await expect(async () => store.add(job({ runAtMs: 9 }), 0, 3)).rejects.toEqual(full(3, 3));
        expect(await store.size()).toBe(3);
        await store.take(0);
        await store.add(job(), 0, 3);
        expect(await store.size()).toBe(3);
      });

      it('refuses an addMany that does not fit whole, storing none of it', async () => {
        const store = await create();
        await store.addMany([job(), job()], 0, 5);
        const batch = [job(), job({ runAtMs: 10 }), job({ priority: 'high' }), job()];
        await expect(async () => store.addMany(batch, 0, 5)).rejects.toEqual(full(2, 5));
        expect(await store.size()).toBe(2);
        await store.addMany(batch.slice(1), 0, 5);
        expect(await store.size()).toBe(5);
      });

      if (traits.shared) {
        it('counts the jobs stored through another instance of the queue', async () => {
          const a = await create();
          const b = await create();
          await a.addMany([job(), job({ runAtMs: 99 })], 0, 2);
          await expect(async () => b.add(job(), 0, 2)).rejects.toEqual(full(2, 2));
          expect(await a.size()).toBe(2);
        });
      }

      it('checks nothing without a limit or with Infinity', async () => {
        const store = await create();
        await store.addMany([job(), job()], 0);
        await store.add(job(), 0, Infinity);
        await store.addMany([job()], 0, Infinity);
        expect(await store.size()).toBe(4);
      });
    });

    it('refuses to work once closed', async () => {
      const store = await create();
      await store.close();
      await expect(async () => store.take(0)).rejects.toMatchObject({ code: 'ERR_STORE' });
      await expect(async () => store.add(job(), 0)).rejects.toMatchObject({ code: 'ERR_STORE' });
    });
  });
}

function serializes(makeFactory: () => JobStoreFactory): boolean {
  return makeFactory().serializes;
}
