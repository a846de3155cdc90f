import { Activity } from '../../../src/dashboard/activity';
import { resolveDashboardOptions } from '../../../src/dashboard/dashboard-options';
import { relativeRoot, sparkline } from '../../../src/dashboard/format';
import { escapeHtml, html, jsonText } from '../../../src/dashboard/html';
import { ManualClock } from '../../../src/clock';
import { InvalidOptionsError } from '../../../src/errors';
import { QuiEventBus } from '../../../src/events';
import { asJobId } from '../../../src/ids';
import { jobFixture } from '../../helpers/job-fixture';

describe('html', () => {
  it('escapes every interpolated value and keeps nested fragments', () => {
    const evil = '<script>alert("x")</script>&\'';
    expect(html`<td title="${evil}">${evil}${html`<b>${'<i>'}</b>`}</td>`.value).toBe(
      `<td title="${escapeHtml(evil)}">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;<b>&lt;i&gt;</b></td>`,
    );
  });

  it('renders lists, and nothing for null, undefined and false', () => {
    expect(html`${[1, 'a', null, undefined, false]}`.value).toBe('1a');
  });

  it('cuts long JSON and says how much was cut', () => {
    expect(jsonText({ a: 'x'.repeat(50) }, 11)).toMatch(/^\{\n {2}"a": "x\n… \(\d+ more characters\)$/);
    expect(jsonText(undefined, 10)).toBe('—');
  });
});

describe('resolveDashboardOptions', () => {
  it('fills the defaults and freezes the result', () => {
    const o = resolveDashboardOptions(undefined);
    expect(o).toMatchObject({
      basePath: '/',
      pageSize: 25,
      refreshMs: 1_000,
      maxValueChars: 20_000,
      title: 'Qui',
    });
    expect(Object.isFrozen(o)).toBe(true);
    expect(resolveDashboardOptions({ basePath: '/qui/' }).basePath).toBe('/qui');
  });

  it.each([
    [{ basePath: 'qui' }, 'basePath: must be a path starting with "/", got "qui"'],
    [{ pageSize: 0 }, 'pageSize: must be an integer >= 1, got 0'],
    [{ pageSize: 201 }, 'pageSize: must be at most 200, got 201'],
    [{ refreshMs: 100 }, 'refreshMs: must be an integer >= 500, got 100'],
    [{ authorize: 'yes' }, 'authorize: must be a function, got "yes"'],
    [{ records: 1 }, 'records: must be a function, got 1'],
    [{ colour: 'red' }, 'colour: is not a known option'],
  ])('rejects %j naming the field', (options, message) => {
    expect(() => resolveDashboardOptions(options as never)).toThrow(InvalidOptionsError);
    expect(() => resolveDashboardOptions(options as never)).toThrow(message);
  });
});

describe('format', () => {
  it.each([
    ['/', './'],
    ['/tree', './'],
    ['/queues/a', '../'],
    ['/queues/a/jobs/1', '../../../'],
  ])('reaches the root from %s with %s', (path, rel) => expect(relativeRoot(path)).toBe(rel));

  it('draws a sparkline with no style attribute and says the total', () => {
    const svg = sparkline([0, 2, 1], 'completed', 'ok').value;
    expect(svg).not.toContain('style=');
    expect(svg).toContain('aria-label="completed: 3 in the last 60 minutes"');
  });
});

describe('Activity', () => {
  const setup = () => {
    const clock = new ManualClock();
    const events = new QuiEventBus(() => undefined);
    return { clock, events, activity: new Activity(events, clock) };
  };

  it('counts completed and failed attempts per minute over the last hour, oldest first', () => {
    const { clock, events, activity } = setup();
    const job = jobFixture({ queue: 'q' });
    events.emit('job.completed', { job, value: 1, worker: 'w' });
    events.emit('job.failed', { job, error: new Error('x'), worker: 'w' });
    clock.advance(60_000);
    events.emit('job.completed', { job, value: 1, worker: 'w' });
    const { completed, failed } = activity.series('q');
    expect(completed).toHaveLength(60);
    expect(completed.slice(-2)).toEqual([1, 1]);
    expect(failed.slice(-2)).toEqual([1, 0]);
    clock.advance(60 * 60_000);
    expect(activity.series('q').completed.every((n) => n === 0)).toBe(true);
  });

  it('knows how long the oldest waiting job has waited, until it starts', () => {
    const { clock, events, activity } = setup();
    const a = jobFixture({ id: asJobId('a'), enqueuedAtMs: clock.wallNow() });
    events.emit('job.enqueued', { job: a });
    clock.advance(1_000);
    events.emit('job.enqueued', { job: jobFixture({ id: asJobId('b'), enqueuedAtMs: clock.wallNow() }) });
    clock.advance(500);
    expect(activity.oldestWaitingAgeMs('q')).toBe(1_500);
    events.emit('job.started', { job: a, attempt: 1, worker: 'w' });
    expect(activity.oldestWaitingAgeMs('q')).toBe(500);
  });

  it('keeps a timeline per job, restarts per child and escalations per supervisor', () => {
    const { events, activity } = setup();
    const job = jobFixture({ id: asJobId('j') });
    events.emit('job.enqueued', { job });
    events.emit('job.started', { job, attempt: 1, worker: 'root/q/workers/w1' });
    events.emit('job.cancelled', { job, reason: 'not needed', worker: 'root/q/workers/w1' });
    events.emit('actor.restarted', { supervisor: 'root', id: 'a', path: 'root/a' });
    events.emit('supervisor.escalated', { path: 'root/q', offender: 'workers' });
    expect(activity.timelineOf('j').map((e) => [e.type, e.detail])).toEqual([
      ['enqueued', undefined],
      ['started', 'attempt 1 on root/q/workers/w1'],
      ['cancelled', 'not needed'],
    ]);
    expect(activity.restarts.get('root/a')).toBe(1);
    expect(activity.escalations.get('root/q')).toBe(1);
    activity.dispose();
    events.emit('supervisor.escalated', { path: 'root/q', offender: 'workers' });
    expect(activity.escalations.get('root/q')).toBe(1);
  });
});
