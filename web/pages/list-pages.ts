// The table pages: an object's saved views and one view's entries, the SLA clocks of open tickets.
import type { SlaRow } from '../../jobs/sla';
import type { Row } from '../../objects/database';
import type { ObjectDefinition, ViewDefinition } from '../../objects/object-schema';
import { html, type SafeHtml } from '../html';
import type { ViewColumns } from '../view-columns';
import { describeClock, displayValue, formatMoney, slaLabels } from './format';

const entryLink = (object: string, id: string) => `/entry/${encodeURIComponent(object)}/${encodeURIComponent(id)}`;

/** The saved views of an object, each a link to its table and its board. */
export function renderViewList(definition: ObjectDefinition): SafeHtml {
  const base = encodeURIComponent(definition.name);
  return html`<h1>Views of ${definition.name}</h1>
${definition.views.length ? html`<ul>${definition.views.map((view) => html`<li><a href="/views/${base}/${encodeURIComponent(view.name)}">${view.name}</a>
 (<a href="/board/${base}?view=${encodeURIComponent(view.name)}">as a board</a>)${view.description ? html` — ${view.description}` : ''}</li>`)}</ul>`
    : html`<p>No saved views yet. Ask the agent: "Build a view that shows open tickets with account context".</p>`}`;
}

/** One saved view as a table: its columns (or the first fields), the entry's title linking to its page. */
export function renderViewTable(options: { definition: ObjectDefinition; view: ViewDefinition; table: ViewColumns; total: number; timeZone: string }): SafeHtml {
  const { definition, view, timeZone } = options;
  const { columns, rows, money } = options.table;
  const cell = (row: Row, column: string) => (money.has(column) && typeof row[column] === 'number' ? formatMoney(row[column]) : displayValue(row[column], timeZone));
  return html`<h1>${view.name}</h1>
<p>${options.total} ${definition.name} entr${options.total === 1 ? 'y' : 'ies'}${options.total > rows.length ? `, the first ${rows.length} shown` : ''}. <a href="/board/${encodeURIComponent(definition.name)}?view=${encodeURIComponent(view.name)}">As a board</a></p>
<div style="overflow-x:auto"><table><caption class="visually-hidden">${view.name}</caption>
<thead><tr>${columns.map((column) => html`<th scope="col">${column}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr>${columns.map((column) => html`<td>${column === definition.displayField
    ? html`<a href="${entryLink(definition.name, String(row.id))}">${displayValue(row[column] ?? row.id, timeZone)}</a>`
    : cell(row, column)}</td>`)}</tr>`)}</tbody></table></div>`;
}

/** The SLA clocks of open tickets, the most urgent first. */
export function renderSlaTable(options: { object: string; all: SlaRow[]; rows: SlaRow[] }): SafeHtml {
  const { rows } = options;
  const counts = { breached: 0, at_risk: 0, within: 0 };
  for (const row of options.all) counts[row.state]++;
  return html`<h1>SLA</h1>
<p>${options.all.length} open ticket${options.all.length === 1 ? '' : 's'}: ${counts.breached} breached, ${counts.at_risk} at risk, ${counts.within} within${options.all.length > rows.length ? ` (the ${rows.length} most urgent shown)` : ''}.</p>
<div style="overflow-x:auto"><table><thead><tr><th scope="col">Ticket</th><th scope="col">Customer</th><th scope="col">Priority</th><th scope="col">Tier</th><th scope="col">Status</th><th scope="col">State</th><th scope="col">First response</th><th scope="col">Resolution</th></tr></thead>
<tbody>${rows.map((row) => html`<tr><td><a href="${entryLink(options.object, row.id)}">${row.title}</a></td><td>${row.customer ?? ''}</td><td>${row.priority ?? ''}</td><td>${row.accountTier ?? ''}</td><td>${row.status ?? ''}</td>
<td><span class="sla ${row.state}">${slaLabels[row.state]}</span></td><td>${row.firstResponse ? describeClock(row.firstResponse) : ''}</td><td>${row.resolution ? describeClock(row.resolution) : ''}</td></tr>`)}</tbody></table></div>`;
}
