// escalator sla [--within DURATION] [--json]: the SLA clocks of open tickets — within, at risk (≥ 75 % used) or
// breached; with --within, only the clocks that breach inside that horizon, with minutes used and left as numbers.
import { formatDuration, parseDuration } from '../../objects/duration';
import { breachesWithin, breachingWithin, clockMinutes, slaStatus, type SlaClock, type SlaRow } from '../../jobs/sla';
import { UsageError } from '../../objects/errors';
import { parseFlags, type Command } from '../command';
import { formatTable, toJson } from '../format';

const usage = 'escalator sla [--within DURATION] [--json]';

function clockText(clock: SlaClock | null): string {
  if (!clock) return '—';
  const state = clock.state.replace('_', ' ');
  const left = clock.state === 'met' ? '' : clock.remainingMs >= 0 ? `, ${formatDuration(clock.remainingMs)} left` : `, ${formatDuration(-clock.remainingMs)} over`;
  return `${state}: ${formatDuration(clock.usedMs)} of ${formatDuration(clock.targetMs)}${left}${clock.paused ? ' (paused)' : ''}`;
}

/** A clock in --within JSON: its state and minutes as numbers, and whether it is the one breaching inside the horizon. */
function clockJson(clock: SlaClock | null, withinMs: number): Record<string, unknown> | null {
  if (!clock) return null;
  const minutes = clockMinutes(clock);
  return { state: clock.state, used_minutes: minutes.used, left_minutes: minutes.left, target_minutes: minutes.target, breaches_within: breachesWithin(clock, withinMs), ...(clock.paused ? { paused: true } : {}) };
}

function withinJson(row: SlaRow, withinMs: number): Record<string, unknown> {
  return {
    id: row.id,
    title: row.title,
    customer: row.customer,
    priority: row.priority,
    account_tier: row.accountTier,
    state: row.state,
    first_response: clockJson(row.firstResponse, withinMs),
    resolution: clockJson(row.resolution, withinMs),
  };
}

export const slaCommand: Command = {
  name: 'sla',
  summary: 'SLA state of open tickets: first response and resolution, within / at risk / breached',
  usage,
  async run(context) {
    const { values } = parseFlags(context.argv, { json: { type: 'boolean' }, within: { type: 'string' } }, usage);
    let withinMs: number | undefined;
    if (values.within !== undefined) {
      try {
        withinMs = parseDuration(values.within).milliseconds;
      } catch {
        throw new UsageError(`--within: "${values.within}" is not a duration (e.g. 2h, 90m, 1d)\nusage: ${usage}`);
      }
    }
    const workspace = await context.openWorkspace();
    const all = await slaStatus(workspace);
    const rows = withinMs === undefined ? all : breachingWithin(all, withinMs);
    if (values.json) return void context.io.stdout(toJson(withinMs === undefined ? rows : rows.map((row) => withinJson(row, withinMs))));
    if (rows.length === 0) return void context.io.stdout(withinMs === undefined ? 'no open tickets' : `no open ticket breaches within ${formatDuration(withinMs)}`);
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
      ) +
        (withinMs === undefined
          ? `\n(${rows.length} open; ${rows.filter((row) => row.state === 'breached').length} breached, ${rows.filter((row) => row.state === 'at_risk').length} at risk; ${rows[0]!.hours} hours)`
          : `\n(${rows.length} of ${all.length} open breach within ${formatDuration(withinMs)}; ${rows[0]!.hours} hours)`),
    );
  },
};
