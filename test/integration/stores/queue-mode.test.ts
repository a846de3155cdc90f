import { ManualClock } from '../../../src/clock';
import { connectQueue } from '../../../src/queue/connect-queue';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem } from '../../../src/runtime/start-system';
import type { JobStore, JobStoreFactory } from '../../../src/stores/job-store';
import { memoryStore } from '../../../src/stores/memory-store';
import { QueueModeError } from '../../../src/stores/queue-mode';
import { defineSupervisor } from '../../../src/supervision/spec';
import { sharedStoreKinds } from '../../helpers/shared-stores';

/** Processes sharing a store agree on `retain`: the first start sets it, a start in the other mode fails. */
const kinds = sharedStoreKinds('queue-mode');

/** Starts (and, unless it fails, stops) a system running queue `jobs` on `store` with `retain`. */
async function run(store: JobStoreFactory, retain: boolean): Promise<unknown> {
  const spec = defineSupervisor({
    id: 'root',
    children: [defineQueue({ name: 'jobs', store, ...(retain ? {} : { retain: false }) })],
  });
  try {
    const system = await startSystem(spec, { clock: new ManualClock() });
    await system.stop();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe.each(kinds)('the queue mode on %s', (_kind, make) => {
  it.each([
    [true, false],
    [false, true],
  ])(
    'refuses to start a queue kept with retain %p in the other mode, naming retain and both values',
    async (first, second) => {
      const store = make();
      expect(await run(store, first)).toBeUndefined();
      const error = await run(store, second);
      expect(error).toMatchObject({ code: 'ERR_START_FAILED' });
      let cause = (error as Error).cause;
      while (cause instanceof Error && !(cause instanceof QueueModeError)) cause = cause.cause;
      expect(cause).toBeInstanceOf(QueueModeError);
      expect(cause).toMatchObject({ code: 'ERR_QUEUE_MODE', path: 'retain', stored: first, given: second });
      expect((cause as Error).message).toContain(
        `retain: queue "jobs" is kept ${first ? 'with' : 'without'} records in its store (retain ${first ? 'on' : 'false'}`,
      );
      // The first mode still holds: a start in it works again.
      expect(await run(store, first)).toBeUndefined();
    },
  );

  it('lets a connection read a queue kept with records, and refuses one kept without (ERR_RECORDS_OFF)', async () => {
    const on = make();
    expect(await run(on, true)).toBeUndefined();
    const c = await connectQueue({ name: 'jobs', store: on });
    expect((await c.counts()).waiting).toBe(0);
    await c.close();

    const off = make();
    expect(await run(off, false)).toBeUndefined();
    await expect(connectQueue({ name: 'jobs', store: off })).rejects.toMatchObject({
      code: 'ERR_RECORDS_OFF',
      message: expect.stringContaining('runs with retain: false') as string,
    });
  });

  it('sets no mode from a connection: the first process to start the queue does', async () => {
    const store = make();
    const c = await connectQueue({ name: 'jobs', store });
    await c.close();
    expect(await run(store, false)).toBeUndefined();
  });
});

it('keeps no mode on the memory store (no other process shares it)', () => {
  const store: JobStore = memoryStore().create({ queue: 'jobs', priorities: ['low'] });
  expect(store.queueMode).toBeUndefined();
});
