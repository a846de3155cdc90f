/**
 * The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core,
 * against a running system whose queues keep their records (memory store): pause holds jobs in
 * the store, retry puts the same job back, cancel ends its record.
 * Outside CI a missing Chromium skips this file with one line; in CI it must run.
 */
import type { BrowserContext, Page } from 'playwright-core';
import {
  buildReport,
  crashWorker,
  failingMonths,
  sendEmail,
  startDemo,
  type Demo,
} from '../fixtures/dashboard-demo';
import { chromiumAvailable, launchChromium } from '../helpers/chromium';
import { nextEvent } from '../helpers/dashboard-client';

const run = chromiumAvailable() ? describe : describe.skip;
jest.setTimeout(60_000);

run('the dashboard in Chromium', () => {
  let browser: { context: BrowserContext; close(): Promise<void> };
  let demo: Demo | undefined;
  let problems: string[];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const page of browser.context.pages()) await page.close();
    await demo?.close();
    demo = undefined;
  });

  /** A page that records console errors, uncaught errors and CSP violations. */
  async function open(url: string): Promise<Page> {
    problems = [];
    const page = await browser.context.newPage();
    page.on('console', (m) => {
      // Chromium asks the origin's /favicon.ico whatever the page links: outside the mount, not ours.
      if (m.location().url.endsWith('/favicon.ico')) return;
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url);
    return page;
  }

  const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

  async function deadReport(d: Demo, month: string): Promise<string> {
    failingMonths.add(month);
    const dead = nextEvent(d.system, 'job.dead');
    await d.system.queue('reports').enqueue(buildReport.create({ month, fail: true }));
    return (await dead).job.id;
  }

  it('shows on the overview the counts the API answers, and updates them live without a reload', async () => {
    demo = await startDemo({ dashboard: { refreshMs: 500 } });
    const done = nextEvent(demo.system, 'job.completed');
    await demo.system.queue('emails').enqueue(sendEmail.create({ to: 'ada@example.com' }));
    await done;
    const page = await open(demo.url);
    const api = (await (await fetch(`${demo.url}api/queues`)).json()) as {
      queues: { name: string; counts: Record<string, number> }[];
    };
    for (const q of api.queues)
      for (const state of ['waiting', 'completed', 'dead'])
        expect([
          q.name,
          state,
          await text(page, `tr[data-queue="${q.name}"] td[data-count="${state}"]`),
        ]).toEqual([q.name, state, String(q.counts[state])]);
    // Expressions as strings: they run in the page, and this file compiles without the DOM lib.
    await page.evaluate('window.marker = 1');
    await demo.system.queue('webhooks').enqueue({ task: 'deliver-webhook' });
    // Locators, not waitForFunction: the page's CSP forbids the eval a string predicate needs.
    await page.locator('tr[data-queue="webhooks"] td[data-count="waiting"]', { hasText: /^1$/ }).waitFor();
    expect(await page.evaluate('window.marker')).toBe(1); // the same document: no reload
    expect(problems).toEqual([]);
  });

  it('fits the overview table in its card at 1280 px wide, the last column in view without scrolling', async () => {
    demo = await startDemo();
    const page = await open(demo.url);
    await page.setViewportSize({ width: 1280, height: 800 });
    const widths = await page.evaluate<{ card: number; table: number; lastRight: number; cardRight: number }>(
      "(() => { const w = document.querySelector('.table-wrap'); const t = w.querySelector('table');" +
        " const last = t.querySelector('thead th:last-child').getBoundingClientRect();" +
        ' return { card: w.clientWidth, table: t.scrollWidth, lastRight: last.right, cardRight: w.getBoundingClientRect().right }; })()',
    );
    expect(widths.table).toBeLessThanOrEqual(widths.card);
    expect(widths.lastRight).toBeLessThanOrEqual(widths.cardRight);
  });

  it('is read-only without authorize: no buttons, and a POST from the page answers 403', async () => {
    demo = await startDemo();
    await deadReport(demo, 'jan');
    const page = await open(`${demo.url}dead`);
    expect(await text(page, '[data-field="mode"]')).toBe('read-only');
    expect(await page.locator('button[data-post]').count()).toBe(0);
    const status = await page.evaluate(async () => {
      const r = await fetch('./api/queues/reports/pause', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return r.status;
    });
    expect(status).toBe(403);
  });

  it('pauses a queue from its page (its jobs wait) and resumes it (they run)', async () => {
    demo = await startDemo({ dashboard: { authorize: () => 'write' } });
    const page = await open(`${demo.url}queues/emails`);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.waitForSelector('[data-field="status"] .badge.paused');
    const api = (await (await fetch(`${demo.url}api/queues`)).json()) as {
      queues: { name: string; paused: boolean }[];
    };
    expect(api.queues.find((q) => q.name === 'emails')?.paused).toBe(true);
    const emails = demo.system.queue('emails');
    const job = await emails.enqueue(sendEmail.create({ to: 'ada@example.com' }));
    await page.waitForSelector(`tr[data-job="${job.id}"]`); // listed live, as waiting
    expect((await emails.getJob(job.id))?.state).toBe('waiting');
    const done = emails.waitFor(job.id);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.waitForSelector('[data-field="status"] .badge.running');
    expect((await done).state).toBe('completed');
    expect(problems).toEqual([]);
  });

  it('retries a dead job from the dead & lost page, and the job leaves it', async () => {
    demo = await startDemo({ dashboard: { authorize: () => 'write' } });
    const id = await deadReport(demo, 'feb');
    const page = await open(`${demo.url}dead`);
    await page.waitForSelector(`tr[data-job="${id}"]`);
    failingMonths.delete('feb');
    // The same job runs again (retryJob keeps its id).
    const completed = nextEvent(demo.system, 'job.completed', (e) => e.job.id === id);
    await page.locator(`tr[data-job="${id}"]`).getByRole('button', { name: 'Retry' }).click();
    await completed;
    await page.waitForSelector(`tr[data-job="${id}"]`, { state: 'detached' });
    expect(await text(page, '#flash')).toContain('waiting again');
    expect(problems).toEqual([]);
  });

  it('cancels a waiting job from its page, and its state turns cancelled', async () => {
    demo = await startDemo({ dashboard: { authorize: () => 'write' } });
    const job = await demo.system
      .queue('webhooks')
      .enqueue({ task: 'deliver-webhook', params: { url: 'https://example.com/hook' } });
    const page = await open(`${demo.url}queues/webhooks/jobs/${job.id}`);
    expect(await text(page, '[data-field="state"]')).toBe('waiting');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[data-field="state"]', { hasText: /^cancelled$/ }).waitFor();
    const record = (await (
      await fetch(`${demo.url}api/snapshot?view=${encodeURIComponent(`/queues/webhooks/jobs/${job.id}`)}`)
    ).json()) as { html: string };
    expect(record.html).toContain('badge cancelled');
  });

  it('renders a payload holding <script> as text, and runs none of it', async () => {
    demo = await startDemo();
    const evil = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';
    const id = await deadReport(demo, evil);
    const page = await open(`${demo.url}queues/reports/jobs/${id}`);
    expect(await text(page, '[data-field="payload"]')).toContain('<script>window.pwned = 1</script>');
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
  });

  it('shows the supervision tree live: a crashed worker is restarted and counted', async () => {
    demo = await startDemo({ dashboard: { refreshMs: 500 } });
    const page = await open(`${demo.url}tree`);
    const pool = 'section[data-supervisor="root/reports/workers"]';
    expect(await text(page, `${pool} [data-field="window"]`)).toBe('0 of 3 restarts in 5 s');
    const restarted = nextEvent(demo.system, 'actor.restarted');
    await demo.system.queue('reports').enqueue(crashWorker.create());
    await restarted;
    await page.locator(`${pool} [data-field="window"]`, { hasText: /^1 of 3 restarts in 5 s$/ }).waitFor();
    expect(await text(page, `${pool} tr[data-child="worker"] [data-field="restarts"]`)).toBe('1');
    expect(problems).toEqual([]);
  });
});
