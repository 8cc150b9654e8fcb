// The ticket page: every field, the account behind it (contract value, health, renewal, owner and backup owner,
// other open tickets, recent escalations),
// SLA clocks, the field history, and the alert actions (acknowledge, resolve, snooze, escalate).
import type { Row } from '../../objects/database';
import type { ObjectDefinition } from '../../objects/object-schema';
import type { AlertAction } from '../../channels/telegram/alert-keyboard';
import { html, type SafeHtml } from '../html';
import { renderMarkdown } from '../markdown';
import type { CardSla } from '../card-sla';
import type { AccountContext } from '../entry-data';
import type { DocumentAuthor } from '../document-authors';
import { findField } from '../../objects/object-schema';
import { describeClock, displayValue, formatDuration, formatMoney, historyValue, slaLabels } from './format';

export interface HistoryRow {
  field: string;
  old_value: string | null;
  new_value: string | null;
  changed_at: Date;
  changed_by: string;
}

export interface EntryPageContext {
  definition: ObjectDefinition;
  entry: Row;
  account?: AccountContext;
  sla: CardSla | undefined;
  history: HistoryRow[];
  actions: AlertAction[];
  document?: string;
  documentAuthor?: DocumentAuthor;
  csrf: string;
  now: Date;
  timeZone: string;
  notice?: { text: string; error: boolean };
}

const actionLabels: Record<AlertAction, string> = { ack: 'Acknowledge', resolve: 'Resolve', snooze: 'Snooze 1 h', escalate: 'Escalate', mute: 'Mute 24h' };

export function renderEntryPage(context: EntryPageContext): SafeHtml {
  const { definition, entry, timeZone } = context;
  const id = String(entry.id);
  const base = `/entry/${encodeURIComponent(definition.name)}/${encodeURIComponent(id)}`;
  const title = displayValue(entry[definition.displayField] ?? id, timeZone);
  const fields = definition.fields.filter((field) => field.type !== 'action');
  return html`<p><a href="/board/${encodeURIComponent(definition.name)}">← ${definition.name} board</a></p>
<h1>${title}</h1>
${context.notice ? html`<p class="notice${context.notice.error ? ' error' : ''}" role="status">${context.notice.text}</p>` : ''}
<div class="panels">
<section class="panel" aria-labelledby="actions-heading"><h2 id="actions-heading">Actions</h2>
${context.actions.length ? html`<div class="actions">${context.actions.map((action) => html`<form method="post" action="${base}/action">
<input type="hidden" name="csrf" value="${context.csrf}"><input type="hidden" name="action" value="${action}">
<button type="submit" data-action="${action}">${actionLabels[action]}</button></form>`)}</div>` : html`<p>No actions: the ticket is closed.</p>`}
</section>
<section class="panel" aria-labelledby="sla-heading"><h2 id="sla-heading">SLA</h2>${renderSla(context.sla)}</section>
${context.account ? renderAccount(context) : ''}
</div>
<section class="panel" aria-labelledby="fields-heading"><h2 id="fields-heading">Fields</h2>
<table><tbody>${fields.map((field) => html`<tr><th scope="row">${field.name}</th><td>${displayValue(entry[field.name], timeZone)}</td></tr>`)}
<tr><th scope="row">Id</th><td>${id}</td></tr></tbody></table></section>
${renderDocument(context, base)}
<section class="panel" aria-labelledby="history-heading"><h2 id="history-heading">History</h2>
${context.history.length ? html`<table><thead><tr><th scope="col">When</th><th scope="col">Field</th><th scope="col">From</th><th scope="col">To</th><th scope="col">By</th></tr></thead><tbody>
${context.history.map((change) => html`<tr><td>${displayValue(change.changed_at, timeZone)}</td><td>${change.field}</td><td>${historyValue(change.old_value, timeZone)}</td><td>${historyValue(change.new_value, timeZone)}</td><td class="by">${change.changed_by}</td></tr>`)}
</tbody></table>` : html`<p>No recorded changes.</p>`}</section>`;
}

/** The entry's document as markdown, and a form to write or edit it. */
function renderDocument(context: EntryPageContext, base: string): SafeHtml {
  const text = context.document;
  return html`<section class="panel" aria-labelledby="document-heading"><h2 id="document-heading">Document</h2>
${text !== undefined ? html`${renderAuthor(context)}<div class="document-view">${renderMarkdown(text)}</div>` : html`<p>No document yet: a post-escalation review or the account's history, in markdown.</p>`}
<details><summary>${text === undefined ? 'Write the document' : 'Edit the document'}</summary>
<form method="post" action="${base}/document"><input type="hidden" name="csrf" value="${context.csrf}">
<label for="document-text" class="visually-hidden">Document (markdown)</label>
<textarea id="document-text" name="markdown" rows="14">${text ?? ''}</textarea>
<p><button type="submit">Save the document</button></p></form></details></section>`;
}

/** Who wrote the document shown, as far as the board knows. */
function renderAuthor(context: EntryPageContext): SafeHtml {
  const author = context.documentAuthor;
  const when = author ? displayValue(author.writtenAt, context.timeZone) : '';
  if (!author) return html`<p class="document-author">Written outside the board (by the agent, <code>escalator entries doc</code> or by hand): no author recorded.</p>`;
  if (!author.current) return html`<p class="document-author">Last saved on the board by <span class="by">${author.writtenBy}</span> at ${when}, and changed since outside the board (no author recorded for that).</p>`;
  return html`<p class="document-author">Written by <span class="by">${author.writtenBy}</span> at ${when}.</p>`;
}

function renderSla(sla: CardSla | undefined): SafeHtml {
  if (!sla) return html`<p>No SLA clock runs (closed, or no target for this priority).</p>`;
  return html`<p>State: <span class="sla ${sla.state}">${slaLabels[sla.state]}</span></p><dl>
${sla.firstResponse ? html`<dt>First response</dt><dd><span class="sla ${sla.firstResponse.state}">${describeClock(sla.firstResponse)}</span> (target ${formatDuration(sla.firstResponse.targetMs)})</dd>` : ''}
${sla.resolution ? html`<dt>Resolution</dt><dd><span class="sla ${sla.resolution.state}">${describeClock(sla.resolution)}</span> (target ${formatDuration(sla.resolution.targetMs)}${sla.resolution.pausedMs ? `, ${formatDuration(sla.resolution.pausedMs)} paused` : ''})</dd>` : ''}
</dl>`;
}

function renderAccount(context: EntryPageContext): SafeHtml {
  const account = context.account!;
  const entryLink = (id: string) => `/entry/${encodeURIComponent(context.definition.name)}/${encodeURIComponent(id)}`;
  const { entry } = account;
  const renewal = entry['Renewal Date'];
  const days = renewal instanceof Date ? Math.round((renewal.getTime() - context.now.getTime()) / 86_400_000) : undefined;
  const rows: [string, string][] = [];
  const contract = formatMoney(entry['Contract Value']);
  if (contract) rows.push(['Contract value', contract]);
  if (entry.Health) rows.push(['Health', String(entry.Health)]);
  if (renewal instanceof Date) rows.push(['Renewal', `${displayValue(renewal, context.timeZone).slice(0, 10)} (${days! >= 0 ? `in ${days} days` : `${-days!} days ago`})`]);
  if (entry['Account Tier']) rows.push(['Account tier', String(entry['Account Tier'])]);
  // The owners alerts go to (field:Customer.Account Owner / Backup Owner): an empty one is said, since it reaches nobody.
  for (const name of ['Account Owner', 'Backup Owner', 'Account Executive']) {
    if (entry[name]) rows.push([name, String(entry[name])]);
    else if (name !== 'Account Executive' && findField(account.object, name)) rows.push([name, 'not set']);
  }
  const name = displayValue(entry[account.object.displayField] ?? entry.id, context.timeZone);
  return html`<section class="panel" aria-labelledby="account-heading"><h2 id="account-heading">Account: ${name}</h2>
<dl class="account">${rows.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>
<h3>Other open tickets (${account.otherOpen.length})</h3>
${account.otherOpen.length ? html`<ul>${account.otherOpen.map((ticket) => html`<li><a href="${entryLink(String(ticket.id))}">${displayValue(ticket[context.definition.displayField] ?? ticket.id, context.timeZone)}</a> ${ticket.Priority ? `(${String(ticket.Priority)}, ${String(ticket.Status ?? '')})` : ''}</li>`)}</ul>` : html`<p>None.</p>`}
<h3>Recent escalations${account.escalations.length ? ` (latest ${account.escalations.length})` : ''}</h3>
${account.escalations.length ? html`<ul class="escalations">${account.escalations.map((escalation) => html`<li>${displayValue(escalation.escalated_at, context.timeZone)}:
${escalation.entry_id === String(context.entry.id) ? html`this ticket` : html`<a href="${entryLink(escalation.entry_id)}">${escalation.title ?? escalation.entry_id}</a>`}
${escalation.from_tier ?? 'None'} → ${escalation.to_tier}, by ${escalation.by}</li>`)}</ul>` : html`<p>None of ${name}'s ${context.definition.name} were escalated.</p>`}
</section>`;
}
