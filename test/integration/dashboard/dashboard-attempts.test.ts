/**
 * The job page's attempts, served by `qui dashboard --redis` (serveRedisDashboard): a dashboard
 * that ran none of the jobs and saw none of their events reads each failed attempt and its error
 * from the record, escaped. Before, earlier attempts showed only in the timeline of the process
 * that ran them. Needs Redis; every key is under this file's own prefix.
 */
import { randomUUID } from 'node:crypto';
import { err, ok } from '../../../src/jobs/job-result';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { redisStore } from '../../../src/stores/redis-store';
import { defineSupervisor } from '../../../src/supervision/spec';
import type { Processor } from '../../../src/tasks/run-attempt';
import { redisDashboardHarness } from '../../helpers/redis-dashboard';
import { requireRedis } from '../../helpers/services';

const url = requireRedis();
const prefix = `qui-test-dashattempts-${randomUUID().slice(0, 8)}:`;
const h = redisDashboardHarness(url, prefix);

/** Fails `task.fails` attempts with a message holding markup, then completes. */
const processor: Processor = (job, ctx) =>
  ctx.attempt <= (job.task as { fails: number }).fails
    ? err(Object.assign(new Error(`<script>alert(${ctx.attempt})</script>`), { code: 'E_FLAKY' }))
    : ok('sent');

/** The system that runs the jobs: `mail` (3 retries, dead letters to `dlq`). */
async function startRunner(): Promise<QuiSystem> {
  const store = redisStore({ url, prefix });
  h.runner = await startSystem(
    defineSupervisor({
      id: 'root',
      children: [
        defineQueue({ name: 'dlq', store }),
        defineQueue({
          name: 'mail',
          store,
          deadLetter: 'dlq',
          workers: { count: 1, processor },
          defaults: { maxRetries: 2, retryDelayMs: 0 },
        }),
      ],
    }),
  );
  return h.runner;
}

const watch = (): Promise<string> => h.watch(['mail', 'dlq']);

/** The `<tr>` of attempt `n` in the section `field` of a job page. */
function row(page: string, field: string, n: number): string {
  const section = page
    .slice(page.indexOf(`<section data-field="${field}">`))
    .split('</section>')[0] as string;
  return section.slice(section.indexOf(`<tr data-attempt="${n}">`)).split('</tr>')[0] as string;
}

it('lists each failed attempt with its error, escaped, then the attempt that completed', async () => {
  const system = await startRunner();
  const job = await system.queue('mail').enqueue({ fails: 2 });
  await system.queue('mail').waitFor(job.id, { timeoutMs: 10_000 });
  const dash = await watch();
  const page = await (await fetch(`${dash}queues/mail/jobs/${job.id}`)).text();
  expect(page).not.toContain('<script>alert');
  for (const n of [1, 2]) {
    expect(row(page, 'attempts', n)).toContain('<span class="badge failed">failed</span>');
    expect(row(page, 'attempts', n)).toMatch(
      new RegExp(`<span class="mono">E_FLAKY</span>:\\s*&lt;script&gt;alert\\(${n}\\)&lt;/script&gt;`),
    );
  }
  expect(row(page, 'attempts', 3)).toContain('<span class="badge completed">completed</span>');
  expect(page).not.toContain('data-attempt="4"');
});

it("a dead job's page ends with its dead attempt; its dead-letter copy's page lists the source's attempts", async () => {
  const system = await startRunner();
  const job = await system.queue('mail').enqueue({ fails: 10 });
  const dead = await system.queue('mail').waitFor(job.id, { timeoutMs: 10_000 });
  expect(dead.state).toBe('dead');
  const dash = await watch();
  const page = await (await fetch(`${dash}queues/mail/jobs/${job.id}`)).text();
  expect(row(page, 'attempts', 2)).toContain('alert(2)');
  expect(row(page, 'attempts', 3)).toContain('<span class="badge dead">dead</span>');
  expect(row(page, 'attempts', 3)).toContain('alert(3)');

  // The copy is stored before the source's record ends dead: waitFor resolved after both.
  const copies = (await system.queue('dlq').getJobs({ state: 'waiting' })).records;
  expect(copies).toHaveLength(1);
  const copy = await (await fetch(`${dash}queues/dlq/jobs/${copies[0]?.id ?? ''}`)).text();
  expect(copy).not.toContain('<section data-field="attempts">');
  expect(row(copy, 'source-attempts', 1)).toContain('alert(1)');
  expect(row(copy, 'source-attempts', 3)).toContain('<span class="badge dead">dead</span>');
  expect(row(copy, 'source-attempts', 3)).toContain('alert(3)');
});
