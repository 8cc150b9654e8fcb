// escalator query "SQL": read-only SQL over the workspace (its v_ views and tables).
import { readOnlyQuery } from '../../objects/read-only-query';
import { UsageError } from '../../objects/errors';
import { parseFlags, type Command } from '../command';
import { formatTable, toJson } from '../format';

const usage = 'escalator query "SELECT …" [--json]';

export const queryCommand: Command = {
  name: 'query',
  summary: 'read-only SQL over the workspace (v_<object> views have display-named columns)',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(context.argv, { json: { type: 'boolean' } }, usage);
    const sql = positionals.join(' ').trim();
    if (!sql) throw new UsageError(`query needs SQL\nusage: ${usage}`);
    const workspace = await context.openWorkspace();
    const rows = await readOnlyQuery(workspace.db, sql);
    context.io.stdout(values.json ? toJson(rows) : `${formatTable(rows, { timeZone: workspace.timeZone })}\n(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  },
};
