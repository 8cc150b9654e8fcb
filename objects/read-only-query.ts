// Read-only SQL for people and the model: the engine decides, not the first word. DuckDB's parser must see one
// SELECT (json_serialize_sql serializes nothing else, PRAGMA included); every table function anywhere in that parse
// tree must be on a short allow-list and no scalar function that changes state may appear; the prepared statement
// must be of type SELECT. It runs on the reader connection under a time limit, streamed, so the engine stops once
// max_rows + 1 rows have come. External file access is off for the instance as a second wall.
import { StatementType } from '@duckdb/node-api';
import type { Database, Row } from './database';
import { EscalatorError } from './errors';

/**
 * The table functions a reader needs, and no others. Rows made from values: range, generate_series, unnest,
 * json_each, json_tree. The workspace's own catalog, to find tables, views and columns: duckdb_tables …
 * pragma_table_info. Time zone names, for AT TIME ZONE. Every other table function is refused, because DuckDB's list
 * mixes these with ones that change the whole instance despite lock_configuration (enable_logging,
 * enable_profiling, checkpoint …), read files (read_csv, glob, parquet_*), run SQL text (query, query_table,
 * json_execute_serialized_sql) or show what a reader has no business seeing (duckdb_settings, duckdb_secrets,
 * duckdb_extensions, duckdb_databases with its file paths, duckdb_logs, duckdb_memory).
 */
export const readerTableFunctions: ReadonlySet<string> = new Set([
  'range',
  'generate_series',
  'unnest',
  'json_each',
  'json_tree',
  'duckdb_tables',
  'duckdb_views',
  'duckdb_columns',
  'duckdb_schemas',
  'duckdb_types',
  'duckdb_constraints',
  'duckdb_indexes',
  'pragma_table_info',
  'pg_timezone_names',
]);

/**
 * Scalar functions that change state or only wait: a sequence shared with the writer, the session's random seed,
 * the log, sleeping. DuckDB has hundreds of pure scalar functions, so these few are named instead.
 */
const statefulScalarFunctions: ReadonlySet<string> = new Set(['nextval', 'setseed', 'write_log', 'sleep_ms', 'pg_sleep']);

/** Table functions that read files: refused like the rest, with a reason that says so. */
const fileFunction = /^(read_|glob$|parquet_|sniff_csv$|iceberg_|delta_)/;

/** The most rows `readOnlyQuery` returns; past it the query is refused rather than cut silently. */
const defaultRowCap = 10_000;

export interface ReadOnlyLimits {
  /** Rows returned at most; the engine stops after one more (to tell that there were more). */
  maxRows: number;
  /** The time limit of this query; default the database's (ESCALATOR_QUERY_TIMEOUT_SECONDS, 5 s). */
  timeoutMs?: number;
}

export interface ReadOnlyResult {
  rows: Row[];
  /** The query had more rows than `maxRows`; only the first `maxRows` came back. */
  more: boolean;
}

/**
 * Runs `sql` if it is a single SELECT (WITH included) using allowed functions only, on the reader connection.
 * Refusals say "query refused: …" (not allowed); DuckDB's own errors say "query failed: DuckDB could not run it: …".
 */
export function runReadOnlyQuery(db: Database, sql: string, limits: ReadOnlyLimits): Promise<ReadOnlyResult> {
  const options = limits.timeoutMs === undefined ? {} : { timeoutMs: limits.timeoutMs };
  return db.read(async (session) => {
    const [parsed] = await session.query<{ json: string }>('SELECT json_serialize_sql($1::VARCHAR) AS json', [sql]);
    const tree = JSON.parse(parsed?.json ?? '{}') as ParseTree;
    if (tree.error_type === 'parser') {
      throw couldNotRun(`Parser error: ${tree.error_message ?? 'syntax error'}${tree.position ? ` (at character ${Number(tree.position) + 1})` : ''}`);
    }
    const statements = await session.statements(sql).catch((error: unknown) => {
      throw failure(error);
    });
    if (statements.count === 0) throw refused('there is no statement to run');
    if (statements.count > 1) throw refused(`only one statement may run, found ${statements.count}`);
    if (tree.error || tree.statements?.length !== 1) throw notSelect(kindOf(undefined, sql));
    // Checked on the parse tree, before DuckDB binds anything: binding a table function may already act.
    const problem = functionProblem(tree.statements[0]);
    if (problem) throw refused(problem);
    const prepared = await statements.prepareFirst().catch((error: unknown) => {
      throw failure(error);
    });
    if (prepared.type !== StatementType.SELECT) {
      prepared.discard();
      throw notSelect(kindOf(prepared.type, sql));
    }
    const rows = await prepared.stream(limits.maxRows + 1).catch((error: unknown) => {
      throw failure(error);
    });
    return { rows: rows.slice(0, limits.maxRows), more: rows.length > limits.maxRows };
  }, options);
}

/** Runs `sql` like `runReadOnlyQuery` for code that needs every row: more than 10,000 is refused, never cut. */
export async function readOnlyQuery(db: Database, sql: string): Promise<Row[]> {
  const result = await runReadOnlyQuery(db, sql, { maxRows: defaultRowCap });
  if (result.more) throw refused(`more than ${defaultRowCap} rows; aggregate or add a LIMIT`);
  return result.rows;
}

interface ParseTree {
  error?: boolean;
  error_type?: string;
  error_message?: string;
  position?: string;
  statements?: unknown[];
}

/** The first table function that is not allowed, or stateful scalar function, anywhere in the tree. */
function functionProblem(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const problem = functionProblem(item);
      if (problem) return problem;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  if (record.type === 'TABLE_FUNCTION') {
    const name = functionName(record.function);
    if (!readerTableFunctions.has(name)) {
      if (fileFunction.test(name)) return `queries may not read or write files (${name}); query the workspace tables and v_ views instead`;
      return `the table function ${name || '(unnamed)'}() is not allowed in a query; allowed: ${[...readerTableFunctions].join(', ')}`;
    }
  }
  if (record.class === 'FUNCTION') {
    const name = functionName(record);
    if (statefulScalarFunctions.has(name)) return `the function ${name}() changes state or waits and is not allowed in a query`;
  }
  for (const value of Object.values(record)) {
    const problem = functionProblem(value);
    if (problem) return problem;
  }
  return undefined;
}

/** A function node's name, lower-case (DuckDB's names are case-insensitive; a schema prefix changes nothing). */
function functionName(node: unknown): string {
  const name = node !== null && typeof node === 'object' ? (node as { function_name?: unknown }).function_name : undefined;
  return typeof name === 'string' ? name.toLowerCase() : '';
}

/**
 * The type of a statement that is not a SELECT, by its first word: such a statement is never prepared, since
 * binding one (CALL enable_logging(…)) is already more than a reader may do.
 */
function kindOf(type: number | undefined, sql: string): string {
  if (type !== undefined && type !== StatementType.SELECT) return StatementType[type] ?? firstWord(sql);
  return firstWord(sql);
}

function firstWord(sql: string): string {
  const word = (/^\s*(?:--[^\n]*\n\s*)*([A-Za-z]+)/.exec(sql)?.[1] ?? '').toUpperCase();
  return word === '' || word === 'WITH' ? 'non-SELECT' : word;
}

function refused(reason: string): EscalatorError {
  return new EscalatorError(`query refused: ${reason}`);
}

function notSelect(kind: string): EscalatorError {
  return refused(`only SELECT (or WITH … SELECT) may run; this is a ${kind} statement`);
}

function couldNotRun(message: string, cause?: unknown): EscalatorError {
  return new EscalatorError(`query failed: DuckDB could not run it: ${message}`, { cause });
}

/** DuckDB's error as one line: a file refusal is "not allowed", anything else is DuckDB's own message. */
function failure(error: unknown): EscalatorError {
  // Errors from DuckDB's native code may come from another realm (under jest): read the message, not the class.
  const message = typeof (error as { message?: unknown } | null)?.message === 'string' ? (error as { message: string }).message : String(error);
  if (/file system operations are disabled|Permission Error/i.test(message)) {
    return new EscalatorError('query refused: queries may not read or write files; query the workspace tables and v_ views instead', { cause: error });
  }
  return couldNotRun(
    message
      .replace(/\s*\n\s*/g, ' ')
      .replace(/^Failed to extract statements: /, '')
      .replace(/^(Parser|Binder|Catalog|Conversion|Invalid Input|Out of Range|Out of Memory) Error: /, '$1 error: '),
    error,
  );
}
