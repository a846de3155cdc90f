/** Every dashboard action over HTTP, on the queues' own records (QueueClient's records API, memory store). */
import { buildReport, failingMonths, sendEmail, startDemo, type Demo } from '../../fixtures/dashboard-demo';
import { nextEvent, post } from '../../helpers/dashboard-client';
import { createTestLogger, type TestLogger } from '../../helpers/test-logger';

let demo: Demo;
let log: TestLogger;
beforeEach(async () => {
  log = createTestLogger('info');
  demo = await startDemo({ logger: log.logger, dashboard: { authorize: () => 'write' } });
});
afterEach(() => demo.close());

async function deadReport(month: string): Promise<string> {
  failingMonths.add(month);
  const dead = nextEvent(demo.system, 'job.dead');
  await demo.system.queue('reports').enqueue(buildReport.create({ month, fail: true }));
  return (await dead).job.id;
}

const counts = async (queue: string): Promise<Record<string, number>> => {
  const body = (await (await fetch(`${demo.url}api/queues`)).json()) as {
    queues: { name: string; counts: Record<string, number> }[];
  };
  return body.queues.find((q) => q.name === queue)?.counts ?? {};
};

describe('actions', () => {
  it('removes a job', async () => {
    const id = await deadReport('mar');
    expect(await (await post(`${demo.url}api/queues/reports/jobs/${id}/remove`)).json()).toMatchObject({
      ok: true,
    });
    expect((await counts('reports')).dead).toBe(0);
    const again = await post(`${demo.url}api/queues/reports/jobs/${id}/remove`);
    expect([again.status, ((await again.json()) as { error: { code: string } }).error.code]).toEqual([
      404,
      'ERR_JOB_NOT_FOUND',
    ]);
  });

  it('retries every dead job of a queue at once, and says how many', async () => {
    await deadReport('apr');
    await deadReport('may');
    failingMonths.clear();
    const done = new Promise<void>((resolve) => {
      let n = 0;
      demo.system.events.on('job.completed', () => ++n === 2 && resolve());
    });
    const res = await post(`${demo.url}api/queues/reports/retry-all`, { state: 'dead' });
    expect(await res.json()).toEqual({ ok: true, message: '2 dead jobs are waiting again' });
    await done;
    expect(await counts('reports')).toMatchObject({ dead: 0, completed: 2 });
    expect(log.find('dashboard action')).toEqual([
      expect.objectContaining({ action: 'retry-all', queue: 'reports', state: 'dead', retried: 2 }),
    ]);
  });

  it('refuses retry-all without a state to retry', async () => {
    const res = await post(`${demo.url}api/queues/reports/retry-all`, { state: 'completed' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'ERR_INVALID_OPTIONS', message: `state: must be 'dead' or 'lost', got "completed"` },
    });
  });

  it('cancels a waiting job with a reason, and refuses to cancel it twice', async () => {
    const job = await demo.system.queue('webhooks').enqueue({ task: 'deliver-webhook' });
    const url = `${demo.url}api/queues/webhooks/jobs/${job.id}/cancel`;
    expect(await (await post(url, { reason: 'duplicate' })).json()).toMatchObject({ ok: true });
    expect(log.find('dashboard action')).toEqual([
      expect.objectContaining({ action: 'cancel', jobId: job.id, reason: 'duplicate' }),
    ]);
    const again = await post(url);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'ERR_JOB_STATE' } });
  });

  it('pauses a queue (it hands out nothing) and resumes it', async () => {
    expect(await (await post(`${demo.url}api/queues/emails/pause`)).json()).toEqual({
      ok: true,
      message: 'Paused emails',
    });
    expect(await (await fetch(`${demo.url}queues/emails`)).text()).toContain('badge paused');
    const emails = demo.system.queue('emails');
    expect(await emails.isPaused()).toBe(true);
    const job = await emails.enqueue(sendEmail.create({ to: 'ada@example.com' }));
    expect((await emails.getJob(job.id))?.state).toBe('waiting');
    const done = emails.waitFor(job.id);
    expect(await (await post(`${demo.url}api/queues/emails/resume`)).json()).toEqual({
      ok: true,
      message: 'Resumed emails',
    });
    expect((await done).state).toBe('completed');
    expect(log.find('dashboard action').map((r) => r.action)).toEqual(['pause', 'resume']);
  });

  it.each([
    ['a body that is not JSON', 'not json', 400, 'ERR_BAD_REQUEST'],
    ['a JSON array', '[1]', 400, 'ERR_BAD_REQUEST'],
    ['a body over 4 KB', JSON.stringify({ reason: 'x'.repeat(5_000) }), 400, 'ERR_BAD_REQUEST'],
  ])('refuses %s', async (_, body, status, code) => {
    const res = await fetch(`${demo.url}api/queues/emails/pause`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(demo.url).origin },
      body,
    });
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
      status,
      code,
    ]);
  });

  it('answers 404 for an unknown action and 405 for another method', async () => {
    expect((await post(`${demo.url}api/queues/emails/explode`)).status).toBe(404);
    expect((await fetch(`${demo.url}queues/emails`, { method: 'DELETE' })).status).toBe(405);
  });
});
