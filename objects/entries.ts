// Entries of an object: create, update and find, one transaction per call, every value validated by its field's
// type and every field change recorded (entry, field, old, new, at, by).
import { closest } from 'fastest-levenshtein';
import type { Row, Sql } from './database';
import { ValidationError, errorMessage } from './errors';
import type { Filter } from './filter';
import { compileFilter, compileSort, SqlParameters } from './filter-compiler';
import {
  type FieldDefinition,
  type ObjectDefinition,
  findField,
  quoteIdentifier,
  tableName,
  viewName,
} from './object-schema';
import { matchOption, parseBoolean, parseDate, parseNumber, type ValueContext } from './values';
import type { EntryChange, Workspace } from './workspace';

export type FieldValues = Record<string, unknown>;

export interface WriteOptions {
  /** Who made the change: "cli", "chat:telegram:123", "job:support-escalation", "webhook:zendesk". */
  by: string;
  /** When the change happened, for backfills and demo history; defaults to the workspace clock. */
  at?: Date;
  /** false for bulk loads that write their own field history (the demo); default true. */
  recordHistory?: boolean;
  /**
   * Relation values the caller has just read as ids of existing entries, by related object (ingestion's accounts):
   * taken as they are instead of being looked up again. Anything else is still checked.
   */
  knownIds?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Rows (every column) of entries being updated, as the caller just read them in this transaction (ingestion's
   * batch lookup): used instead of reading them again, and kept up to date as they change. Ids not in it are read.
   */
  currentRows?: ReadonlyMap<string, Row>;
  /**
   * Where to collect the field history instead of writing it, so a caller making several writes in one
   * transaction writes it with one statement; the caller must pass it to recordChanges before committing.
   */
  deferHistory?: DeferredHistory;
}

/** Field changes waiting to be written by recordChanges, each with its time. */
export interface DeferredHistory {
  changes: EntryChange[];
  at: Date[];
}

/** Writes the history of a write now, or adds it to the caller's deferred history. */
async function writeHistory(sql: Sql, options: WriteOptions, changes: readonly EntryChange[], at: readonly Date[]): Promise<void> {
  if (!options.deferHistory) return recordChanges(sql, changes, at);
  options.deferHistory.changes.push(...changes);
  options.deferHistory.at.push(...at);
}

/** The relation values already resolved: the caller's known ids, keyed as coerceRecord keys them. */
function knownRelations(options: WriteOptions): Map<string, string> {
  const resolved = new Map<string, string>();
  for (const [object, ids] of options.knownIds ?? []) for (const id of ids) resolved.set(`${object}\u0000${id}`, id);
  return resolved;
}

/** Creates entries in one transaction and returns their ids, in order. */
export async function createEntries(workspace: Workspace, objectName: string, records: readonly FieldValues[], options: WriteOptions): Promise<string[]> {
  const definition = workspace.object(objectName);
  const context = workspace.valueContext();
  const now = context.now;
  return workspace.db.transaction(async (sql) => {
    const rows: unknown[][] = [];
    const changes: EntryChange[] = [];
    const changedAt: Date[] = [];
    const ids: string[] = [];
    const valueFields = definition.fields.filter((field) => field.type !== 'action');
    const resolved = knownRelations(options);
    await prefetchRelationIds(sql, definition, records, resolved);
    for (const [index, record] of records.entries()) {
      const where = records.length > 1 ? `entry ${index + 1}:` : '';
      try {
        const id = record.id === undefined || record.id === null || record.id === '' ? workspace.ids() : String(record.id);
        const createdAt = record.created_at === undefined ? (options.at ?? now) : parseDate(record.created_at, context, 'created_at');
        const updatedAt = record.updated_at === undefined ? createdAt : parseDate(record.updated_at, context, 'updated_at');
        const values = await coerceRecord(sql, workspace, definition, record, context, resolved);
        for (const field of valueFields) {
          if (field.required && (values.get(field) ?? null) === null) throw new ValidationError(`${field.name} is required`);
        }
        rows.push([id, createdAt, updatedAt, ...valueFields.map((field) => values.get(field) ?? null)]);
        ids.push(id);
        for (const [field, value] of values) {
          if (value === null) continue;
          changes.push({ object: definition.name, entryId: id, field: field.name, oldValue: null, newValue: asText(value), by: options.by });
          changedAt.push(createdAt);
        }
      } catch (error) {
        if (error instanceof ValidationError) throw new ValidationError(`${definition.name}${where ? ` ${where.trim()}` : ':'} ${errorMessage(error)}`, { cause: error });
        throw error;
      }
    }
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate) throw new ValidationError(`${definition.name}: id "${duplicate}" given twice`);
    await insertRows(sql, tableName(definition.name), ['id', 'created_at', 'updated_at', ...valueFields.map((field) => field.column)],
      ['', '::TIMESTAMPTZ', '::TIMESTAMPTZ', ...valueFields.map(castOf)], rows);
    if (options.recordHistory !== false) await writeHistory(sql, options, changes, changedAt);
    workspace.announce(changes);
    return ids;
  });
}

/**
 * Updates entries in one transaction; returns the field changes made (unchanged values are not changes). The
 * entries are read in one query and written with one UPDATE per set of changed columns, so a batch of updates (a
 * webhook group commit, a job escalating thousands of tickets) costs a few statements, not two per entry; an entry
 * updated twice in one call sees its first update.
 */
export async function updateEntries(
  workspace: Workspace,
  objectName: string,
  updates: readonly { id: string; values: FieldValues }[],
  options: WriteOptions,
): Promise<EntryChange[]> {
  const definition = workspace.object(objectName);
  const context = workspace.valueContext();
  const at = options.at ?? context.now;
  return workspace.db.transaction(async (sql) => {
    const changes: EntryChange[] = [];
    const resolved = knownRelations(options);
    await prefetchRelationIds(sql, definition, updates.map((update) => update.values), resolved);
    const rows = await readRows(sql, definition, updates, options.currentRows);
    const assigned = new Map<string, Map<FieldDefinition, unknown>>();
    for (const update of updates) {
      const current = rows.get(update.id);
      if (!current) throw new ValidationError(`${definition.name} has no entry with id "${update.id}"`);
      let values: Map<FieldDefinition, unknown>;
      try {
        values = await coerceRecord(sql, workspace, definition, update.values, context, resolved);
      } catch (error) {
        if (error instanceof ValidationError) throw new ValidationError(`${definition.name} ${update.id}: ${errorMessage(error)}`, { cause: error });
        throw error;
      }
      for (const [field, value] of values) {
        const oldText = asText(current[field.column]);
        const newText = asText(value);
        if (oldText === newText) continue;
        if (field.required && value === null) throw new ValidationError(`${definition.name} ${update.id}: ${field.name} is required`);
        current[field.column] = value;
        const entry = assigned.get(update.id) ?? new Map<FieldDefinition, unknown>();
        entry.set(field, value);
        assigned.set(update.id, entry);
        changes.push({ object: definition.name, entryId: update.id, field: field.name, oldValue: oldText, newValue: newText, by: options.by });
      }
    }
    await writeAssignments(sql, definition, assigned, at);
    await writeHistory(sql, options, changes, changes.map(() => at));
    workspace.announce(changes);
    return changes;
  });
}

/**
 * The current values of the entries updated, by id: only the columns the updates name (a job escalating 100,000
 * tickets must not hold every column of each in memory); one point lookup for one id, one scan per 10,000 for many.
 */
async function readRows(
  sql: Sql,
  definition: ObjectDefinition,
  updates: readonly { id: string; values: FieldValues }[],
  known: ReadonlyMap<string, Row> = new Map(),
): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  for (const update of updates) {
    const row = known.get(update.id);
    if (row) found.set(update.id, row);
  }
  const unique = [...new Set(updates.map((update) => update.id))].filter((id) => !found.has(id));
  if (unique.length === 0) return found;
  const columns = new Set<string>();
  for (const update of updates) {
    for (const key of Object.keys(update.values)) {
      const field = findField(definition, key);
      if (field && field.type !== 'action') columns.add(quoteIdentifier(field.column));
    }
  }
  const select = ['id', ...columns].join(', ');
  if (unique.length === 1) {
    const rows = await sql.query(`SELECT ${select} FROM ${tableName(definition.name)} WHERE id = $1`, unique);
    for (const row of rows) found.set(String(row.id), row);
    return found;
  }
  for (let start = 0; start < unique.length; start += rowsPerStatement) {
    const rows = await sql.query(`SELECT ${select} FROM ${tableName(definition.name)} WHERE id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [
      JSON.stringify(unique.slice(start, start + rowsPerStatement)),
    ]);
    for (const row of rows) found.set(String(row.id), row);
  }
  return found;
}

/** Writes each entry's changed fields and updated_at: one UPDATE per set of changed columns. */
async function writeAssignments(sql: Sql, definition: ObjectDefinition, assigned: ReadonlyMap<string, Map<FieldDefinition, unknown>>, at: Date): Promise<void> {
  const groups = new Map<string, { fields: FieldDefinition[]; entries: [string, Map<FieldDefinition, unknown>][] }>();
  for (const [id, values] of assigned) {
    const fields = [...values.keys()].sort((a, b) => a.column.localeCompare(b.column));
    const key = fields.map((field) => field.column).join('\u0000');
    const group = groups.get(key) ?? { fields, entries: [] };
    group.entries.push([id, values]);
    groups.set(key, group);
  }
  const table = tableName(definition.name);
  for (const { fields, entries } of groups.values()) {
    if (entries.length === 1) {
      const [id, values] = entries[0]!;
      const parameters = new SqlParameters();
      const assignments = fields.map((field) => `${quoteIdentifier(field.column)} = ${parameters.add(values.get(field))}${castOf(field)}`);
      assignments.push(`updated_at = ${parameters.time(at)}`);
      await sql.run(`UPDATE ${table} SET ${assignments.join(', ')} WHERE id = ${parameters.add(id)}`, parameters.values);
      continue;
    }
    // The new values travel as one JSON parameter, like insertRows: r[1] is the id, r[2…] the fields in order.
    const assignments = fields.map((field, index) => `${quoteIdentifier(field.column)} = u.r[${index + 2}]${castOf(field)}`);
    for (let start = 0; start < entries.length; start += rowsPerStatement) {
      const rows = entries.slice(start, start + rowsPerStatement).map(([id, values]) => [id, ...fields.map((field) => asText(values.get(field)))]);
      await sql.run(
        `UPDATE ${table} SET ${assignments.join(', ')}, updated_at = $2::TIMESTAMPTZ FROM (SELECT unnest(from_json($1, '["VARCHAR[]"]')) AS r) AS u WHERE ${table}.id = u.r[1]`,
        [JSON.stringify(rows), at],
      );
    }
  }
}

/**
 * Resolves in one query per related object the relation values that are entry ids, so a bulk write does not
 * look each one up alone; names (and single values) are left to resolveEntryId.
 */
async function prefetchRelationIds(sql: Sql, definition: ObjectDefinition, records: readonly FieldValues[], resolved: Map<string, string>): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  for (const record of records) {
    for (const [key, raw] of Object.entries(record)) {
      if (raw === null || raw === undefined || typeof raw === 'object' || String(raw).trim() === '') continue;
      const field = findField(definition, key);
      if (field?.type !== 'relation' || !field.relatedObject || resolved.has(`${field.relatedObject}\u0000${String(raw)}`)) continue;
      const values = wanted.get(field.relatedObject) ?? new Set<string>();
      values.add(String(raw));
      wanted.set(field.relatedObject, values);
    }
  }
  for (const [object, values] of wanted) {
    if (values.size < 2) continue;
    const rows = await sql.query<{ id: string }>(`SELECT id FROM ${tableName(object)} WHERE id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [
      JSON.stringify([...values].map((value) => value.trim())),
    ]);
    const found = new Set(rows.map((row) => row.id));
    for (const value of values) if (found.has(value.trim())) resolved.set(`${object}\u0000${value}`, value.trim());
  }
}

export interface FindQuery {
  filter?: Filter;
  sort?: { field: string; direction: 'asc' | 'desc' }[];
  /** A saved view of the object: its filter and sort apply (and `filter` narrows it further). */
  view?: string;
  limit?: number;
  offset?: number;
}

/** Entries matching a filter, as rows of the v_ view (display names, related entries by name). */
export async function findEntries(workspace: Workspace, objectName: string, query: FindQuery = {}): Promise<Row[]> {
  const { sql, params } = buildFindQuery(workspace, objectName, query);
  return workspace.db.query(sql, params);
}

/** Counts entries matching a filter. */
export async function countEntries(workspace: Workspace, objectName: string, filter?: Filter): Promise<number> {
  const definition = workspace.object(objectName);
  const parameters = new SqlParameters();
  const compiled = compileFilter(definition, filter, workspace.compileContext(), parameters);
  const rows = await workspace.db.query<{ count: number }>(
    `SELECT count(*) AS count FROM ${tableName(definition.name)} AS e ${compiled.joins.join(' ')} WHERE ${compiled.where}`,
    parameters.values,
  );
  return rows[0]?.count ?? 0;
}

export function buildFindQuery(workspace: Workspace, objectName: string, query: FindQuery): { sql: string; params: unknown[] } {
  const definition = workspace.object(objectName);
  const context = workspace.compileContext();
  let filter = query.filter;
  let sort = query.sort ?? [];
  if (query.view) {
    const view = definition.views.find((candidate) => candidate.name.toLowerCase() === query.view!.toLowerCase());
    if (!view) {
      const names = definition.views.map((candidate) => candidate.name);
      throw new ValidationError(`${definition.name} has no view "${query.view}"${names.length ? ` (views: ${names.join(', ')})` : ''}`);
    }
    filter = view.filter && filter ? { all: [view.filter, filter] } : (view.filter ?? filter);
    if (!query.sort) sort = view.sort;
  }
  const parameters = new SqlParameters();
  const compiled = compileFilter(definition, filter, context, parameters);
  const joins = new Map(compiled.joins.map((clause) => [clause.split(' ')[4]!, clause]));
  const order = compileSort(definition, sort, context, parameters, joins);
  order.push('e.created_at ASC', 'e.id ASC');
  let text = `SELECT v.* FROM ${tableName(definition.name)} AS e ${[...joins.values()].join(' ')} JOIN ${viewName(definition.name)} AS v ON v.id = e.id WHERE ${compiled.where} ORDER BY ${order.join(', ')}`;
  if (query.limit !== undefined) text += ` LIMIT ${Math.max(0, Math.floor(query.limit))}`;
  if (query.offset !== undefined) text += ` OFFSET ${Math.max(0, Math.floor(query.offset))}`;
  return { sql: text, params: parameters.values };
}

/** One entry as a v_ view row, or undefined. */
export async function getEntry(workspace: Workspace, objectName: string, id: string): Promise<Row | undefined> {
  const definition = workspace.object(objectName);
  return (await workspace.db.query(`SELECT * FROM ${viewName(definition.name)} WHERE id = $1`, [id]))[0];
}

/**
 * The id of the entry that `reference` names: its id, or its display name (case-insensitive). No match and
 * several matches are errors that say what there is.
 */
export async function resolveEntryId(sql: Sql, definition: ObjectDefinition, reference: string): Promise<string> {
  const display = findField(definition, definition.displayField);
  const displayColumn = display && display.type !== 'action' ? quoteIdentifier(display.column) : 'id';
  const text = reference.trim();
  const byId = await sql.query<{ id: string }>(`SELECT id FROM ${tableName(definition.name)} WHERE id = $1`, [text]);
  if (byId[0]) return byId[0].id;
  const matches = await sql.query<{ id: string; name: string }>(
    `SELECT id, ${displayColumn} AS name FROM ${tableName(definition.name)} WHERE lower(${displayColumn}) = lower($1) ORDER BY created_at LIMIT 10`,
    [text],
  );
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length > 1) {
    throw new ValidationError(
      `"${text}" matches ${matches.length} ${definition.name} entries: ${matches.map((match) => `${match.name} (id ${match.id})`).join(', ')}; use the id`,
    );
  }
  const names = (await sql.query<{ name: string }>(`SELECT ${displayColumn} AS name FROM ${tableName(definition.name)} WHERE ${displayColumn} IS NOT NULL LIMIT 5000`)).map((row) => String(row.name));
  const nearest = names.length ? closest(text, names) : undefined;
  throw new ValidationError(`no ${definition.name} entry is named or has id "${text}"${nearest ? `; did you mean "${nearest}"?` : ''}`);
}

async function coerceRecord(
  sql: Sql,
  workspace: Workspace,
  definition: ObjectDefinition,
  record: FieldValues,
  context: ValueContext,
  resolved: Map<string, string>,
): Promise<Map<FieldDefinition, unknown>> {
  const values = new Map<FieldDefinition, unknown>();
  for (const [key, raw] of Object.entries(record)) {
    if (key === 'id' || key === 'created_at' || key === 'updated_at') continue;
    const field = findField(definition, key);
    if (!field) {
      const names = definition.fields.map((candidate) => candidate.name);
      throw new ValidationError(`unknown field "${key}"; did you mean "${closest(key, names)}"? (fields: ${names.join(', ')})`);
    }
    if (field.type === 'action') throw new ValidationError(`${field.name} is an action field; it runs a script and holds no value`);
    const cacheKey = field.type === 'relation' && raw !== null && raw !== undefined ? `${field.relatedObject}\u0000${String(raw)}` : undefined;
    const cached = cacheKey === undefined ? undefined : resolved.get(cacheKey);
    const value = cached ?? (await coerceValue(sql, workspace, field, raw, context));
    if (cacheKey !== undefined && typeof value === 'string') resolved.set(cacheKey, value);
    values.set(field, value);
  }
  return values;
}

/** A field's stored value from what a person or a system gave: null for empty. */
export async function coerceValue(sql: Sql, workspace: Workspace, field: FieldDefinition, raw: unknown, context: ValueContext): Promise<unknown> {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return null;
  switch (field.type) {
    case 'enum':
      return matchOption(field, raw);
    case 'number':
      return parseNumber(raw, field.name);
    case 'boolean':
      return parseBoolean(raw, field.name);
    case 'date':
      return parseDate(raw, context, field.name);
    case 'relation':
      return resolveEntryId(sql, workspace.object(field.relatedObject!), String(raw));
    default:
      if (typeof raw === 'object') throw new ValidationError(`${field.name}: expected text, got ${JSON.stringify(raw)}`);
      return String(raw);
  }
}

/**
 * Rows per statement of a bulk read, update or insert: each read or update by id scans the table's ids once, so a
 * job's chunk of 10,000 entries (jobs/runner.ts) is one scan, not two.
 */
const rowsPerStatement = 10_000;

/** The cast a parameter needs for a field's column. */
function castOf(field: FieldDefinition): string {
  return field.type === 'date' ? '::TIMESTAMPTZ' : field.type === 'number' ? '::DOUBLE' : field.type === 'boolean' ? '::BOOLEAN' : '';
}

/** A stored value as text, the way field_changes keeps it. */
export function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * Inserts many rows with one statement per few thousand rows: the rows travel as one JSON parameter, which
 * DuckDB binds far faster than thousands of separate parameters (3,000 rows: ~50 ms against ~650 ms).
 */
export async function insertRows(sql: Sql, table: string, columns: readonly string[], casts: readonly string[], rows: readonly unknown[][]): Promise<void> {
  const perStatement = rowsPerStatement;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement).map((row) => row.map(asText));
    // A column with one value in every row (the job, the time, who changed it) is bound once instead of travelling in
    // each row: a job run's ledger and history rows are mostly such columns.
    const same = columns.map((_, index) => chunk.length > 1 && chunk.every((row) => row[index] === chunk[0]![index]));
    const varying = columns.map((_, index) => index).filter((index) => !same[index]);
    const parameters: unknown[] = [JSON.stringify(varying.length === columns.length ? chunk : chunk.map((row) => varying.map((index) => row[index])))];
    const select = columns.map((_, index) => {
      if (!same[index]) return `r[${varying.indexOf(index) + 1}]${casts[index] ?? ''}`;
      parameters.push(chunk[0]![index]);
      return `$${parameters.length}::VARCHAR${casts[index] ?? ''}`;
    });
    await sql.run(
      `INSERT INTO ${table} (${columns.map(quoteIdentifier).join(', ')}) SELECT ${select.join(', ')} FROM (SELECT unnest(from_json($1, '["VARCHAR[]"]')) AS r)`,
      parameters,
    );
  }
}

/** Writes field_changes rows: one per change, at the matching time. */
export async function recordChanges(sql: Sql, changes: readonly EntryChange[], at: readonly Date[]): Promise<void> {
  // A few thousand rows at a time, so a job's 300,000 changes are never all copied into rows at once.
  for (let start = 0; start < changes.length; start += rowsPerStatement) {
    await insertRows(
      sql,
      'field_changes',
      ['object', 'entry_id', 'field', 'old_value', 'new_value', 'changed_at', 'changed_by'],
      ['', '', '', '', '', '::TIMESTAMPTZ', ''],
      changes.slice(start, start + rowsPerStatement).map((change, offset) => [change.object, change.entryId, change.field, change.oldValue, change.newValue, at[start + offset], change.by]),
    );
  }
}
