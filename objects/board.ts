// The kanban board of an object: one column per option of its kanban field, in the option order; cards sorted by
// the object's cardSort (support_tickets: account tier, then priority), oldest first within those.
import type { Row } from './database';
import { formatDuration } from './duration';
import { EscalatorError } from './errors';
import { findEntries } from './entries';
import { type ObjectDefinition, type ViewDefinition, activeViewOf, findField, kanbanFieldOf } from './object-schema';
import type { Workspace } from './workspace';

export interface BoardColumn {
  option: string;
  count: number;
  cards: Row[];
}

export interface Board {
  object: string;
  field: string;
  columns: BoardColumn[];
}

/**
 * The view a board shows: the active view when it is a kanban view (its filter applies), else none. A view
 * that cannot be used (its filter names a field the object lacks) is not silently dropped: the board says so.
 */
function boardView(definition: ObjectDefinition): ViewDefinition | undefined {
  const active = activeViewOf(definition);
  if (active?.viewType !== 'kanban') return undefined;
  if (active.problem) throw new EscalatorError(`${definition.name}'s active view "${active.name}" cannot be used: ${active.problem}`);
  return active;
}

/** Builds the board of `objectName` (its kanban field, or `fieldName`). */
export async function buildBoard(workspace: Workspace, objectName: string, fieldName?: string): Promise<Board> {
  const definition = workspace.object(objectName);
  const view = boardView(definition);
  const name = fieldName ?? kanbanFieldOf(definition, view);
  if (!name) throw new EscalatorError(`${definition.name} has no enum field to make a board of (set view_settings.kanbanField in its .object.yaml)`);
  const field = findField(definition, name);
  if (field?.type !== 'enum') throw new EscalatorError(`${definition.name}.${name} is not an enum field, so it cannot be a board`);
  // escalator's own boards order cards by cardSort, oldest first; without one, newest first as DenchClaw lists them.
  const sort: { field: string; direction: 'asc' | 'desc' }[] = definition.cardSort.map((sortField) => ({ field: sortField, direction: 'asc' }));
  const opened = definition.fields.find((candidate) => candidate.type === 'date');
  if (sort.length === 0) sort.push(...(view?.sort.length ? view.sort : [{ field: 'created_at', direction: 'desc' as const }]));
  else if (opened) sort.push({ field: opened.name, direction: 'asc' });
  const rows = await findEntries(workspace, definition.name, view?.filter ? { sort, filter: view.filter } : { sort });
  const columns = (field.options ?? []).map((option) => {
    const cards = rows.filter((row) => row[field.name] === option);
    return { option, count: cards.length, cards };
  });
  const unset = rows.filter((row) => row[field.name] === null || row[field.name] === undefined);
  if (unset.length > 0) columns.push({ option: '(none)', count: unset.length, cards: unset });
  return { object: definition.name, field: field.name, columns };
}

/** The board as text, columns one after another; long columns show their first `perColumn` cards. */
export function renderBoard(board: Board, options: { now: Date; perColumn?: number; displayField: string }): string {
  const perColumn = options.perColumn ?? 8;
  const lines: string[] = [`${board.object} by ${board.field}: ${board.columns.map((column) => `${column.option} ${column.count}`).join(' → ')}`];
  for (const column of board.columns) {
    lines.push('', `== ${column.option} (${column.count}) ==`);
    for (const card of column.cards.slice(0, perColumn)) lines.push(`  ${renderCard(card, options)}`);
    if (column.cards.length > perColumn) lines.push(`  … ${column.cards.length - perColumn} more`);
  }
  return lines.join('\n');
}

function renderCard(card: Row, options: { now: Date; displayField: string }): string {
  const parts: string[] = [];
  const priority = card.Priority ? `[${String(card.Priority).split(' - ')[0]}] ` : '';
  parts.push(`${priority}${String(card[options.displayField] ?? card.id)}`);
  if (card.Customer) parts.push(`${String(card.Customer)}${card['Account Tier'] ? ` (${String(card['Account Tier'])})` : ''}`);
  const opened = card['Opened Date'];
  if (opened instanceof Date && !card['Resolved Date']) parts.push(`open ${formatDuration(options.now.getTime() - opened.getTime())}`);
  if ('Escalation Tier' in card && card['Escalation Tier'] && card['Escalation Tier'] !== 'None') parts.push(String(card['Escalation Tier']));
  if ('Assigned To' in card) parts.push(card['Assigned To'] ? `→ ${String(card['Assigned To'])}` : 'unassigned');
  return `${parts.join(' · ')}  (${card.id as string})`;
}
