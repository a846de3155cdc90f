/**
 * A screenshot of each page against a running system with some history, for people to look at.
 * `UPDATE_SCREENSHOTS=1 npx jest test/browser/dashboard-screenshots.test.ts` writes them to
 * docs/images/ (committed); otherwise they go to a temporary folder. Records: the queues' own.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const OUT =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(__dirname, '..', '..', 'docs', 'images')
    : mkdtempSync(join(tmpdir(), 'qui-screens-'));

async function seed(d: Demo): Promise<string> {
  const emails = d.system.queue('emails');
  const sent = new Promise<void>((resolve) => {
    let n = 0;
    const off = d.system.events.on('job.completed', (e) => {
      if (e.job.queue === 'emails' && ++n === 48) resolve(off());
    });
  });
  for (let i = 0; i < 48; i++) await emails.enqueue(sendEmail.create({ to: `user${i}@example.com` }));
  await sent;
  let evil = '';
  for (const month of ['2026-09', '2026-10', '<script>alert("payload")</script>']) {
    failingMonths.add(month);
    const dead = nextEvent(d.system, 'job.dead');
    await d.system.queue('reports').enqueue(buildReport.create({ month, fail: true }));
    evil = (await dead).job.id; // the last one holds the <script>
  }
  const restarted = nextEvent(d.system, 'actor.restarted');
  await d.system.queue('reports').enqueue(crashWorker.create());
  await restarted;
  const hooks = d.system.queue('webhooks');
  for (let i = 0; i < 12; i++)
    await hooks.enqueue({
      task: 'deliver-webhook',
      params: { url: `https://hooks.example.com/orders/${1000 + i}` },
    });
  await hooks.enqueue(
    { task: 'deliver-webhook', params: { url: 'https://hooks.example.com/late' } },
    { delayMs: 3_600_000 },
  );
  return evil;
}

run('dashboard screenshots', () => {
  it('takes one of each page', async () => {
    mkdirSync(OUT, { recursive: true });
    const browser = await launchChromium();
    const demo = await startDemo({ dashboard: { authorize: () => 'write', title: 'Qui' } });
    try {
      const evilJob = await seed(demo);
      const page = await browser.context.newPage();
      const shots: [string, string][] = [
        ['overview', ''],
        ['queue', 'queues/webhooks'],
        ['job', `queues/reports/jobs/${evilJob}`],
        ['dead-and-lost', 'dead'],
        ['supervision-tree', 'tree'],
        ['processes', 'processes'],
      ];
      for (const [name, path] of shots) {
        expect([name, (await page.goto(demo.url + path))?.status()]).toEqual([name, 200]);
        // The body's box: the page as tall as its content, not the viewport.
        await page.locator('body').screenshot({ path: join(OUT, `dashboard-${name}.png`) });
      }
    } finally {
      await demo.close();
      await browser.close();
    }
  });
});
