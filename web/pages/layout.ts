// The page shell every web page shares: readable on a phone, visible focus, the CSRF token for htmx and scripts.
import { html, raw, type SafeHtml } from '../html';

const styles = `
:root { color-scheme: light; --ink:#1b1f24; --muted:#57606a; --line:#d0d7de; --bg:#f6f8fa; --card:#fff; --accent:#0550ae;
  --breached:#a40e26; --at_risk:#9a6700; --within:#1a7f37; --met:#57606a; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
header { display:flex; flex-wrap:wrap; gap:.75rem; align-items:center; padding:.5rem 1rem; background:#24292f; color:#fff; }
header a, header button { color:#fff; }
header nav { display:flex; gap:1rem; flex-wrap:wrap; flex:1; }
header .who { font-size:.9rem; opacity:.85; }
main { padding: 1rem; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #fb8500; outline-offset: 2px; }
button, select, input { font: inherit; min-height: 2rem; }
button { cursor:pointer; border:1px solid var(--line); background:#f3f4f6; border-radius:6px; padding:.2rem .6rem; color: var(--ink); }
header button { background:transparent; border-color:#57606a; }
.toolbar { display:flex; gap:.75rem; flex-wrap:wrap; align-items:center; margin-bottom:.75rem; }
.board { display:grid; grid-auto-flow: column; grid-auto-columns: minmax(16rem, 1fr); gap:.75rem; overflow-x:auto; align-items:start; }
@media (max-width: 700px) { .board { grid-auto-flow: row; grid-auto-columns: auto; } }
.column { background:#eaeef2; border-radius:8px; padding:.5rem; min-width:0; }
.column h2 { font-size:1rem; margin:.25rem .25rem .5rem; display:flex; justify-content:space-between; }
.column[data-option="Escalated"] { background:#ffebe9; }
.cards { list-style:none; margin:0; padding:0; min-height:3rem; display:flex; flex-direction:column; gap:.5rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:.5rem; cursor:grab; }
.card .title { font-weight:600; display:block; margin-bottom:.25rem; overflow-wrap:anywhere; }
.card dl { display:grid; grid-template-columns:auto 1fr; gap:0 .5rem; margin:.25rem 0; font-size:.85rem; }
.card dt { color: var(--muted); } .card dd { margin:0; overflow-wrap:anywhere; }
.priority { display:inline-block; font-size:.75rem; font-weight:700; padding:0 .35rem; border-radius:4px; background:#ddf4ff; margin-right:.25rem; }
.priority.P1 { background:#ffcecb; } .priority.P2 { background:#fff1c5; }
.sla { font-weight:600; } .sla.breached { color:var(--breached); } .sla.at_risk { color:var(--at_risk); } .sla.within { color:var(--within); } .sla.met { color:var(--met); }
.move select { max-width: 100%; }
.move { display:flex; gap:.25rem; align-items:center; flex-wrap:wrap; font-size:.85rem; margin-top:.25rem; }
.more { display:block; margin:.5rem .25rem 0; }
.sortable-ghost { opacity:.4; } .sortable-drag { transform: rotate(2deg); }
table { border-collapse: collapse; background:#fff; width:100%; }
th[scope="row"] { width: 14rem; }
th, td { text-align:left; border-bottom:1px solid var(--line); padding:.3rem .5rem; vertical-align:top; overflow-wrap:anywhere; }
.panels { display:grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap:1rem; }
.panel { background:#fff; border:1px solid var(--line); border-radius:8px; padding:.75rem; }
.panel h2 { font-size:1.05rem; margin-top:0; }
.document { white-space: pre-wrap; overflow-wrap:anywhere; font: inherit; margin:0; }
.actions { display:flex; gap:.5rem; flex-wrap:wrap; }
.job { margin-bottom:1rem; } .job small { font-weight:400; color:var(--muted); }
.job dl { display:grid; grid-template-columns:auto 1fr; gap:.25rem .75rem; } .job dt { color:var(--muted); } .job dd { margin:0; overflow-wrap:anywhere; }
.next-runs { margin:0; padding-left:1.1rem; } .job form { margin-top:.5rem; }
.notice { background:#ddf4ff; border:1px solid #54aeff; padding:.5rem .75rem; border-radius:6px; margin-bottom:.75rem; }
.error { background:#ffebe9; border-color:#ff8182; }
.legend { list-style:none; display:flex; flex-wrap:wrap; gap:1rem; padding:0; margin:.5rem 0; }
.chart { margin:0 0 1rem; }
.document-view { overflow-wrap:anywhere; } .document-view pre { white-space: pre-wrap; }
textarea { width:100%; font: 14px/1.4 ui-monospace, monospace; }
.visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
`;

export interface LayoutOptions {
  title: string;
  /** The signed-in person, shown in the header; absent on the sign-in error page. */
  person?: string;
  csrf?: string;
  scripts?: boolean;
  body: SafeHtml;
}

/** A whole page around `body`. */
export function layout(options: LayoutOptions): string {
  const headers = options.csrf ? JSON.stringify({ 'X-CSRF-Token': options.csrf }) : undefined;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · escalator</title>
${options.csrf ? html`<meta name="csrf-token" content="${options.csrf}">` : ''}
<style>${raw(styles)}</style>
${options.scripts ? html`<script src="/static/htmx.min.js" defer></script><script src="/static/Sortable.min.js" defer></script><script src="/static/board.js" defer></script>` : ''}
</head><body${headers ? html` hx-headers="${headers}"` : ''}>
<a class="visually-hidden" href="#main">Skip to content</a>
<header><strong>escalator</strong>
${options.person ? html`<nav aria-label="Main"><a href="/board/support_tickets">Board</a><a href="/views/support_tickets">Views</a><a href="/sla">SLA</a><a href="/jobs">Jobs</a><a href="/reports">Reports</a></nav>
<span class="who">signed in as ${options.person}</span>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${options.csrf ?? ''}"><button type="submit">Sign out</button></form>` : ''}
</header>
<main id="main" tabindex="-1">${options.body}</main>
</body></html>`.value;
}
