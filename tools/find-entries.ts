// find_entries: entries matching a filter and/or a saved view, as compact rows with display names. The fields shown
// are the ones asked for, else the view's saved columns; a relation path ("Customer.Contract Value") works in fields,
// filters and sort, and a field that does not exist is an error naming it, never silently dropped.
import { z } from 'zod';
import { countEntries, findEntries } from '../objects/entries';
import { ValidationError } from '../objects/errors';
import { filterInputSchema, toolFilter, type Filter } from '../objects/filter';
import { resolveField } from '../objects/filter-compiler';
import type { Row } from '../objects/database';
import { findField, type ObjectDefinition, tableName } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { sortInputSchema } from './create-view';
import { compactRow, isMoneyField, withMoney } from './results';
import { defineTool } from './tool';

export const findEntriesInput = z.object({
  object: z.string().describe('The object, e.g. "support_tickets"'),
  filter: filterInputSchema.optional().describe('Which entries (the filter language); "open" tickets are Status none of Resolved, Closed'),
  view: z.string().optional().describe('A saved view of the object whose filter, sort and columns apply'),
  sort: z.array(sortInputSchema).optional().describe('Sort order (the view\'s when omitted); a field may go through a relation'),
  fields: z
    .array(z.string())
    .optional()
    .describe('Only these fields in each row (id is always included; the view\'s columns when omitted); may go through a relation, e.g. "Customer.Contract Value"'),
  limit: z.number().int().min(1).max(200).default(25).describe('At most this many rows (default 25)'),
});

export function findEntriesTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'find_entries',
    description:
      'List entries of an object matching a filter or a saved view, with the total count. Use for "escalated tickets for Acme Corp", "open P1 tickets", "open tickets with account context", and to find ids before update_entries. For counts per group or joins, use query.',
    inputSchema: findEntriesInput,
    outsideText: ['entries'],
    async run(input) {
      const { workspace } = deps;
      const definition = workspace.object(input.object);
      const view = input.view ? definition.views.find((candidate) => candidate.name.toLowerCase() === input.view!.toLowerCase()) : undefined;
      const filter = input.filter ? toolFilter(input.filter) : undefined;
      const query: Parameters<typeof findEntries>[2] = { limit: input.limit };
      if (filter) query.filter = filter;
      if (input.view) query.view = input.view;
      if (input.sort) query.sort = input.sort;
      const rows = await findEntries(workspace, definition.name, query);
      let total = rows.length;
      if (rows.length >= input.limit) {
        const filters = [view?.filter, filter].filter((part): part is Filter => part !== undefined);
        total = await countEntries(workspace, definition.name, filters.length > 1 ? { all: filters } : filters[0]);
      }
      const wanted = input.fields?.length ? input.fields : view?.columns;
      const shape = await rowShape(workspace, definition, wanted, rows);
      return {
        object: definition.name,
        total,
        shown: rows.length,
        ...(wanted ? { fields: shape.columns } : {}),
        entries: rows.map((row) => {
          const compact = compactRow(withMoney(shape.extend(row), shape.money), workspace.timeZone, 160);
          if (!wanted) return compact;
          return Object.fromEntries(['id', ...shape.columns].filter((key) => key in compact).map((key) => [key, compact[key]]));
        }),
      };
    },
  });
}

/**
 * What each row shows: the asked-for fields resolved to display names (unknown ones fail with the fields there are),
 * the values of relation paths read in one query, and which keys hold money.
 */
export async function rowShape(
  workspace: Workspace,
  definition: ObjectDefinition,
  wanted: readonly string[] | undefined,
  rows: readonly Row[],
): Promise<{ columns: string[]; money: Set<string>; extend: (row: Row) => Row }> {
  const money = new Set(definition.fields.filter(isMoneyField).map((field) => field.name));
  if (!wanted) return { columns: [], money, extend: (row) => row };
  const columns: string[] = [];
  const paths: { name: string; sql: string; join?: string }[] = [];
  for (const name of wanted) {
    if (name.trim().toLowerCase() === 'id') continue;
    const direct = findField(definition, name);
    if (direct) {
      columns.push(direct.name);
      continue;
    }
    let resolved;
    try {
      resolved = resolveField(definition, name.trim(), workspace.objects);
    } catch (error) {
      throw new ValidationError(`fields: ${(error as Error).message}`, { cause: error });
    }
    columns.push(resolved.path);
    if (isMoneyField(resolved.field)) money.add(resolved.path);
    paths.push({ name: resolved.path, sql: resolved.sql, ...(resolved.join ? { join: resolved.join.clause } : {}) });
  }
  if (paths.length === 0 || rows.length === 0) return { columns, money, extend: (row) => row };
  const joins = [...new Set(paths.flatMap((path) => (path.join ? [path.join] : [])))];
  const select = paths.map((path, index) => `${path.sql} AS p${index}`).join(', ');
  const found = await workspace.db.query(
    `SELECT e.id, ${select} FROM ${tableName(definition.name)} AS e ${joins.join(' ')} WHERE e.id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`,
    [JSON.stringify(rows.map((row) => String(row.id)))],
  );
  const byId = new Map(found.map((row) => [String(row.id), row]));
  return {
    columns,
    money,
    extend: (row) => {
      const extra = byId.get(String(row.id)) ?? {};
      return { ...row, ...Object.fromEntries(paths.map((path, index) => [path.name, extra[`p${index}`] ?? null])) };
    },
  };
}
