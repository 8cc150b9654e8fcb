// The data of the web board: per column of the kanban field, its count and its first cards in card order, read
// in one windowed query so a 100k-ticket board costs one scan, not 100k rows shipped to JavaScript.
import type { Row } from '../objects/database';
import { EscalatorError, ValidationError } from '../objects/errors';
import type { Filter } from '../objects/filter';
import { compileFilter, compileSort, resolveField, SqlParameters } from '../objects/filter-compiler';
import { findField, quoteIdentifier, tableName, viewName, type FieldDefinition, type ObjectDefinition } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { slaForRows, type CardSla } from './card-sla';

export interface WebBoardColumn {
  option: string;
  count: number;
  cards: Row[];
}

export interface WebBoard {
  object: string;
  field: FieldDefinition;
  view: string | undefined;
  columns: WebBoardColumn[];
  sla: Map<string, CardSla>;
  perColumn: number;
}

/** The relation that names an entry's account (Customer, Company or Account), if the object has one. */
export function customerRelation(definition: ObjectDefinition): FieldDefinition | undefined {
  return definition.fields.find((field) => field.type === 'relation' && /^(customer|company|account)$/i.test(field.name));
}

/** Account fields shown beside an entry (contract value, tier), as SQL through its customer relation. */
function accountColumns(workspace: Workspace, definition: ObjectDefinition, joins: Map<string, string>): string[] {
  const relation = customerRelation(definition);
  if (!relation) return [];
  const columns: string[] = [];
  for (const [name, alias] of [['Contract Value', '__contract value'], ['Account Tier', '__customer tier']] as const) {
    try {
      const resolved = resolveField(definition, `${relation.name}.${name}`, workspace.objects);
      if (resolved.join) joins.set(resolved.join.alias, resolved.join.clause);
      columns.push(`${resolved.sql} AS ${quoteIdentifier(alias)}`);
    } catch {
      // The related object has no such field: the card goes without it.
    }
  }
  return columns;
}

/** Loads the board of `objectName` on its kanban field, narrowed by a saved view, `perColumn` cards a column. */
export async function loadBoard(workspace: Workspace, objectName: string, options: { view?: string; perColumn?: number } = {}): Promise<WebBoard> {
  const definition = workspace.object(objectName);
  const perColumn = Math.min(Math.max(1, Math.floor(options.perColumn ?? 50)), 2000);
  const fieldName = definition.kanbanField;
  if (!fieldName) throw new EscalatorError(`${definition.name} has no kanban field (set view_settings.kanbanField in its .object.yaml)`);
  const field = findField(definition, fieldName);
  if (field?.type !== 'enum') throw new EscalatorError(`${definition.name}.${fieldName} is not an enum field, so it cannot be a board`);
  let filter: Filter | undefined;
  let view: string | undefined;
  if (options.view) {
    const found = definition.views.find((candidate) => candidate.name.toLowerCase() === options.view!.toLowerCase());
    if (!found) throw new ValidationError(`${definition.name} has no view "${options.view}"`);
    filter = found.filter;
    view = found.name;
  }
  const context = workspace.compileContext();
  const parameters = new SqlParameters();
  const compiled = compileFilter(definition, filter, context, parameters);
  const joins = new Map(compiled.joins.map((clause) => [clause.split(' ')[4]!, clause]));
  const sort = definition.cardSort.map((name) => ({ field: name, direction: 'asc' as const }));
  const opened = definition.fields.find((candidate) => candidate.type === 'date');
  if (opened) sort.push({ field: opened.name, direction: 'asc' });
  const order = [...compileSort(definition, sort, context, parameters, joins), 'e.created_at ASC', 'e.id ASC'].join(', ');
  const account = accountColumns(workspace, definition, joins);
  const column = `e.${quoteIdentifier(field.column)}`;
  const rows = await workspace.db.query(
    `SELECT v.*, r.* EXCLUDE (id) FROM (
       SELECT e.id, ${column} AS "__column", row_number() OVER (PARTITION BY ${column} ORDER BY ${order})::INTEGER AS "__rank",
              count(*) OVER (PARTITION BY ${column})::INTEGER AS "__count"${account.map((sql) => `, ${sql}`).join('')}
       FROM ${tableName(definition.name)} AS e ${[...joins.values()].join(' ')} WHERE ${compiled.where}
       QUALIFY "__rank" <= ${perColumn}
     ) AS r JOIN ${viewName(definition.name)} AS v ON v.id = r.id ORDER BY r."__column", r."__rank"`,
    parameters.values,
  );
  const byOption = new Map<string | null, WebBoardColumn>();
  const columns = (field.options ?? []).map((option) => {
    const entry = { option, count: 0, cards: [] as Row[] };
    byOption.set(option, entry);
    return entry;
  });
  for (const row of rows) {
    const key = (row.__column as string | null) ?? null;
    let entry = byOption.get(key);
    if (!entry) {
      entry = { option: key ?? '(none)', count: 0, cards: [] };
      byOption.set(key, entry);
      columns.push(entry);
    }
    entry.count = Number(row.__count);
    entry.cards.push(row);
  }
  const sla = await slaForRows(workspace, definition.name, rows, context.now);
  return { object: definition.name, field, view, columns, sla, perColumn };
}
