// A saved view's table columns: its fields and its relation paths ("Customer.Contract Value"), the paths' values read
// for the shown rows in one query through the same joins the filter language uses.
import type { Row } from '../objects/database';
import { resolveField } from '../objects/filter-compiler';
import { findField, tableName, type ObjectDefinition, type ViewDefinition } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { isMoneyField } from '../tools/results';

export interface ViewColumns {
  /** Column names in the view's order: display names, or paths as the view spells them resolved ("Customer.Account Tier"). */
  columns: string[];
  /** Columns that hold money (shown as "$180,000"). */
  money: Set<string>;
  /** The rows with each path's value under its column name. */
  rows: Row[];
}

/**
 * The view's columns (or, without any, the first nine plain fields) and the rows carrying them. A column the object no
 * longer has (the view file names a removed field) is left out rather than failing the page.
 */
export async function viewColumns(workspace: Workspace, definition: ObjectDefinition, view: ViewDefinition, rows: Row[]): Promise<ViewColumns> {
  const money = new Set(definition.fields.filter(isMoneyField).map((field) => field.name));
  const columns: string[] = [];
  const paths: { name: string; sql: string; join?: string }[] = [];
  for (const name of view.columns ?? []) {
    const direct = findField(definition, name);
    if (direct) {
      if (direct.type !== 'action') columns.push(direct.name);
      continue;
    }
    let resolved;
    try {
      resolved = resolveField(definition, name.trim(), workspace.objects);
    } catch {
      continue;
    }
    if (resolved.field.type === 'action' || columns.includes(resolved.path)) continue;
    columns.push(resolved.path);
    if (isMoneyField(resolved.field)) money.add(resolved.path);
    paths.push({ name: resolved.path, sql: resolved.sql, ...(resolved.join ? { join: resolved.join.clause } : {}) });
  }
  if (columns.length === 0) {
    const fields = definition.fields.filter((field) => field.type !== 'action' && field.type !== 'richtext').slice(0, 9);
    return { columns: fields.map((field) => field.name), money, rows };
  }
  if (paths.length === 0 || rows.length === 0) return { columns, money, rows };
  const joins = [...new Set(paths.flatMap((path) => (path.join ? [path.join] : [])))];
  const found = await workspace.db.query(
    `SELECT e.id, ${paths.map((path, index) => `${path.sql} AS p${index}`).join(', ')} FROM ${tableName(definition.name)} AS e ${joins.join(' ')}
      WHERE e.id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`,
    [JSON.stringify(rows.map((row) => String(row.id)))],
  );
  const byId = new Map(found.map((row) => [String(row.id), row]));
  return {
    columns,
    money,
    rows: rows.map((row) => {
      const extra = byId.get(String(row.id)) ?? {};
      return { ...row, ...Object.fromEntries(paths.map((path, index) => [path.name, extra[`p${index}`] ?? null])) };
    }),
  };
}
