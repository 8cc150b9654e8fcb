// Reconciles object definitions into DuckDB: a typed table per object (columns added, never dropped) and a
// v_<object> view with display-named columns. A fingerprint of what it made is kept in the database, so opening an
// unchanged workspace (every CLI command) reads one row instead of rebuilding every view.
import { createHash } from 'node:crypto';
import type { Sql } from './database';
import { jobLedgerSql } from '../jobs/tables';
import { DefinitionError } from './errors';
import { escalationsViewSql } from './escalations-view';
import {
  type FieldDefinition,
  type StoredFieldType,
  type ObjectDefinition,
  type ObjectRegistry,
  findField,
  quoteIdentifier,
  tableName,
  viewName,
} from './object-schema';

const sqlTypes: Record<Exclude<StoredFieldType, 'action'>, string> = {
  text: 'VARCHAR',
  richtext: 'VARCHAR',
  email: 'VARCHAR',
  url: 'VARCHAR',
  phone: 'VARCHAR',
  enum: 'VARCHAR',
  relation: 'VARCHAR',
  // A member id, a JSON list of labels (as DenchClaw stores tags), a file path.
  user: 'VARCHAR',
  tags: 'VARCHAR',
  file: 'VARCHAR',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'TIMESTAMP WITH TIME ZONE',
};

/** The DuckDB column type of a field, or undefined for fields that hold no value (actions). */
export function sqlType(field: FieldDefinition): string | undefined {
  return field.type === 'action' ? undefined : sqlTypes[field.type];
}

/** Tables that belong to the objects layer. */
export async function ensureObjectSystemTables(sql: Sql): Promise<void> {
  await sql.run(fieldChangesSql);
}

const fieldChangesSql = `CREATE TABLE IF NOT EXISTS field_changes (
    object VARCHAR NOT NULL,
    entry_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    old_value VARCHAR,
    new_value VARCHAR,
    changed_at TIMESTAMPTZ NOT NULL,
    changed_by VARCHAR NOT NULL
  )`;

/**
 * Brings the database in line with `objects` (call inside a transaction): creates missing tables, adds
 * missing columns, converts a column whose field changed type when every value converts, and rebuilds the
 * views. A field removed from its file keeps its column, out of the view.
 */
export async function reconcileObjects(sql: Sql, objects: ObjectRegistry, fileOf: (name: string) => string): Promise<void> {
  const fingerprint = schemaFingerprint(objects);
  if ((await storedFingerprint(sql)) === fingerprint) return;
  await ensureObjectSystemTables(sql);
  const existingViews = await sql.query<{ view_name: string }>(
    `SELECT view_name FROM duckdb_views() WHERE NOT internal AND view_name LIKE 'v\\_%' ESCAPE '\\'`,
  );
  for (const { view_name } of existingViews) await sql.run(`DROP VIEW IF EXISTS ${quoteIdentifier(view_name)}`);

  for (const definition of objects.values()) {
    const table = tableName(definition.name);
    await sql.run(`CREATE TABLE IF NOT EXISTS ${table} (
      id VARCHAR PRIMARY KEY,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`);
    const columns = new Map(
      (
        await sql.query<{ column_name: string; data_type: string }>(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1`,
          [table],
        )
      ).map((row) => [row.column_name, row.data_type]),
    );
    for (const field of definition.fields) {
      const type = sqlType(field);
      if (!type) continue;
      const existing = columns.get(field.column);
      if (existing === undefined) {
        await sql.run(`ALTER TABLE ${table} ADD COLUMN ${quoteIdentifier(field.column)} ${type}`);
      } else if (existing !== type) {
        try {
          await sql.run(
            `ALTER TABLE ${table} ALTER COLUMN ${quoteIdentifier(field.column)} SET DATA TYPE ${type} USING CAST(${quoteIdentifier(field.column)} AS ${type})`,
          );
        } catch (error) {
          throw new DefinitionError(
            fileOf(definition.name),
            `field "${field.name}" changed type to ${field.type}, but stored values (${existing}) do not all convert; keep its type or use a new field name`,
            { cause: error },
          );
        }
      }
    }
  }
  for (const definition of objects.values()) await sql.run(viewSql(definition, objects));
  // The escalation history reads the job ledger for each escalation's rule; the ledger must exist for the view to bind.
  await sql.run(jobLedgerSql);
  await sql.run(escalationsViewSql(objects));
  await sql.run(`CREATE TABLE IF NOT EXISTS ${fingerprintTable} (fingerprint VARCHAR NOT NULL)`);
  await sql.run(`DELETE FROM ${fingerprintTable}`);
  await sql.run(`INSERT INTO ${fingerprintTable} VALUES ($1)`, [fingerprint]);
}

/** Where reconcileObjects keeps the fingerprint of the schema it last made (one row). */
const fingerprintTable = 'schema_fingerprint';

/** Part of the fingerprint: raise it when reconcileObjects starts making something the DDL it hashes does not show. */
const reconcileVersion = 1;

/**
 * A hash of everything reconcileObjects makes from `objects`: each table's columns and types, every view's SQL and
 * the system tables' DDL. Equal fingerprints mean reconciling again would change nothing.
 */
export function schemaFingerprint(objects: ObjectRegistry): string {
  const tables = [...objects.values()].map((definition) => [
    tableName(definition.name),
    definition.fields.flatMap((field) => (sqlType(field) ? [[field.column, sqlType(field)]] : [])),
  ]);
  const views = [...objects.values()].map((definition) => viewSql(definition, objects));
  const system = [fieldChangesSql, jobLedgerSql, escalationsViewSql(objects)];
  return createHash('sha256').update(JSON.stringify({ version: reconcileVersion, tables, views, system })).digest('hex');
}

/**
 * Whether the database already has the schema `objects` make (its stored fingerprint is theirs), read outside any
 * transaction: then opening skips the transaction, and the catalog scan (`duckdb_tables()`, 4–18 ms cold) that
 * reconcileObjects needs to tell a new database from one with a stale schema. Any failure (no fingerprint table
 * yet) answers false, and reconcileObjects decides.
 */
export async function schemaIsCurrent(sql: Sql, objects: ObjectRegistry): Promise<boolean> {
  try {
    const [row] = await sql.query<{ fingerprint: string }>(`SELECT fingerprint FROM ${fingerprintTable} LIMIT 1`);
    return row?.fingerprint === schemaFingerprint(objects);
  } catch {
    return false;
  }
}

/** The fingerprint stored by the last reconcile, or undefined (a new database, or one from before fingerprints). */
async function storedFingerprint(sql: Sql): Promise<string | undefined> {
  const [table] = await sql.query<{ found: boolean }>(`SELECT count(*) > 0 AS found FROM duckdb_tables() WHERE table_name = $1 AND schema_name = 'main'`, [fingerprintTable]);
  if (!table?.found) return undefined;
  const [row] = await sql.query<{ fingerprint: string }>(`SELECT fingerprint FROM ${fingerprintTable} LIMIT 1`);
  return row?.fingerprint;
}

/** CREATE VIEW v_<object>: id, created_at, updated_at, then each field under its display name. */
export function viewSql(definition: ObjectDefinition, objects: ObjectRegistry): string {
  const { select, joins } = viewSelect(definition, objects);
  return `CREATE OR REPLACE VIEW ${viewName(definition.name)} AS SELECT ${select.join(', ')} FROM ${tableName(definition.name)} AS e ${joins.join(' ')}`;
}

/**
 * The v_<object> view's columns (over the table as `e`) and the joins they need: code that wants view rows of a
 * few entries selects them straight from the table with these (`… FROM <table> AS e <joins> WHERE e.id IN …`),
 * so the id filter narrows the table before the joins instead of joining the view back to its own table.
 */
export function viewSelect(definition: ObjectDefinition, objects: ObjectRegistry): { select: string[]; joins: string[] } {
  const select = ['e.id', 'e.created_at', 'e.updated_at'];
  const joins: string[] = [];
  for (const field of definition.fields) {
    if (field.type === 'action') continue;
    const column = `e.${quoteIdentifier(field.column)}`;
    const related = field.type === 'relation' ? objects.get(field.relatedObject ?? '') : undefined;
    const display = related ? findField(related, related.displayField) : undefined;
    if (related && display && display.type !== 'relation' && display.type !== 'action') {
      const alias = `r_${field.column}`;
      joins.push(`LEFT JOIN ${tableName(related.name)} AS ${alias} ON ${alias}.id = ${column}`);
      select.push(`${alias}.${quoteIdentifier(display.column)} AS ${quoteIdentifier(field.name)}`);
    } else {
      select.push(`${column} AS ${quoteIdentifier(field.name)}`);
    }
  }
  return { select, joins };
}
