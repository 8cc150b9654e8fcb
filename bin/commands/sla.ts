// escalator sla [--json]: the SLA clocks of open tickets — within, at risk (≥ 75 % used) or breached.
import { formatDuration } from '../../objects/duration';
import { slaStatus, type SlaClock } from '../../jobs/sla';
import { parseFlags, type Command } from '../command';
import { formatTable, toJson } from '../format';

const usage = 'escalator sla [--json]';

function clockText(clock: SlaClock | null): string {
  if (!clock) return '—';
  const state = clock.state.replace('_', ' ');
  const left = clock.state === 'met' ? '' : clock.remainingMs >= 0 ? `, ${formatDuration(clock.remainingMs)} left` : `, ${formatDuration(-clock.remainingMs)} over`;
  return `${state}: ${formatDuration(clock.usedMs)} of ${formatDuration(clock.targetMs)}${left}${clock.paused ? ' (paused)' : ''}`;
}

export const slaCommand: Command = {
  name: 'sla',
  summary: 'SLA state of open tickets: first response and resolution, within / at risk / breached',
  usage,
  async run(context) {
    const { values } = parseFlags(context.argv, { json: { type: 'boolean' } }, usage);
    const workspace = await context.openWorkspace();
    const rows = await slaStatus(workspace);
    if (values.json) return void context.io.stdout(toJson(rows));
    if (rows.length === 0) return void context.io.stdout('no open tickets');
    context.io.stdout(
      formatTable(
        rows.map((row) => ({
          state: row.state.replace('_', ' '),
          ticket: row.title,
          customer: row.customer ?? '',
          priority: row.priority ?? '',
          tier: row.accountTier ?? '',
          'first response': clockText(row.firstResponse),
          resolution: clockText(row.resolution),
        })),
        { timeZone: workspace.timeZone, maxWidth: 48 },
      ) + `\n(${rows.length} open; ${rows.filter((row) => row.state === 'breached').length} breached, ${rows.filter((row) => row.state === 'at_risk').length} at risk; ${rows[0]!.hours} hours)`,
    );
  },
};
