/**
 * The dashboard's server side over real HTTP, without a browser: routes, mounting, access,
 * CSRF, escaping, the action log and the live stream, on the queues' own records (memory store).
 */
import { buildReport, failingMonths, sendEmail, startDemo, type Demo } from '../../fixtures/dashboard-demo';
import { EventStream, nextEvent, post } from '../../helpers/dashboard-client';
import { createTestLogger } from '../../helpers/test-logger';

let demo: Demo | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

async function start(options: Parameters<typeof startDemo>[0] = {}): Promise<Demo> {
  demo = await startDemo(options);
  return demo;
}

async function deadReport(d: Demo, month: string): Promise<string> {
  failingMonths.add(month);
  const dead = nextEvent(d.system, 'job.dead');
  await d.system.queue('reports').enqueue(buildReport.create({ month, fail: true }));
  return (await dead).job.id;
}

describe('pages', () => {
  it('serves every page under the base path with a strict CSP and no caching', async () => {
    const d = await start();
    for (const path of ['', 'dead', 'tree', 'processes', 'queues/emails', 'queues/emails?state=completed']) {
      const res = await fetch(d.url + path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toContain('<main id="view">');
    }
    expect((await fetch(`${d.url}assets/dashboard.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${d.url}assets/dashboard.css`)).headers.get('content-type')).toMatch(/css/);
  });

  it('redirects the bare base path to its slash form and answers 404 outside it', async () => {
    const d = await start();
    const bare = await fetch(d.url.slice(0, -1), { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([308, '/qui/']);
    expect((await fetch(new URL('/elsewhere', d.url))).status).toBe(404);
    expect((await fetch(`${d.url}queues/nope`)).status).toBe(404);
  });

  it('shows the counts the API answers, per queue', async () => {
    const d = await start();
    const done = nextEvent(d.system, 'job.completed');
    await d.system.queue('emails').enqueue(sendEmail.create({ to: 'ada@example.com' }));
    await done;
    await d.system.queue('webhooks').enqueue({ task: 'deliver-webhook' });
    const body = await (await fetch(d.url)).text();
    const counts = (await (await fetch(`${d.url}api/queues`)).json()) as {
      queues: { name: string; counts: Record<string, number> }[];
    };
    const row = (q: string) => body.slice(body.indexOf(`<tr data-queue="${q}">`)).split('</tr>')[0] as string;
    expect(counts.queues.find((q) => q.name === 'emails')?.counts.completed).toBe(1);
    expect(row('emails')).toContain('<td class="num" data-count="completed">1</td>');
    expect(row('webhooks')).toContain('<td class="num" data-count="waiting">1</td>');
  });

  it("labels the queue page's numbers: the store's totals per state, then this process's counters under their heading", async () => {
    const d = await start();
    const done = nextEvent(d.system, 'job.completed');
    await d.system.queue('emails').enqueue(sendEmail.create({ to: 'ada@example.com' }));
    await done;
    const page = await (await fetch(`${d.url}queues/emails`)).text();
    const scope = (name: string) =>
      page.slice(page.indexOf(`data-scope="${name}"`)).split('</dl>')[0] as string;
    const counts = await d.system.queue('emails').counts();
    for (const state of ['waiting', 'completed', 'dead', 'cancelled'] as const)
      expect(scope('store')).toMatch(new RegExp(`<dt>${state}</dt>\\s*<dd>${counts[state]}</dd>`));
    expect(page).toContain('Jobs in the store, every process');
    expect(page.indexOf('Counted by this process since it started')).toBeLessThan(
      page.indexOf('data-scope="process"'),
    );
    expect(scope('process')).toMatch(/<dt>enqueued<\/dt>\s*<dd>1<\/dd>/);
  });

  it('renders a payload holding markup as text on the job page', async () => {
    const d = await start();
    const id = await deadReport(d, '<script>alert("x")</script><img src=x onerror=alert(1)>');
    const body = await (await fetch(`${d.url}queues/reports/jobs/${id}`)).text();
    expect(body).not.toContain('<script>alert');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain('&lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script&gt;');
  });
});

describe('access', () => {
  it('is read-only without authorize: no action buttons, and every action answers 403', async () => {
    const log = createTestLogger('info');
    const d = await start({ logger: log.logger });
    const id = await deadReport(d, 'may');
    const page = await (await fetch(`${d.url}dead`)).text();
    expect(page).toContain('read-only');
    expect(page).not.toContain('data-post=');
    const res = await post(`${d.url}api/queues/reports/jobs/${id}/retry`);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'ERR_READ_ONLY' } });
    // The refused attempt is logged with who asked, as an allowed action is.
    expect(log.find('dashboard action refused', 'warn')).toEqual([
      expect.objectContaining({
        action: 'retry',
        queue: 'reports',
        jobId: id,
        code: 'ERR_READ_ONLY',
        remoteAddress: '127.0.0.1',
      }),
    ]);
  });

  it('answers 403 to everything when authorize says false', async () => {
    const d = await start({ dashboard: { authorize: () => false } });
    expect((await fetch(d.url)).status).toBe(403);
    expect((await fetch(`${d.url}api/events`)).status).toBe(403);
  });

  it.each([
    ['no Origin and no Sec-Fetch-Site', { origin: '' }, 'actions need an Origin header'],
    ['a foreign Origin', { origin: 'http://evil.example' }, 'is not this dashboard'],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }, 'a cross-site request may not act'],
    [
      'a form post',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'must be sent as application/json',
    ],
  ])('refuses an action from %s (CSRF)', async (_, headers, message) => {
    const d = await start({ dashboard: { authorize: () => 'write' } });
    const h = { ...headers } as Record<string, string>;
    const init: RequestInit = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(h.origin === '' ? {} : { origin: h.origin ?? new URL(d.url).origin }),
        ...h,
      },
      body: '{}',
    };
    if (h.origin === '') delete (init.headers as Record<string, string>).origin;
    const res = await fetch(`${d.url}api/queues/emails/pause`, init);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(message);
    expect(await (await fetch(`${d.url}queues/emails`)).text()).not.toContain('badge paused');
  });

  it('runs an allowed action and logs it with who asked', async () => {
    const log = createTestLogger('info');
    const d = await start({
      logger: log.logger,
      dashboard: { authorize: () => ({ access: 'write', user: 'ada' }) },
    });
    const id = await deadReport(d, 'june');
    const res = await post(`${d.url}api/queues/reports/jobs/${id}/retry`);
    expect(await res.json()).toMatchObject({ ok: true });
    expect(log.find('dashboard action')).toEqual([
      expect.objectContaining({
        action: 'retry',
        queue: 'reports',
        jobId: id,
        user: 'ada',
        remoteAddress: '127.0.0.1',
      }),
    ]);
  });

  it('answers an action the records refuse with its code, and logs the refusal', async () => {
    const log = createTestLogger('info');
    const d = await start({ logger: log.logger, dashboard: { authorize: () => 'write' } });
    const res = await post(`${d.url}api/queues/reports/jobs/nope/retry`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'ERR_JOB_NOT_FOUND' } });
    expect(log.find('dashboard action refused', 'warn')).toHaveLength(1);
    expect((await post(`${d.url}api/queues/reports/jobs/nope/remove`)).status).toBe(404);
    expect(log.find('dashboard action refused', 'warn')).toEqual([
      expect.objectContaining({ action: 'retry', jobId: 'nope' }),
      expect.objectContaining({ action: 'remove', jobId: 'nope', code: 'ERR_JOB_NOT_FOUND' }),
    ]);
  });
});

describe('a queue without job records', () => {
  it('is shown from its counters, lists no jobs and takes no actions', async () => {
    const d = await start({ emailsWithoutRecords: true, dashboard: { authorize: () => 'write' } });
    const overview = await (await fetch(d.url)).text();
    expect(overview).toContain('title="no job records');
    expect(await (await fetch(`${d.url}queues/emails`)).text()).toContain('keeps no job records');
    const res = await post(`${d.url}api/queues/emails/pause`);
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
      404,
      'ERR_NO_RECORDS',
    ]);
  });
});

describe('live updates', () => {
  it('sends the view on connect, then again when what it shows changes', async () => {
    const d = await start({ dashboard: { refreshMs: 500 } });
    const stream = await EventStream.open(`${d.url}api/events?view=${encodeURIComponent('/')}`);
    try {
      expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const first = await stream.nextView();
      expect(first).toContain('<tr data-queue="webhooks">');
      await d.system.queue('webhooks').enqueue({ task: 'deliver-webhook' });
      const later = await stream.nextView((html) =>
        html.includes('<td class="num" data-count="waiting">1</td>'),
      );
      expect(later).toContain('data-queue="webhooks"');
    } finally {
      stream.close();
    }
  });
});
