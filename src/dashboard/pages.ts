import { MAX_ATTEMPT_HISTORY } from '../jobs/attempt-history';
import { enqueuedAtOf, JOB_STATES, type JobRecord, type JobState } from '../jobs/job-record';
import { attemptsSection } from './attempts-section';
import { badge, duration, sparkline, timeCell } from './format';
import { html, jsonText, type SafeHtml } from './html';
import type { TimelineEntry } from './activity';
import type { JobView, QueueSummary, QueueView } from './read-model';

/** What every page is rendered with. @internal */
export interface RenderContext {
  /** Relative path from the page to the dashboard root (`./`, `../`…). */
  readonly rel: string;
  readonly canWrite: boolean;
  readonly nowMs: number;
  readonly maxValueChars: number;
  readonly title: string;
}

const q = encodeURIComponent;

/** A link to a queue's page. @internal */
export function queueHref(ctx: RenderContext, queue: string, state?: JobState, cursor?: string): string {
  const params = new URLSearchParams();
  if (state) params.set('state', state);
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return `${ctx.rel}queues/${q(queue)}${query ? `?${query}` : ''}`;
}

/** A link to a job's page. @internal */
export function jobHref(ctx: RenderContext, queue: string, id: string): string {
  return `${ctx.rel}queues/${q(queue)}/jobs/${q(id)}`;
}

/** A button that POSTs to an action (the page script sends it); nothing when the request may not write. @internal */
export function action(ctx: RenderContext, path: string, label: string, body?: unknown, tone = ''): SafeHtml {
  if (!ctx.canWrite) return html``;
  return html`<button
    type="button"
    class="act ${tone}"
    data-post="${ctx.rel}api/${path}"
    data-body="${body === undefined ? '{}' : JSON.stringify(body)}"
  >
    ${label}
  </button>`;
}

function total(summary: QueueSummary, state: JobState): number | undefined {
  if (summary.counts) return summary.counts[state];
  const s = summary.stats;
  switch (state) {
    case 'waiting':
      return Object.values(s.waiting).reduce((a, b) => a + b, 0);
    case 'delayed':
      return s.delayed;
    case 'completed':
      return s.totals.completed;
    case 'failed':
      return s.totals.failed;
    case 'dead':
      return s.totals.dead;
    case 'lost':
      return s.totals.lost;
    default:
      return undefined;
  }
}

function count(summary: QueueSummary, state: JobState): SafeHtml {
  const n = total(summary, state);
  return html`<td class="num" data-count="${state}">${n === undefined ? '—' : n.toLocaleString('en')}</td>`;
}

/**
 * Busy / all workers of the queue, as the overview and the queue's page both show them: this
 * process's pool plus, with records, the other live processes' heartbeats; `—` with none anywhere.
 */
function workers(summary: QueueSummary): SafeHtml {
  const w = summary.workers;
  return w ? html`<span class="busy">${w.busy}</span> / ${w.total}` : html`—`;
}

function status(summary: QueueSummary): SafeHtml {
  return summary.paused ? badge('paused') : badge('running');
}

/** The overview: every queue, one row each. @internal */
export function overviewPage(ctx: RenderContext, queues: readonly QueueSummary[]): SafeHtml {
  const rows = queues.map(
    (s) =>
      html`<tr data-queue="${s.name}">
        <th scope="row">
          <a href="${queueHref(ctx, s.name)}">${s.name}</a
          >${s.hasRecords ? '' : html` <span class="hint" title="no job records: counts are this process's counters since start">counters</span>`}
        </th>
        <td data-field="status">${status(s)}</td>
        ${JOB_STATES.map((state) => count(s, state))}
        <td class="num" data-field="workers">${workers(s)}</td>
        <td class="num" data-field="oldest">
          ${s.oldestWaitingAgeMs === undefined ? '—' : duration(s.oldestWaitingAgeMs)}
        </td>
        <td>${sparkline(s.series.completed, 'completed per minute', 'ok')}</td>
        <td>${sparkline(s.series.failed, 'failed attempts per minute', 'bad')}</td>
      </tr>`,
  );
  return html`<div class="page-head">
      <h1>Queues</h1>
      <p class="sub">${queues.length} running · live</p>
    </div>
    <div class="table-wrap">
      <table class="grid overview">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Status</th>
            ${JOB_STATES.map((s) => html`<th scope="col" class="num">${s}</th>`)}
            <th scope="col" class="num" title="busy / all">Workers</th>
            <th scope="col" class="num">Oldest waiting</th>
            <th scope="col">Completed <span class="keep">· 60 min</span></th>
            <th scope="col">Failed <span class="keep">· 60 min</span></th>
          </tr>
        </thead>
        <tbody>
          ${
            rows.length
              ? rows
              : html`<tr>
                  <td colspan="14" class="empty">No queues are running.</td>
                </tr>`
          }
        </tbody>
      </table>
    </div>`;
}

/** Long ids (UUIDs) cut to their first 8 characters in tables; the link's title holds the whole id. */
function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function jobRow(ctx: RenderContext, r: JobRecord, extra: ((r: JobRecord) => SafeHtml) | undefined): SafeHtml {
  return html`<tr data-job="${r.id}">
    <td class="mono"><a href="${jobHref(ctx, r.queue, r.id)}" title="${r.id}">${shortId(r.id)}</a></td>
    <td>${r.taskName ?? html`<span class="muted">—</span>`}</td>
    <td>${badge(r.state)}</td>
    <td>${r.priority}</td>
    <td class="num">${r.attempts}</td>
    <td>${timeCell(enqueuedAtOf(r), ctx.nowMs)}</td>
    <td>${timeCell(r.finishedAtMs ?? r.startedAtMs, ctx.nowMs)}</td>
    <td class="clip">
      ${r.corrupt ? html`<span data-field="corrupt">cannot be decoded: ${r.corrupt.reason}</span>` : r.error ? r.error.message : (r.reason ?? '')}
    </td>
    ${extra ? html`<td class="actions">${extra(r)}</td>` : ''}
  </tr>`;
}

/** A table of records (with a column of actions when `extra` is given), or a note when there are none. @internal */
export function jobTable(
  ctx: RenderContext,
  records: readonly JobRecord[],
  extra?: (r: JobRecord) => SafeHtml,
): SafeHtml {
  if (records.length === 0) return html`<p class="empty">No jobs here.</p>`;
  return html`<div class="table-wrap">
    <table class="grid jobs">
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Task</th>
          <th scope="col">State</th>
          <th scope="col">Priority</th>
          <th scope="col" class="num">Attempts</th>
          <th scope="col">Enqueued</th>
          <th scope="col">Started / finished</th>
          <th scope="col">Error / reason</th>
          ${extra && ctx.canWrite ? html`<th scope="col"></th>` : ''}
        </tr>
      </thead>
      <tbody>
        ${records.map((r) => jobRow(ctx, r, ctx.canWrite ? extra : undefined))}
      </tbody>
    </table>
  </div>`;
}

/** A queue: its stats, the jobs of one state (a page, newest first), pause and resume. @internal */
export function queuePage(ctx: RenderContext, view: QueueView, cursor: string | undefined): SafeHtml {
  const s = view.summary;
  const name = s.name;
  const waiting = Object.entries(s.stats.waiting).map(
    ([p, n]) =>
      html`<div>
        <dt>waiting · ${p}</dt>
        <dd>${n}</dd>
      </div>`,
  );
  const controls = s.hasRecords
    ? s.paused
      ? action(ctx, `queues/${q(name)}/resume`, 'Resume', undefined, 'primary')
      : action(ctx, `queues/${q(name)}/pause`, 'Pause')
    : html``;
  const tabs = JOB_STATES.map((state) => {
    const n = total(s, state);
    return html`<a
      href="${queueHref(ctx, name, state)}"
      class="tab"
      ${state === view.state ? html` aria-current="page"` : ''}
      >${state}${n === undefined ? '' : html` <span class="n">${n}</span>`}</a
    >`;
  });
  const page = view.page;
  const list = !s.hasRecords
    ? html`<p class="empty">
        This queue keeps no job records, so its jobs cannot be listed; the numbers above are this process's
        counters.
      </p>`
    : html`${jobTable(ctx, page?.records ?? [])}
        <nav class="pager">
          ${cursor ? html`<a href="${queueHref(ctx, name, view.state)}">← Newest</a>` : ''}${page?.cursor ? html`<a href="${queueHref(ctx, name, view.state, page.cursor)}" rel="next">Older →</a>` : ''}
        </nav>`;
  return html`<div class="page-head">
      <h1><a href="${ctx.rel}" class="crumb">Queues</a> / ${name}</h1>
      <span data-field="status">${status(s)}</span>
      <div class="spacer"></div>
      ${controls}
    </div>
    <dl class="stats" data-scope="now">
      ${waiting}
      <div>
        <dt>delayed</dt>
        <dd>${s.stats.delayed}</dd>
      </div>
      <div>
        <dt>workers busy / all · ${s.hasRecords ? 'every process' : 'this process'}</dt>
        <dd data-field="workers">${workers(s)}</dd>
      </div>
    </dl>
    ${s.counts ? storeCards(s.counts) : ''}
    <h2 class="stats-head">Counted by this process since it started</h2>
    <dl class="stats local" data-scope="process">
      ${card('enqueued', s.stats.totals.enqueued)} ${card('completed', s.stats.totals.completed)}
      ${card('failed attempts', s.stats.totals.failed)} ${card('retried', s.stats.totals.retried)}
      ${card('dead', s.stats.totals.dead)} ${card('lost', s.stats.totals.lost)}
    </dl>
    ${s.hasRecords ? html`<nav class="tabs" aria-label="states">${tabs}</nav>` : ''} ${list}`;
}

function card(label: string, n: number): SafeHtml {
  return html`<div>
    <dt>${label}</dt>
    <dd>${n.toLocaleString('en')}</dd>
  </div>`;
}

/**
 * The store's totals per state: what every process sharing the queue reads. The process's own
 * counters go below them under their own heading, so "completed 0" of a process that ran no job
 * never sits unlabelled beside the store's "completed 292".
 */
function storeCards(counts: Readonly<Record<JobState, number>>): SafeHtml {
  return html`<h2 class="stats-head">Jobs in the store, every process</h2>
    <dl class="stats" data-scope="store">${JOB_STATES.map((state) => card(state, counts[state]))}</dl>`;
}

function pre(value: unknown, ctx: RenderContext, field: string): SafeHtml {
  return html`<pre class="value" data-field="${field}">${jsonText(value, ctx.maxValueChars)}</pre>`;
}

/** One job: what it carries, how it went, and its events. @internal */
export function jobPage(ctx: RenderContext, view: JobView, id: string): SafeHtml {
  const head = html`<h1>
    <a href="${ctx.rel}" class="crumb">Queues</a> /
    <a href="${queueHref(ctx, view.queue)}" class="crumb">${view.queue}</a> / <span class="mono">${id}</span>
  </h1>`;
  if (!view.hasRecords)
    return html`<div class="page-head">${head}</div>
      <p class="empty">This queue keeps no job records, so jobs cannot be looked up.</p>
      ${timeline(ctx, view, undefined)}`;
  const r = view.record;
  if (!r)
    return html`<div class="page-head">${head}</div>
      <p class="empty">No job ${id} in this queue (it may have been pruned by retention).</p>`;
  const base = `queues/${q(r.queue)}/jobs/${q(r.id)}`;
  const acts = html`${r.state === 'dead' || r.state === 'lost' ? action(ctx, `${base}/retry`, 'Retry', undefined, 'primary') : ''}${r.state === 'waiting' || r.state === 'delayed' || r.state === 'active' || r.state === 'failed' ? action(ctx, `${base}/cancel`, 'Cancel', { reason: 'cancelled from the dashboard' }) : ''}${action(ctx, `${base}/remove`, 'Remove', undefined, 'danger')}`;
  const fields: Array<[string, SafeHtml | string]> = [
    ['task', r.taskName ?? '—'],
    ['priority', r.priority],
    ['attempts', `${r.attempts} of ${r.options.maxRetries + 1}`],
    ['enqueued', timeCell(enqueuedAtOf(r), ctx.nowMs)],
    ['due', timeCell(r.runAtMs, ctx.nowMs)],
    ['started', timeCell(r.startedAtMs, ctx.nowMs)],
    ['finished', timeCell(r.finishedAtMs, ctx.nowMs)],
    ['process', r.processId ?? '—'],
    ['worker', r.worker ?? '—'],
  ];
  if (r.reason) fields.push(['reason', r.reason]);
  if (r.deadLetterOf) fields.push(['dead letter of', `${r.deadLetterOf.queue} / ${r.deadLetterOf.jobId}`]);
  return html`<div class="page-head">
      ${head}<span data-field="state">${badge(r.state)}</span>
      <div class="spacer"></div>
      ${acts}
    </div>
    <dl class="fields">
      ${fields.map(
        ([k, v]) =>
          html`<div>
            <dt>${k}</dt>
            <dd>${v}</dd>
          </div>`,
      )}
    </dl>
    ${
      r.corrupt
        ? html`<section class="error" data-field="corrupt">
            <h2>Record cannot be decoded</h2>
            <p>${r.corrupt.reason}</p>
            <p>The store's own fields above are exact; payload and options show what could be read.</p>
          </section>`
        : ''
    }
    <div class="cols">
      <section>
        <h2>Payload</h2>
        ${pre(r.task, ctx, 'payload')}
      </section>
      <section>
        <h2>Options</h2>
        ${pre(r.options, ctx, 'options')}
      </section>
    </div>
    ${
      r.error
        ? html`<section class="error">
            <h2>Last error</h2>
            <p>
              <strong>${r.error.name}</strong
              >${r.error.code ? html` <span class="mono">${r.error.code}</span>` : ''}: ${r.error.message}
            </p>
            ${r.error.stack ? html`<pre class="value stack">${r.error.stack.slice(0, ctx.maxValueChars)}</pre>` : ''}
          </section>`
        : ''
    }
    ${attemptsSection(r, ctx.nowMs)}
    <div class="cols">
      <section>
        <h2>Result</h2>
        ${pre(r.result, ctx, 'result')}
      </section>
      <section>
        <h2>Progress</h2>
        ${pre(r.progress, ctx, 'progress')}
      </section>
    </div>
    ${timeline(ctx, view, r)}`;
}

/**
 * The job's timeline. With a record: the steps the record tells (the same in every process
 * sharing the store), then, when there are any, the events this process saw, which can say more
 * (earlier attempts) but only since this dashboard started. Without records: those events only.
 */
function timeline(ctx: RenderContext, view: JobView, r: JobRecord | undefined): SafeHtml {
  const seen = html`<p class="hint">Events this process saw since the dashboard started.</p>`;
  if (!r)
    return html`<section>
      <h2>Timeline</h2>
      ${view.seen.length === 0 ? html`<p class="empty">No events seen by this process.</p>` : entries(ctx, view.seen, 'events')}
      ${seen}
    </section>`;
  return html`<section>
    <h2>Timeline</h2>
    ${entries(ctx, view.timeline, 'record')}
    <p class="hint">
      From the job's record in the store, the same in every process: its failed attempts the record keeps (the
      last ${MAX_ATTEMPT_HISTORY}), its latest attempt and how it ended (attempts it does not keep are
      counted; a step the record keeps no time for shows —).
    </p>
    ${
      view.seen.length === 0
        ? ''
        : html`<h3 class="stats-head">Events this process saw</h3>
            ${entries(ctx, view.seen, 'events')}${seen}`
    }
  </section>`;
}

function entries(ctx: RenderContext, list: readonly TimelineEntry[], source: string): SafeHtml {
  return html`<ol class="timeline" data-source="${source}">
    ${list.map((e) => html`<li>${timeCell(e.atMs, ctx.nowMs)} ${badge(e.type)} <span class="muted">${e.detail ?? ''}</span></li>`)}
  </ol>`;
}
