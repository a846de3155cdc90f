import { html, type SafeHtml } from './html';

/** A duration for people: `850 ms`, `12 s`, `4 min`, `3 h`, `2 d`. @internal */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

/** A wall-clock time in UTC, to the second: `2026-12-01 08:35:12`. @internal */
export function timestamp(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** A `<time>` with the UTC time as text and how long ago as its title. @internal */
export function timeCell(ms: number | undefined, nowMs: number): SafeHtml {
  if (ms === undefined) return html`<span class="muted">—</span>`;
  return html`<time datetime="${new Date(ms).toISOString()}" title="${duration(Math.max(0, nowMs - ms))} ago"
    >${timestamp(ms)}</time
  >`;
}

/** A sparkline of one value per minute, oldest first, as an inline SVG (no script, no style attribute). @internal */
export function sparkline(values: readonly number[], label: string, kind: 'ok' | 'bad'): SafeHtml {
  const w = 84;
  const h = 24;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`)
    .join(' ');
  const total = values.reduce((a, b) => a + b, 0);
  return html`<span class="spark-cell"
    ><svg
      class="spark ${kind}"
      viewBox="0 0 ${w} ${h}"
      width="${w}"
      height="${h}"
      role="img"
      aria-label="${label}: ${total} in the last 60 minutes"
    >
      <polyline points="${points}"></polyline></svg
    ><span class="spark-total">${total}</span></span
  >`;
}

/** A state badge. @internal */
export function badge(text: string, tone?: string): SafeHtml {
  return html`<span class="badge ${tone ?? text}">${text}</span>`;
}

/** Path segments to reach the dashboard root from a page at `subPath` (`/queues/a` → `../`). @internal */
export function relativeRoot(subPath: string): string {
  const depth = subPath.split('/').length - 2;
  return depth <= 0 ? './' : '../'.repeat(depth);
}
