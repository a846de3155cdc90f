import { accountedFor, formatSummary, runDemo, type DemoSummary } from '../../../examples/demo/main';
import { createTestLogger } from '../../helpers/test-logger';

describe('the demo (examples/demo)', () => {
  let summary: DemoSummary;
  let printed = '';
  const log = createTestLogger('warn');

  beforeAll(async () => {
    const chunks: string[] = [];
    summary = await runDemo({
      jobs: 150,
      cpuWorkers: 2,
      ioWorkers: 8,
      logger: log.logger,
      output: { write: (text: string) => chunks.push(text), isTTY: false },
    });
    printed = chunks.join('') + formatSummary(summary);
  });

  it('accounts for every enqueued job: completed + dead + lost = enqueued', () => {
    expect(summary.finished).toBe(true);
    expect(summary.enqueued).toBe(150);
    expect(summary.completed + summary.dead + summary.lost).toBe(summary.enqueued);
    expect(accountedFor(summary)).toBe(true);
  });

  it('loses the jobs whose processor returned a non-conforming value, and restarts their workers', () => {
    expect(summary.nonConforming).toBeGreaterThanOrEqual(1);
    expect(summary.lost).toBe(summary.nonConforming);
    expect(summary.byTask['legacy-report']?.lost).toBe(summary.nonConforming);
    expect(summary.restarts).toBeGreaterThanOrEqual(1);
  });

  it('retries failed attempts and dead-letters the jobs that fail for good', () => {
    expect(summary.retried).toBeGreaterThanOrEqual(1);
    expect(summary.dead).toBeGreaterThanOrEqual(1);
    expect(summary.deadLettered).toBe(summary.dead);
  });

  it('agrees with the queues own counters', () => {
    const sum = (key: 'completed' | 'retried' | 'dead' | 'lost'): number =>
      summary.queues.reduce((n, q) => n + q.totals[key], 0);
    expect(sum('completed')).toBe(summary.completed);
    expect(sum('retried')).toBe(summary.retried);
    expect(sum('dead')).toBe(summary.dead);
    expect(sum('lost')).toBe(summary.lost);
  });

  it('prints a progress line and a summary', () => {
    expect(printed).toMatch(/150\/150 {2}completed \d+/);
    expect(printed).toContain('done.');
    expect(printed).toMatch(/worker restarts +\d+/);
    expect(printed).toMatch(/jobs per second +\d+/);
  });

  it('logs the crash of each worker that returned a non-conforming value', () => {
    const crashes = log
      .find('actor crashed', 'error')
      .filter((r) => (r.err as { code?: string } | undefined)?.code === 'ERR_BAD_RESULT');
    expect(crashes).toHaveLength(summary.nonConforming);
  });
});
