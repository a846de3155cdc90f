/**
 * The dashboard on the queues' own records (no `records` option): `QueueClient.processes()`
 * behind the processes page, and a queue defined with `retain: false` found out and shown from
 * its counters, next to one that keeps records.
 */
import { hostname } from 'node:os';
import { startDemo, type Demo } from '../../fixtures/dashboard-demo';
import { post } from '../../helpers/dashboard-client';

let demo: Demo | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

describe('QueueClient.processes', () => {
  it("lists this process from its queue's heartbeat, with the queue's workers", async () => {
    demo = await startDemo();
    const [me, ...others] = await demo.system.queue('emails').processes();
    expect(others).toEqual([]);
    expect(me).toMatchObject({ host: hostname(), pid: process.pid, workers: { total: 4 } });
    expect(me?.expiresAtMs).toBeGreaterThan(demo.system.clock.wallNow());
  });
});

describe('the processes page', () => {
  it('shows one row per queue with records, from their heartbeats', async () => {
    demo = await startDemo();
    const page = await (await fetch(`${demo.url}processes`)).text();
    const rows = page.match(/<td class="num">\d+<\/td>/g) ?? [];
    expect(page).toContain(`<td>${hostname()}</td>`);
    expect(rows.filter((r) => r === `<td class="num">${process.pid}</td>`)).toHaveLength(3);
  });
});

describe('a queue defined with retain: false, beside queues with records', () => {
  it('is shown from its counters while the others list their jobs', async () => {
    demo = await startDemo({ emailsWithoutRecords: true, dashboard: { authorize: () => 'write' } });
    const job = await demo.system.queue('webhooks').enqueue({ task: 'deliver-webhook' });
    expect(await (await fetch(`${demo.url}queues/webhooks?state=${'waiting'}`)).text()).toContain(job.id);
    expect(await (await fetch(`${demo.url}queues/emails`)).text()).toContain('keeps no job records');
    const processes = await (await fetch(`${demo.url}processes`)).text();
    expect(processes).toContain('Without job records (no heartbeats): emails.');
    const res = await post(`${demo.url}api/queues/emails/pause`);
    expect(res.status).toBe(404);
    expect((await post(`${demo.url}api/queues/webhooks/pause`)).status).toBe(200);
  });
});

describe("the overview's oldest-waiting age", () => {
  const oldest = async (d: Demo, queue: string): Promise<string> => {
    const page = await (await fetch(`${d.url}`)).text();
    const row = page.slice(page.indexOf(`<tr data-queue="${queue}">`));
    return (/<td class="num" data-field="oldest">\s*([^<]*?)\s*<\/td>/.exec(row)?.[1] ?? '').trim();
  };

  it.each([
    ['removed', (d: Demo, id: string) => d.system.queue('webhooks').removeJob(id)],
    ['cancelled', (d: Demo, id: string) => d.system.queue('webhooks').cancel(id)],
    ['dequeued', (d: Demo) => d.system.queue('webhooks').dequeue()],
  ])('forgets a waiting job that was %s (no job of its own keeps the age going)', async (_, leave) => {
    demo = await startDemo();
    const job = await demo.system.queue('webhooks').enqueue({ task: 'deliver-webhook' });
    expect(await oldest(demo, 'webhooks')).not.toBe('—');
    await leave(demo, job.id);
    expect(await oldest(demo, 'webhooks')).toBe('—');
  });
});
