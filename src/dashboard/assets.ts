/**
 * The page's only two assets, kept as TypeScript strings so `tsc` puts them in dist/ with the
 * rest of the package (no copy step, no CDN). The script opens the live stream and sends the
 * action buttons' POSTs; everything it puts in the page is either server-rendered (escaped)
 * HTML or `textContent`. @internal
 */

export const DASHBOARD_JS = `(function () {
  'use strict';
  var body = document.body;
  var view = document.getElementById('view');
  var flash = document.getElementById('flash');
  var url = body.getAttribute('data-events');
  var source = null;
  function open() {
    if (source || !url || !window.EventSource) return;
    source = new EventSource(url);
    source.addEventListener('view', function (event) {
      var data = JSON.parse(event.data);
      if (view.innerHTML !== data.html) view.innerHTML = data.html;
      body.setAttribute('data-updates', String(Number(body.getAttribute('data-updates') || 0) + 1));
    });
  }
  function close() {
    if (source) source.close();
    source = null;
  }
  document.addEventListener('visibilitychange', function () {
    if (document.hidden) close();
    else open();
  });
  window.addEventListener('pagehide', close);
  open();
  function show(text, bad) {
    flash.textContent = text;
    flash.className = bad ? 'flash bad' : 'flash';
    flash.hidden = false;
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('button[data-post]') : null;
    if (!button) return;
    event.preventDefault();
    button.disabled = true;
    fetch(button.getAttribute('data-post'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: button.getAttribute('data-body') || '{}'
    })
      .then(function (response) {
        return response.json().then(function (reply) {
          if (reply.ok) show(reply.message || 'Done', false);
          else show((reply.error && reply.error.message) || 'Failed (' + response.status + ')', true);
        });
      })
      .catch(function (error) { show(String(error), true); })
      .then(function () { button.disabled = false; });
  });
})();
`;

export const DASHBOARD_CSS = `:root {
  --ink: #1c2430; --muted: #667085; --line: #e4e7ec; --bg: #f7f8fa; --panel: #ffffff;
  --accent: #2f5bd3; --ok: #1f7a4d; --ok-bg: #e7f5ee; --warn: #9a5b00; --warn-bg: #fdf3e1;
  --bad: #b42318; --bad-bg: #fdecea; --idle-bg: #eef1f5;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.top { display: flex; align-items: center; gap: 24px; padding: 0 28px; height: 52px; background: #17202d; color: #d7dde7; }
.top .brand { color: #fff; font-weight: 650; letter-spacing: .02em; font-size: 16px; }
.top nav { display: flex; gap: 4px; flex: 1; }
.top nav a { color: #b9c2d0; padding: 6px 10px; border-radius: 6px; }
.top nav a[aria-current="page"], .top nav a:hover { color: #fff; background: #263246; text-decoration: none; }
.mode { font-size: 12px; padding: 3px 8px; border-radius: 10px; background: #263246; color: #c9d2df; }
.mode.write { background: #3b2f12; color: #f5d48c; }
main { padding: 24px 28px 48px; max-width: 1480px; }
.page-head { display: flex; align-items: baseline; gap: 12px; margin-bottom: 16px; flex-wrap: wrap; }
.page-head h1 { font-size: 20px; font-weight: 620; margin: 0; }
.page-head .sub { margin: 0; color: var(--muted); }
.page-head .spacer { flex: 1; }
.crumb { color: var(--muted); font-weight: 500; }
h2 { font-size: 15px; font-weight: 620; margin: 22px 0 8px; }
h3 { font-size: 14px; font-weight: 620; margin: 0; }
.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
table.grid { border-collapse: collapse; width: 100%; }
.grid th, .grid td { padding: 8px 11px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; vertical-align: middle; }
.grid thead th { font-size: 11.5px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; background: #fbfcfd; }
.grid tbody tr:last-child > * { border-bottom: 0; }
.grid tbody tr:hover { background: #fafbff; }
/* The overview's 14 columns fit a 1280 px window: headers wrap ("Completed · 60 min" is wider than
   its sparkline), and its cells are a little tighter. */
.overview thead th { white-space: normal; vertical-align: bottom; }
.overview thead .keep { white-space: nowrap; }
.overview th, .overview td { padding-left: 8px; padding-right: 8px; }
.grid tbody th { font-weight: 600; }
.num { text-align: right !important; font-variant-numeric: tabular-nums; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.muted, .hint { color: var(--muted); }
.hint { font-size: 12px; font-weight: 400; }
.clip { max-width: 300px; overflow: hidden; text-overflow: ellipsis; }
.empty { color: var(--muted); padding: 18px; background: var(--panel); border: 1px dashed var(--line); border-radius: 8px; margin: 0; }
.badge { display: inline-block; font-size: 12px; line-height: 18px; padding: 0 8px; border-radius: 9px; background: var(--idle-bg); color: #344054; }
.badge.running, .badge.completed, .badge.alive { background: var(--ok-bg); color: var(--ok); }
.badge.paused, .badge.delayed, .badge.restarting, .badge.retrying, .badge.failed { background: var(--warn-bg); color: var(--warn); }
.badge.dead, .badge.lost, .badge.stopped, .badge.cancelled { background: var(--bad-bg); color: var(--bad); }
.badge.active, .badge.started { background: #e8eefc; color: var(--accent); }
.badge.strategy { background: #f0f2f5; color: #475467; font-family: ui-monospace, Menlo, monospace; font-size: 11.5px; }
.spark-cell { display: inline-flex; align-items: center; gap: 8px; }
.spark polyline { fill: none; stroke-width: 1.5; stroke-linejoin: round; }
.spark.ok polyline { stroke: var(--accent); }
.spark.bad polyline { stroke: var(--bad); }
.spark-total { font-variant-numeric: tabular-nums; color: var(--muted); font-size: 12px; min-width: 2em; }
.busy { font-weight: 600; }
button.act { font: inherit; font-size: 13px; padding: 5px 12px; border-radius: 6px; border: 1px solid #cfd5dd; background: #fff; color: var(--ink); cursor: pointer; margin-left: 6px; }
button.act:hover { background: #f2f4f7; }
button.act.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.act.danger { color: var(--bad); border-color: #f0c3bf; }
button.act:disabled { opacity: .5; cursor: wait; }
td.actions { text-align: right; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 0 0 18px; }
.stats-head { font-size: 12px; font-weight: 600; color: var(--muted); margin: 0 0 6px; }
.stats.local dd { font-size: 14px; color: var(--muted); }
.stats div, .fields div { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 110px; }
dt { font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
dd { margin: 2px 0 0; font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; }
.fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; margin: 0 0 8px; }
.fields dd { font-size: 13.5px; font-weight: 500; overflow-wrap: anywhere; }
.tabs { display: flex; gap: 2px; border-bottom: 1px solid var(--line); margin-bottom: 14px; }
.tabs a { padding: 8px 12px; color: var(--muted); border-bottom: 2px solid transparent; margin-bottom: -1px; }
.tabs a[aria-current="page"] { color: var(--ink); border-bottom-color: var(--accent); font-weight: 600; }
.tabs .n, .part-head .n { font-size: 11.5px; background: var(--idle-bg); border-radius: 8px; padding: 0 6px; margin-left: 2px; color: #475467; }
.pager { display: flex; gap: 16px; margin-top: 12px; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
pre.value { background: #0f1720; color: #e6edf3; padding: 12px 14px; border-radius: 8px; overflow: auto; max-height: 360px; margin: 0; font-size: 12.5px; white-space: pre-wrap; overflow-wrap: anywhere; }
.error p { margin: 0 0 8px; color: var(--bad); }
.timeline { list-style: none; padding: 0; margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
.timeline li { padding: 7px 14px; border-bottom: 1px solid var(--line); display: flex; gap: 12px; align-items: center; }
.timeline li:last-child { border-bottom: 0; }
.flash { position: fixed; right: 24px; bottom: 24px; background: #17202d; color: #fff; padding: 10px 16px; border-radius: 8px; box-shadow: 0 4px 16px rgba(0,0,0,.15); }
.flash.bad { background: var(--bad); }
.banner { background: #eef2f8; color: #344054; border-bottom: 1px solid var(--line); padding: 6px 28px; font-size: 13px; }
.queue-block { margin-bottom: 28px; }
.part { margin: 10px 0 16px; }
.part-head { display: flex; align-items: center; gap: 10px; margin-bottom: 8px; }
.part-head h3 { text-transform: capitalize; }
.sup { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin: 10px 0; }
.sup .sup { background: #fcfcfd; }
.sup-head { display: flex; align-items: center; gap: 10px; margin-bottom: 6px; }
.sup-meta { display: flex; align-items: center; gap: 14px; color: var(--muted); font-size: 12.5px; margin-bottom: 8px; flex-wrap: wrap; }
.sup-meta .alert { color: var(--bad); font-weight: 600; }
.sup table.grid { border: 1px solid var(--line); border-radius: 6px; }
.subtrees { margin-left: 18px; padding-left: 14px; border-left: 2px solid var(--line); }
meter { width: 110px; height: 10px; }
@media (max-width: 900px) { .cols { grid-template-columns: 1fr; } main { padding: 16px; } }
`;

/** A small mark for the browser tab (without one, browsers ask for /favicon.ico outside the mount). */
export const DASHBOARD_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#17202d"/><circle cx="15" cy="15" r="7.5" fill="none" stroke="#7ea2ff" stroke-width="3"/><path d="M19.5 19.5 25 25" stroke="#7ea2ff" stroke-width="3" stroke-linecap="round"/></svg>
`;
