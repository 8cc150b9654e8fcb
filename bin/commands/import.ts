// escalator import tickets FILE.csv: backfill support tickets from a CSV with progress and a summary of rows
// imported and rows refused (with their line and reason).
import { importTickets, type ImportSummary } from '../../channels/import/csv-tickets';
import { parseMapFlags } from '../../channels/import/column-map';
import { barProgress, lineProgress } from '../../channels/import/progress';
import { ticketSources, type TicketSource } from '../../channels/ingest/incoming-ticket';
import { UsageError, ValidationError, errorMessage } from '../../objects/errors';
import { parseFlags, type Command } from '../command';
import { toJson } from '../format';

const usage = 'escalator import tickets FILE.csv [--map "CSV column=target" …] [--source import|zendesk|intercom] [--json]';

/** How many refusals the text summary lists (--json lists all). */
const shownRefusals = 20;

export const importCommand: Command = {
  name: 'import',
  summary: 'backfill support tickets from a CSV file, with progress and a summary',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(
      context.argv,
      { map: { type: 'string', multiple: true }, source: { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    const [what, file, ...extra] = positionals;
    if (what !== 'tickets' || !file || extra.length > 0) throw new UsageError(`usage: ${usage}`);
    const source = ticketSources.find((candidate) => candidate.toLowerCase() === (values.source ?? 'import').toLowerCase());
    if (!source || source === 'Webhook') throw new UsageError(`--source must be import, zendesk or intercom, not "${values.source}"`);
    let columns;
    try {
      columns = parseMapFlags(values.map ?? []);
    } catch (error) {
      throw new UsageError(`${errorMessage(error)}\nusage: ${usage}`);
    }
    const workspace = await context.openWorkspace();
    const progress = context.io.stderrTerminal ? barProgress(context.io.stderrTerminal) : lineProgress(context.io.stderr);
    let summary: ImportSummary;
    try {
      summary = await importTickets({ workspace, file, columns, source: source as TicketSource, progress });
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(`${file}: ${errorMessage(error)}`, { cause: error });
      throw error;
    }
    if (values.json) {
      context.io.stdout(toJson(summary));
    } else {
      const lines = [
        `imported ${file}: ${summary.rows} row${summary.rows === 1 ? '' : 's'}: ${summary.created} created, ${summary.updated} updated, ${summary.refused} refused`,
      ];
      if (summary.keyedByContent) lines.push('(no id column: rows are keyed by their content; map one with --map "Ticket ID=id" to update tickets on re-import)');
      for (const refusal of summary.refusals.slice(0, shownRefusals)) lines.push(`  line ${refusal.line}: ${refusal.reason}`);
      if (summary.refusals.length > shownRefusals) lines.push(`  … and ${summary.refusals.length - shownRefusals} more (--json lists them all)`);
      context.io.stdout(lines.join('\n'));
    }
    return summary.refused > 0 ? 1 : 0;
  },
};
