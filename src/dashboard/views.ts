import { JOB_STATES, type JobState } from '../jobs/job-record';
import type { Activity } from './activity';
import { html, type SafeHtml } from './html';
import { deadPage, processesPage, treePage } from './ops-pages';
import { jobPage, overviewPage, queuePage, type RenderContext } from './pages';
import type { ReadModel } from './read-model';

/** The pages of the top bar, by path. */
export const NAV: readonly (readonly [string, string])[] = [
  ['/', 'Overview'],
  ['/dead', 'Dead & lost'],
  ['/tree', 'Supervision'],
  ['/processes', 'Processes'],
];

/** A rendered page body and what the top bar marks as current. @internal */
export interface RenderedView {
  readonly title: string;
  readonly section: string;
  readonly main: SafeHtml;
}

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/**
 * Renders the view at `subPath` (`/`, `/queues/<q>`, `/queues/<q>/jobs/<id>`, `/dead`, `/tree`,
 * `/processes`) with its URL filters; `undefined` when there is no such page or queue. @internal
 */
export async function renderView(
  model: ReadModel,
  activity: Activity,
  ctx: RenderContext,
  subPath: string,
  params: URLSearchParams,
): Promise<RenderedView | undefined> {
  if (subPath === '/')
    return { title: 'Queues', section: '/', main: overviewPage(ctx, await model.overview()) };
  if (subPath === '/dead') {
    const only = params.get('queue') ?? undefined;
    return { title: 'Dead & lost', section: '/dead', main: deadPage(ctx, await model.dead(only)) };
  }
  if (subPath === '/tree')
    return { title: 'Supervision tree', section: '/tree', main: treePage(ctx, await model.tree(), activity) };
  if (subPath === '/processes')
    return { title: 'Processes', section: '/processes', main: processesPage(ctx, await model.processes()) };
  const parts = subPath.split('/');
  if (parts[1] !== 'queues' || parts[2] === undefined) return undefined;
  const queue = decode(parts[2]);
  if (queue === undefined || !model.queues().includes(queue)) return undefined;
  if (parts.length === 3) {
    const asked = params.get('state');
    const state: JobState = (JOB_STATES as readonly string[]).includes(asked ?? '')
      ? (asked as JobState)
      : 'waiting';
    const cursor = params.get('cursor') ?? undefined;
    return {
      title: queue,
      section: '/',
      main: queuePage(ctx, await model.queue(queue, state, cursor), cursor),
    };
  }
  if (parts.length === 5 && parts[3] === 'jobs' && parts[4]) {
    const id = decode(parts[4]);
    if (id === undefined) return undefined;
    return { title: `Job ${id}`, section: '/', main: jobPage(ctx, await model.job(queue, id), id) };
  }
  return undefined;
}

/** The whole page around a view: the top bar, the live-update hook and the assets, all relative. @internal */
export function layout(ctx: RenderContext, view: RenderedView, eventsView: string): string {
  const nav = NAV.map(
    ([path, label]) =>
      html`<a href="${ctx.rel}${path.slice(1)}" ${path === view.section ? html` aria-current="page"` : ''}
        >${label}</a
      >`,
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${view.title} · ${ctx.title}</title>
        <link rel="icon" href="${ctx.rel}assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="${ctx.rel}assets/dashboard.css" />
        <script src="${ctx.rel}assets/dashboard.js" defer></script>
      </head>
      <body data-events="${ctx.rel}api/events?view=${encodeURIComponent(eventsView)}">
        <header class="top">
          <a class="brand" href="${ctx.rel}">${ctx.title}</a>
          <nav>${nav}</nav>
          <span class="mode${ctx.canWrite ? ' write' : ''}" data-field="mode"
            >${ctx.canWrite ? 'read-write' : 'read-only'}</span
          >
        </header>
        <div id="flash" role="status" hidden></div>
        <main id="view">${view.main}</main>
      </body>
    </html>`.value;
}
