// escalator outbox [--state S] [--limit N] [--json]: outgoing messages and their delivery state, with how many were
// sent again after a restart (the person may have seen those twice) and which alerts went inside a digest.
import { UsageError } from '../../objects/errors';
import { formatTime } from '../../objects/values';
import { listOutbox, messageStates, outboxSummary, type MessageState } from '../../jobs/outbox';
import { parseFlags, type Command } from '../command';
import { formatTable, toJson } from '../format';

const usage = `escalator outbox [--state ${messageStates.join('|')}] [--limit N] [--json]`;

export const outboxCommand: Command = {
  name: 'outbox',
  summary: 'outgoing messages (alerts) and their delivery state: pending, sending, sent, failed, covered (by a digest)',
  usage,
  async run(context) {
    const { values } = parseFlags(context.argv, { json: { type: 'boolean' }, state: { type: 'string' }, limit: { type: 'string' } }, usage);
    if (values.state && !(messageStates as readonly string[]).includes(values.state)) throw new UsageError(`--state must be one of ${messageStates.join(', ')}\nusage: ${usage}`);
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number ≥ 1\nusage: ${usage}`);
    const workspace = await context.openWorkspace();
    const options: Parameters<typeof listOutbox>[1] = { limit };
    if (values.state) options.state = values.state as MessageState;
    const rows = await listOutbox(workspace, options);
    if (values.json) return void context.io.stdout(toJson(rows));
    if (rows.length === 0) return void context.io.stdout('the outbox is empty');
    const at = (value: Date | null) => (value ? formatTime(value, workspace.timeZone) : '');
    const note = (row: (typeof rows)[number]) =>
      [row.restartResends > 0 ? 'sent again after a restart' : '', row.coveredBy ? `in digest ${row.coveredBy}` : '', row.lastError ?? ''].filter(Boolean).join('; ');
    const summary = await outboxSummary(workspace);
    const counts = messageStates.filter((state) => summary.states[state] > 0).map((state) => `${summary.states[state]} ${state}`);
    if (summary.resentAfterRestart > 0) counts.push(`${summary.resentAfterRestart} sent again after a restart (may have been seen twice)`);
    context.io.stdout(
      formatTable(
        rows.map((row) => ({
          id: row.id,
          state: row.state,
          to: `${row.channel}:${row.recipientName ?? row.recipient}`,
          queued: at(row.createdAt),
          delivered: at(row.deliveredAt),
          attempts: row.attempts,
          text: row.text.split('\n')[0],
          note: note(row),
        })),
        { timeZone: workspace.timeZone, maxWidth: 60 },
      ) + `\n${counts.join(', ')}`,
    );
  },
};
