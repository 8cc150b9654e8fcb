// escalator query "SQL": read-only SQL over the workspace (its v_ views and tables).
import { runReadOnlyQuery } from '../../objects/read-only-query';
import { UsageError } from '../../objects/errors';
import { parseFlags, type Command } from '../command';
import { formatTable, toJson } from '../format';

const usage = 'escalator query "SELECT …" [--json] [--max-rows N]';
/** Rows printed unless --max-rows says otherwise; the engine stops after one more. */
const defaultMaxRows = 1000;

export const queryCommand: Command = {
  name: 'query',
  summary: 'read-only SQL over the workspace (v_<object> views have display-named columns)',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(context.argv, { json: { type: 'boolean' }, 'max-rows': { type: 'string' } }, usage);
    const sql = positionals.join(' ').trim();
    if (!sql) throw new UsageError(`query needs SQL\nusage: ${usage}`);
    const maxRows = values['max-rows'] === undefined ? defaultMaxRows : Number(values['max-rows']);
    if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > 1_000_000) throw new UsageError(`--max-rows must be a whole number from 1 to 1000000\nusage: ${usage}`);
    const workspace = await context.openWorkspace();
    const { rows, more } = await runReadOnlyQuery(workspace.db, sql, { maxRows });
    const note = more ? `only the first ${maxRows} rows; there are more (add a LIMIT, or --max-rows N)` : '';
    if (values.json) {
      context.io.stdout(toJson(rows));
      // stdout stays valid JSON; the note goes to stderr.
      if (more) context.io.stderr(`escalator: ${note}`);
      return;
    }
    context.io.stdout(`${formatTable(rows, { timeZone: workspace.timeZone })}\n(${more ? note : `${rows.length} row${rows.length === 1 ? '' : 's'}`})`);
  },
};
