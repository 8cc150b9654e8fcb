// escalator import tickets FILE.csv: backfill support tickets from a CSV with progress and a summary of rows
// imported and rows refused (with their line and reason); escalator import denchclaw DIR: a DenchClaw workspace, read-only.
import { importTickets, type ImportSummary } from '../../channels/import/csv-tickets';
import { parseMapFlags } from '../../channels/import/column-map';
import { barProgress, lineProgress } from '../../channels/import/progress';
import { ticketSources, type TicketSource } from '../../channels/ingest/incoming-ticket';
import { UsageError, ValidationError, errorMessage } from '../../objects/errors';
import { resolve } from 'node:path';
import { importDenchClaw } from '../../channels/import/denchclaw';
import { parseFlags, type Command, type CommandContext } from '../command';
import { toJson } from '../format';

const usage = [
  'escalator import tickets FILE.csv [--map "CSV column=target" …] [--source import|zendesk|intercom] [--json]',
  'escalator import denchclaw DIR [--json]   (a DenchClaw workspace folder; it is only read)',
].join('\n       ');

/** How many refusals the text summary lists (--json lists all). */
const shownRefusals = 20;

export const importCommand: Command = {
  name: 'import',
  summary: 'backfill support tickets from a CSV file, or bring a DenchClaw workspace over, with progress and a summary',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(
      context.argv,
      { map: { type: 'string', multiple: true }, source: { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    const [what, file, ...extra] = positionals;
    if (what === 'denchclaw' && file && extra.length === 0) {
      if (values.map || values.source) throw new UsageError(`--map and --source are for import tickets\nusage: ${usage}`);
      return importDenchClawCommand(context, file, values.json === true);
    }
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

/** How many skipped items the text summary lists (--json lists all). */
const shownSkips = 30;

async function importDenchClawCommand(context: CommandContext, dir: string, json: boolean): Promise<number> {
  if (resolve(dir) === resolve(context.workspaceDir)) throw new UsageError('the DenchClaw workspace and the escalator workspace are the same folder; give --workspace another one');
  const workspace = await context.openWorkspace();
  const progress = context.io.stderrTerminal ? barProgress(context.io.stderrTerminal) : lineProgress(context.io.stderr, 5000);
  const summary = await importDenchClaw({ workspace, dir, progress });
  if (json) {
    context.io.stdout(toJson(summary));
    return 0;
  }
  const plural = (count: number, word: string) => `${count} ${count === 1 ? word : word === 'entry' ? 'entries' : `${word}s`}`;
  const lines = [
    `imported DenchClaw workspace ${summary.source}: ${plural(summary.objects.length, 'object')}, ${plural(summary.entries.created + summary.entries.updated + summary.entries.unchanged, 'entry')}` +
      ` (${summary.entries.created} created, ${summary.entries.updated} updated, ${summary.entries.unchanged} unchanged), ${plural(summary.fields.length, 'field')} mapped, ${plural(summary.documents, 'document')}`,
  ];
  for (const object of summary.objects) lines.push(`  ${object.name} (${object.action}): ${plural(object.entries, 'entry')}: ${object.created} created, ${object.updated} updated, ${object.unchanged} unchanged`);
  if (summary.skipped.length) lines.push(`skipped ${summary.skipped.length}:`);
  for (const skip of summary.skipped.slice(0, shownSkips)) lines.push(`  ${skip.what}: ${skip.reason}`);
  if (summary.skipped.length > shownSkips) lines.push(`  … and ${summary.skipped.length - shownSkips} more (--json lists them all)`);
  context.io.stdout(lines.join('\n'));
  return 0;
}
