// The kanban board page: a column per option of the kanban field, cards with account context and SLA state, a
// keyboard "move to" form on every card (works without JavaScript), SortableJS drag and live refresh on top.
import type { Row } from '../../objects/database';
import { html, type SafeHtml } from '../html';
import type { WebBoard } from '../board-data';
import { displayValue, formatDuration, formatMoney, slaLabels } from './format';

export interface BoardPageContext {
  board: WebBoard;
  csrf: string;
  now: Date;
  timeZone: string;
  displayField: string;
  /** Saved views of the object, for the filter select. */
  views: string[];
}

function boardQuery(board: WebBoard, perColumn?: number): string {
  const query = new URLSearchParams();
  if (board.view) query.set('view', board.view);
  if (perColumn !== undefined) query.set('limit', String(perColumn));
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The `#board` element alone: what htmx swaps in after a move and on a live update. */
export function renderBoardColumns(context: BoardPageContext): SafeHtml {
  const { board } = context;
  const base = `/board/${encodeURIComponent(board.object)}`;
  const limit = board.perColumn !== 50 ? board.perColumn : undefined;
  return html`<div id="board" class="board" data-fragment="${base}/columns${boardQuery(board, limit)}" data-events="/events/${encodeURIComponent(board.object)}">
${board.columns.map((column, index) => html`<section class="column" data-option="${column.option}" aria-labelledby="column-${index}">
<h2 id="column-${index}"><span>${column.option}</span> <span class="count" aria-label="${column.count} cards">${column.count}</span></h2>
<ol class="cards" data-option="${column.option}" aria-label="${column.option}">
${column.cards.map((card) => renderCard(card, context))}
</ol>
${column.count > column.cards.length ? html`<a class="more" href="${base}${boardQuery(board, board.perColumn * 4)}">${column.count - column.cards.length} more…</a>` : ''}
</section>`)}
</div>`;
}

function renderCard(card: Row, context: BoardPageContext): SafeHtml {
  const { board } = context;
  const id = String(card.id);
  const entryPath = `/entry/${encodeURIComponent(board.object)}/${encodeURIComponent(id)}`;
  const priority = card.Priority ? String(card.Priority) : '';
  const short = priority.split(' - ')[0] ?? '';
  const opened = card['Opened Date'];
  const resolved = card['Resolved Date'];
  const tier = card['Account Tier'] ?? card['__customer tier'];
  const escalation = card['Escalation Tier'];
  const sla = context.board.sla.get(id);
  const current = card[board.field.name] as string | null;
  const details: [string, string | SafeHtml][] = [];
  if (card.Customer) details.push(['Customer', String(card.Customer)]);
  if (tier) details.push(['Tier', String(tier)]);
  const contract = formatMoney(card['__contract value']);
  if (contract) details.push(['Contract', contract]);
  if (opened instanceof Date && !resolved) details.push(['Open', formatDuration(context.now.getTime() - opened.getTime())]);
  if (escalation && escalation !== 'None') details.push(['Escalation', String(escalation)]);
  if ('Assigned To' in card) details.push(['Assignee', card['Assigned To'] ? String(card['Assigned To']) : 'unassigned']);
  if (sla) details.push(['SLA', html`<span class="sla ${sla.state}">${slaLabels[sla.state]}</span>`]);
  const moveId = `move-${id}`;
  return html`<li class="card" id="card-${id}" data-id="${id}" data-move="${entryPath}/move">
${short ? html`<span class="priority ${short}" title="${priority}">${short}</span>` : ''}<a class="title" href="${entryPath}">${displayValue(card[context.displayField] ?? id, context.timeZone)}</a>
<dl>${details.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>
<form class="move" method="post" action="${entryPath}/move" hx-post="${entryPath}/move" hx-target="#board" hx-swap="outerHTML">
<input type="hidden" name="csrf" value="${context.csrf}"><input type="hidden" name="view" value="${board.view ?? ''}">
<label for="${moveId}">Move to</label>
<select id="${moveId}" name="status">${(board.field.options ?? []).map((option) => html`<option${option === current ? ' selected' : ''}>${option}</option>`)}</select>
<button type="submit">Move</button>
</form>
</li>`;
}

/** The whole board page. */
export function renderBoardPage(context: BoardPageContext): SafeHtml {
  const { board } = context;
  return html`<h1>${board.object} by ${board.field.name}${board.view ? html` · ${board.view}` : ''}</h1>
<form class="toolbar" method="get" action="/board/${encodeURIComponent(board.object)}">
<label for="view">View</label>
<select id="view" name="view"><option value="">All entries</option>${context.views.map((name) => html`<option${name === board.view ? ' selected' : ''}>${name}</option>`)}</select>
<button type="submit">Show</button>
<span role="status" id="live-status" aria-live="polite"></span>
</form>
${renderBoardColumns(context)}`;
}
