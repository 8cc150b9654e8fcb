// Read-only SQL for people and the model: the engine decides, not the first word. One SELECT/WITH statement
// runs; anything else, several statements, and any file access (external access is off for the instance) fail.
import { StatementType } from '@duckdb/node-api';
import type { Database, Row } from './database';
import { EscalatorError, QueryError } from './errors';

/** Runs `sql` if it is a single SELECT (WITH included); otherwise throws one clear line. */
export async function readOnlyQuery(db: Database, sql: string): Promise<Row[]> {
  let description: { count: number; firstType: number | undefined };
  try {
    description = await db.describe(sql);
  } catch (error) {
    throw new EscalatorError(`query refused: ${explain(error)}`, { cause: error });
  }
  if (description.count === 0) throw new EscalatorError('query refused: there is no statement to run');
  if (description.count > 1) throw new EscalatorError(`query refused: only one statement may run, found ${description.count}`);
  if (description.firstType !== StatementType.SELECT) {
    const kind = StatementType[description.firstType ?? 0] ?? 'unknown';
    throw new EscalatorError(`query refused: only SELECT (or WITH … SELECT) may run; this is a ${kind} statement`);
  }
  try {
    return await db.query(sql);
  } catch (error) {
    throw new EscalatorError(`query failed: ${explain(error)}`, { cause: error });
  }
}

function explain(error: unknown): string {
  const message = error instanceof QueryError || error instanceof Error ? error.message : String(error);
  if (/file system operations are disabled|Permission Error/i.test(message)) {
    return 'queries may not read or write files; query the workspace tables and v_ views instead';
  }
  return message.replace(/\s*\n\s*/g, ' ').replace(/^(Parser|Binder|Catalog|Conversion|Invalid Input) Error: /, '$1 error: ');
}
