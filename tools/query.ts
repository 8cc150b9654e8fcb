// query: one read-only SELECT over the workspace's v_ views (display-named columns) and tables.
import { z } from 'zod';
import { runReadOnlyQuery } from '../objects/read-only-query';
import type { Workspace } from '../objects/workspace';
import { compactRow } from './results';
import { defineTool } from './tool';

export const queryInput = z.object({
  sql: z
    .string()
    .min(1)
    .describe('One SELECT (or WITH … SELECT) over v_<object> views, e.g. SELECT "Title" FROM v_support_tickets WHERE "Priority" = \'P1 - Critical\'. Quote display names with double quotes.'),
  max_rows: z.number().int().min(1).max(500).default(100).describe('Rows returned at most (default 100); the query stops there, with a note when there were more'),
});

export function queryTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'query',
    description:
      'Run read-only SQL (DuckDB) for questions that need counting, grouping or joins: "Enterprise accounts with more than 2 escalated tickets in Q1", trends per month. v_<object> views have display-named columns and relations show the related entry\'s name; join on the related id through obj_<object> tables when needed. field_changes holds every change (object, entry_id, field, old_value, new_value, changed_at, changed_by).',
    inputSchema: queryInput,
    outsideText: ['rows'],
    async run(input) {
      // The engine stops after max_rows + 1 rows: SELECT * FROM range(1e12) costs a chunk, not the machine.
      const { rows, more } = await runReadOnlyQuery(deps.workspace.db, input.sql, { maxRows: input.max_rows });
      return {
        row_count: rows.length,
        rows: rows.map((row) => compactRow(row, deps.workspace.timeZone, 200)),
        ...(more ? { truncated: true, note: `more rows than max_rows (${input.max_rows}); only the first ${input.max_rows} are here. Aggregate, filter or add a LIMIT for the rest.` } : {}),
      };
    },
  });
}
