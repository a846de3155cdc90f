import { ManualClock } from '../../../src/clock';
import { err, ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { watchAttempts } from '../../../src/queue/queue-watch';
import { defineSupervisor } from '../../../src/supervision/spec';
import type { AttemptHook } from '../../../src/tasks/attempt-watches';
import type { Processor } from '../../../src/tasks/run-attempt';
import { JobEvents } from '../../helpers/job-events';
import { startTestSystem } from '../../helpers/start-test-system';

/** A ManualClock whose wall clock moves on by 1 ms at every read: each read tells itself apart. */
class TickingClock extends ManualClock {
  private reads = 0;
  override wallNow(): number {
    return super.wallNow() + ++this.reads;
  }
}

/** A hook (as metrics and tracing are) that keeps each attempt's end read, in order. */
function endsOf(): { hook: AttemptHook; ends: number[] } {
  const ends: number[] = [];
  const span = { end: (_outcome: unknown, endedAtMs: number) => void ends.push(endedAtMs) };
  return { hook: { watch: () => ({ start: () => span, close: () => undefined }) }, ends };
}

/** Fails its first attempt; with `always`, every attempt. */
const processor: Processor = (job, ctx) =>
  (job.task as { always?: boolean }).always === true || ctx.attempt === 1 ? err(new Error('boom')) : ok();

async function start(maxRetries: number) {
  const defaults = { maxRetries, retryDelayMs: 5 };
  const spec = defineSupervisor({
    id: 'root',
    children: [defineQueue({ name: 'q', workers: { count: 1, processor }, defaults })],
  });
  const t = await startTestSystem(spec, { clock: new TickingClock(), account: true });
  const { hook, ends } = endsOf();
  watchAttempts(t.core, hook);
  return { q: t.system.queue('q'), jobs: new JobEvents(t.system.events), ends, clock: t.clock };
}

describe("a failed attempt's record", () => {
  it('of a dead job ends at the attempt’s own end time', async () => {
    const t = await start(0);
    const job = await t.q.enqueue({ always: true });
    const record = await t.q.waitFor(job.id);
    expect(record.state).toBe('dead');
    expect(t.ends).toHaveLength(1);
    expect(record.finishedAtMs).toBe(t.ends[0]);
  });

  it('of a retried job keeps the attempt’s end time in its history, and the retry falls due from it', async () => {
    const t = await start(1);
    const job = await t.q.enqueue({});
    await t.jobs.wait('job.retrying', 1);
    const [retrying] = t.jobs.seen['job.retrying'];
    expect(t.ends).toHaveLength(1);
    expect(retrying?.job.runAtMs).toBe((t.ends[0] as number) + 5);
    // The event's job is the retry as stored (docs/reference/events.md): the failed attempt in its history.
    expect(retrying?.job.history).toEqual({
      failed: [
        {
          attempt: 1,
          error: { name: 'Error', message: 'boom' },
          startedAtMs: expect.any(Number) as number,
          finishedAtMs: t.ends[0],
        },
      ],
      dropped: 0,
    });
    t.clock.advance(5);
    const record = await t.q.waitFor(job.id);
    expect(record.state).toBe('completed');
    expect(record.history?.failed.map((f) => f.finishedAtMs)).toEqual([t.ends[0]]);
  });
});
