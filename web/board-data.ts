// The data of the web board: per column of the kanban field, its count and its first cards in card order. Counts
// come from one GROUP BY, the cards from one narrow windowed ranking, their fields from the v_ view by id: a
// 100k-ticket board never ships more rows to JavaScript than it shows.
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
  const column = `e.${quoteIdentifier(field.column)}`;
  const values: (string | null)[] = [...(field.options ?? []), null];
  const table = tableName(definition.name);

  /** A statement over the board's entries (the view's filter), with its relation joins and parameters. */
  const compile = (select: (parameters: SqlParameters, joins: Map<string, string>) => string, tail: string) => {
    const parameters = new SqlParameters();
    const compiled = compileFilter(definition, filter, context, parameters);
    const joins = new Map(compiled.joins.map((clause) => [clause.split(' ')[4]!, clause]));
    const head = select(parameters, joins);
    return { sql: `SELECT ${head} FROM ${table} AS e ${[...joins.values()].join(' ')} WHERE ${compiled.where} ${tail}`, params: parameters.values };
  };
  const sort = definition.cardSort.map((name) => ({ field: name, direction: 'asc' as const }));
  const opened = definition.fields.find((candidate) => candidate.type === 'date');
  if (opened) sort.push({ field: opened.name, direction: 'asc' });

  const countQuery = compile(() => `${column} AS "__column", count(*)::INTEGER AS "__count"`, `GROUP BY ${column}`);
  const counts = new Map((await workspace.db.query<{ __column: string | null; __count: number }>(countQuery.sql, countQuery.params)).map((row) => [row.__column, row.__count]));
  // One narrow windowed pass ranks every column's entries in card order (ids only: ~35 ms at 100k here, against
  // ~60 ms for a top-N query per column); the shown cards' fields are read afterwards by id.
  const rankQuery = compile(
    (parameters, joins) => `e.id, ${column} AS "__column", row_number() OVER (PARTITION BY ${column} ORDER BY ${[...compileSort(definition, sort, context, parameters, joins), 'e.created_at ASC', 'e.id ASC'].join(', ')}) AS "__rank"`,
    `QUALIFY "__rank" <= ${perColumn} ORDER BY "__rank"`,
  );
  const ranked = await workspace.db.query<{ id: string; __column: string | null; __rank: number }>(rankQuery.sql, rankQuery.params);
  const shown = new Map<string, Row>();
  if (ranked.length > 0) {
    const ids = ranked.map((row) => String(row.id));
    const joins = new Map<string, string>();
    const account = accountColumns(workspace, definition, joins);
    // A literal parameter list lets DuckDB look the ids up in the primary key; a JSON list makes it scan the table.
    const list = ids.length <= 1000 ? `(${ids.map((_, index) => `$${index + 1}`).join(', ')})` : `(SELECT unnest(from_json($1, '["VARCHAR"]')))`;
    const rows = await workspace.db.query(
      `SELECT v.*${account.map((sql) => `, ${sql}`).join('')} FROM ${table} AS e ${[...joins.values()].join(' ')} JOIN ${viewName(definition.name)} AS v ON v.id = e.id WHERE e.id IN ${list}`,
      ids.length <= 1000 ? ids : [JSON.stringify(ids)],
    );
    for (const row of rows) shown.set(String(row.id), row);
  }
  const rows = ranked.map((row) => ({ ...shown.get(String(row.id)), ...row }));
  const columns: WebBoardColumn[] = values.map((option) => ({
    option: option ?? '(none)',
    count: counts.get(option) ?? 0,
    cards: rows.filter((row) => row.__column === option),
  })).filter((entry, index) => index < values.length - 1 || entry.count > 0);
  const sla = await slaForRows(workspace, definition.name, rows, context.now);
  return { object: definition.name, field, view, columns, sla, perColumn };
}
