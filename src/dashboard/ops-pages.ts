import type { InspectedChild } from '../supervision/supervisor-messages';
import type { SupervisionNode } from '../runtime/supervision-tree';
import type { Activity } from './activity';
import { badge, duration, timeCell } from './format';
import { html, type SafeHtml } from './html';
import { action, jobTable, queueHref, type RenderContext } from './pages';
import type { DeadView, ProcessRow } from './read-model';

const q = encodeURIComponent;

/** Dead and lost jobs of every queue with records: retry one, retry all, remove. @internal */
export function deadPage(ctx: RenderContext, view: DeadView): SafeHtml {
  const quiet = view.queues.filter((queue) => queue.counts.dead === 0 && queue.counts.lost === 0);
  const sections = view.queues
    .filter((queue) => !quiet.includes(queue))
    .map((queue) => {
      const rowActions = (r: { id: string; queue: string }): SafeHtml =>
        html`${action(ctx, `queues/${q(r.queue)}/jobs/${q(r.id)}/retry`, 'Retry', undefined, 'primary')}${action(ctx, `queues/${q(r.queue)}/jobs/${q(r.id)}/remove`, 'Remove', undefined, 'danger')}`;
      const part = (state: 'dead' | 'lost', records: DeadView['queues'][number]['dead']): SafeHtml =>
        html`<div class="part" data-state="${state}">
          <div class="part-head">
            <h3>${state} <span class="n">${queue.counts[state]}</span></h3>
            ${queue.counts[state] > 0 ? action(ctx, `queues/${q(queue.name)}/retry-all`, `Retry all ${state}`, { state }) : ''}${records.cursor ? html`<a href="${queueHref(ctx, queue.name, state, records.cursor)}">more…</a>` : ''}
          </div>
          ${jobTable(ctx, records.records, rowActions)}
        </div>`;
      return html`<section class="queue-block" data-queue="${queue.name}">
        <h2><a href="${queueHref(ctx, queue.name)}">${queue.name}</a></h2>
        ${part('dead', queue.dead)}${part('lost', queue.lost)}
      </section>`;
    });
  return html`<div class="page-head">
      <h1>Dead &amp; lost</h1>
      <p class="sub">jobs that failed for good, and jobs lost with a worker or a process</p>
    </div>
    ${sections}
    ${quiet.length ? html`<p class="empty" data-field="quiet">Nothing dead or lost in ${quiet.map((queue) => queue.name).join(', ')}.</p>` : ''}
    ${view.queues.length === 0 ? html`<p class="empty">No queue keeps job records.</p>` : ''}
    ${view.withoutRecords.length ? html`<p class="hint">Without job records (counters only): ${view.withoutRecords.join(', ')}.</p>` : ''}`;
}

function childRows(node: SupervisionNode, activity: Activity): SafeHtml[] {
  if (node.kind === 'dynamic-supervisor') {
    // A pool holds many children of one spec: one row per id and state, with a count.
    const groups = new Map<string, { child: InspectedChild; n: number }>();
    for (const c of node.children) {
      const key = `${c.id}\u0000${c.state}`;
      const g = groups.get(key);
      if (g) g.n++;
      else groups.set(key, { child: c, n: 1 });
    }
    return [...groups.values()].map(
      ({ child, n }) =>
        html`<tr data-child="${child.id}">
          <td class="mono">${child.id} × ${n}</td>
          <td>${child.type}</td>
          <td data-field="state">${badge(child.state)}</td>
          <td class="num" data-field="restarts">${activity.restarts.get(`${node.path}/${child.id}`) ?? 0}</td>
        </tr>`,
    );
  }
  return node.children.map(
    (c) =>
      html`<tr data-child="${c.id}">
        <td class="mono">${c.id}</td>
        <td>${c.type}</td>
        <td data-field="state">${badge(c.state)}</td>
        <td class="num" data-field="restarts">${activity.restarts.get(`${node.path}/${c.id}`) ?? 0}</td>
      </tr>`,
  );
}

function supervisorBlock(node: SupervisionNode, activity: Activity): SafeHtml {
  const { maxRestarts, withinMs } = node.intensity;
  const used = node.restartsInWindow;
  const escalations = activity.escalations.get(node.path) ?? 0;
  return html`<section class="sup" data-supervisor="${node.path}">
    <div class="sup-head">
      <h3>${node.id}</h3>
      <span class="mono muted">${node.path}</span
      >${badge(node.strategy, 'strategy')}${node.kind === 'dynamic-supervisor' ? badge('dynamic', 'strategy') : ''}
    </div>
    <div class="sup-meta">
      <span class="meter-label">intensity</span
      ><meter
        min="0"
        max="${Math.max(1, maxRestarts)}"
        low="${Math.max(1, maxRestarts) * 0.5}"
        high="${Math.max(1, maxRestarts) * 0.8}"
        optimum="0"
        value="${used}"
      ></meter
      ><span data-field="window">${used} of ${maxRestarts} restarts in ${duration(withinMs)}</span
      ><span data-field="restarts">restarts seen: ${activity.supervisorRestarts.get(node.path) ?? 0}</span
      ><span data-field="escalations" ${escalations ? html` class="alert"` : ''}
        >escalations: ${escalations}</span
      >
    </div>
    <table class="grid children">
      <thead>
        <tr>
          <th scope="col">Child</th>
          <th scope="col">Type</th>
          <th scope="col">State</th>
          <th scope="col" class="num">Restarts</th>
        </tr>
      </thead>
      <tbody>
        ${childRows(node, activity)}
      </tbody>
    </table>
    ${node.subtrees.length ? html`<div class="subtrees">${node.subtrees.map((s) => supervisorBlock(s, activity))}</div>` : ''}
  </section>`;
}

/** The live supervision tree. @internal */
export function treePage(
  ctx: RenderContext,
  tree: SupervisionNode | undefined,
  activity: Activity,
): SafeHtml {
  void ctx;
  const lost = [...activity.escalations.entries()];
  return html`<div class="page-head">
      <h1>Supervision tree</h1>
      <p class="sub">strategies, children, restart intensity · live</p>
    </div>
    ${tree ? supervisorBlock(tree, activity) : html`<p class="empty">The system has stopped.</p>`}
    ${
      lost.length
        ? html`<section>
            <h2>Escalations seen</h2>
            <ul>
              ${lost.map(([path, n]) => html`<li><span class="mono">${path}</span>: ${n}</li>`)}
            </ul>
          </section>`
        : ''
    }`;
}

/** The processes sharing the queues' stores, by their heartbeats. @internal */
export function processesPage(
  ctx: RenderContext,
  view: { rows: readonly ProcessRow[]; withoutRecords: readonly string[] },
): SafeHtml {
  const rows = view.rows.map((p) => {
    const alive = p.expiresAtMs > ctx.nowMs;
    return html`<tr data-process="${p.processId}">
      <td class="mono">${p.processId}</td>
      <td>${p.host}</td>
      <td class="num">${p.pid}</td>
      <td><a href="${queueHref(ctx, p.queue)}">${p.queue}</a></td>
      <td class="num">${p.workers.busy} / ${p.workers.total}</td>
      <td>${timeCell(p.startedAtMs, ctx.nowMs)}</td>
      <td>${duration(Math.max(0, ctx.nowMs - p.lastBeatAtMs))} ago</td>
      <td>${alive ? badge('alive', 'running') : badge('gone', 'lost')}</td>
    </tr>`;
  });
  return html`<div class="page-head">
      <h1>Processes</h1>
      <p class="sub">on shared stores, by heartbeat · live</p>
    </div>
    ${
      rows.length
        ? html`<div class="table-wrap">
            <table class="grid processes">
              <thead>
                <tr>
                  <th scope="col">Process</th>
                  <th scope="col">Host</th>
                  <th scope="col" class="num">PID</th>
                  <th scope="col">Queue</th>
                  <th scope="col" class="num">Workers busy / all</th>
                  <th scope="col">Started</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col">Lease</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>
          </div>`
        : html`<p class="empty">No process has reported a heartbeat.</p>`
    }
    ${view.withoutRecords.length ? html`<p class="hint">Without job records (no heartbeats): ${view.withoutRecords.join(', ')}.</p>` : ''}`;
}
