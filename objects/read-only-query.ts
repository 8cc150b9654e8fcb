// Read-only SQL for people and the model: the engine decides, not the first word. DuckDB's parser must see one
// SELECT (json_serialize_sql serializes nothing else, PRAGMA included), the prepared statement must be of type
// SELECT, and external file access is off for the instance, so table functions cannot read files either.
import { StatementType } from '@duckdb/node-api';
import type { Database } from './database';
import type { Row } from './database';
import { EscalatorError, QueryError } from './errors';

/** Runs `sql` if it is a single SELECT (WITH included); otherwise throws one clear line. */
export async function readOnlyQuery(db: Database, sql: string): Promise<Row[]> {
  let description: { count: number; firstType: number | undefined } | undefined;
  let prepareError: unknown;
  try {
    description = await db.describe(sql);
  } catch (error) {
    prepareError = error;
  }
  if (description?.count === 0) throw new EscalatorError('query refused: there is no statement to run');
  if (description && description.count > 1) throw new EscalatorError(`query refused: only one statement may run, found ${description.count}`);
  const kind = description?.firstType !== undefined ? StatementType[description.firstType] : firstWord(sql);
  const [parsed] = await db.query<{ json: string }>('SELECT json_serialize_sql($1::VARCHAR) AS json', [sql]);
  const tree = JSON.parse(parsed?.json ?? '{}') as { error?: boolean; statements?: unknown[] };
  const notSelect = description?.firstType !== undefined && description.firstType !== StatementType.SELECT;
  if (tree.error || notSelect) {
    const syntax = prepareError ? explain(prepareError) : '';
    if (/^Parser error/i.test(syntax)) throw new EscalatorError(`query refused: ${syntax}`, { cause: prepareError });
    throw new EscalatorError(`query refused: only SELECT (or WITH … SELECT) may run; this is a ${kind} statement`);
  }
  if (tree.statements && tree.statements.length > 1) throw new EscalatorError(`query refused: only one statement may run, found ${tree.statements.length}`);
  if (prepareError) throw new EscalatorError(`query refused: ${explain(prepareError)}`, { cause: prepareError });
  try {
    return await db.query(sql);
  } catch (error) {
    throw new EscalatorError(`query failed: ${explain(error)}`, { cause: error });
  }
}

function firstWord(sql: string): string {
  return (/^\s*(?:--[^\n]*\n\s*)*([A-Za-z]+)/.exec(sql)?.[1] ?? 'non-SELECT').toUpperCase();
}

function explain(error: unknown): string {
  const message = error instanceof QueryError || error instanceof Error ? error.message : String(error);
  if (/file system operations are disabled|Permission Error/i.test(message)) {
    return 'queries may not read or write files; query the workspace tables and v_ views instead';
  }
  return message.replace(/\s*\n\s*/g, ' ').replace(/^(Parser|Binder|Catalog|Conversion|Invalid Input) Error: /, '$1 error: ');
}
