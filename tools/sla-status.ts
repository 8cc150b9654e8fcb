// sla_status: the SLA clocks of open tickets — within, at risk (≥ 75 % used) or breached, with time remaining in words
// and minutes as numbers; with `within`, only the clocks that breach inside that horizon.
import { z } from 'zod';
import { breachingWithin, clockMinutes, slaStatus, type SlaClock, type SlaRow } from '../jobs/sla';
import { formatDuration, parseDuration } from '../objects/duration';
import { EscalatorError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { toolTime } from './results';
import { defineTool } from './tool';

function clockWords(clock: SlaClock | null): string | undefined {
  if (!clock) return undefined;
  if (clock.state === 'met') return 'met';
  const left = clock.remainingMs >= 0 ? `${formatDuration(clock.remainingMs)} left` : `over by ${formatDuration(-clock.remainingMs)}`;
  return `${clock.state.replace('_', ' ')} (${left} of ${formatDuration(clock.targetMs)}${clock.paused ? ', paused' : ''})`;
}

/** One ticket's SLA as compact JSON: each clock in words, and its minutes (used, left, target) as numbers. */
export function slaEntry(row: SlaRow, timeZone?: string): Record<string, unknown> {
  const first = clockWords(row.firstResponse);
  const resolution = clockWords(row.resolution);
  const minutes: Record<string, unknown> = {};
  if (row.firstResponse && row.firstResponse.state !== 'met') minutes.first_response = clockMinutes(row.firstResponse);
  if (row.resolution) minutes.resolution = clockMinutes(row.resolution);
  return {
    id: row.id,
    title: row.title,
    ...(row.customer ? { customer: row.customer } : {}),
    ...(row.priority ? { priority: row.priority } : {}),
    ...(row.accountTier ? { account_tier: row.accountTier } : {}),
    ...(row.openedAt && timeZone ? { opened: toolTime(row.openedAt, timeZone) } : {}),
    state: row.state,
    ...(first ? { first_response: first } : {}),
    ...(resolution ? { resolution } : {}),
    ...(Object.keys(minutes).length ? { minutes } : {}),
  };
}

/** "2h", "90m", "2 hours" → milliseconds; a one-line error otherwise. */
export function horizonMs(text: string): number {
  try {
    return parseDuration(text).milliseconds;
  } catch {
    throw new EscalatorError(`within: "${text}" is not a duration; use e.g. "2h", "90m" or "1d"`);
  }
}

export function slaStatusTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'sla_status',
    description:
      'SLA state of open tickets (first response and resolution clocks by priority × account tier): which breach, which are at risk, time left in words and minutes used/left as numbers. Use for "which tickets breach SLA", and with within for "which breach in the next 2 hours".',
    inputSchema: z.object({
      show: z.enum(['attention', 'breached', 'at_risk', 'all']).default('attention').describe('attention (default): breached and at risk; or only breached, only at_risk, or all open tickets'),
      within: z.string().optional().describe('A horizon such as "2h" or "30m": only tickets with a running clock that breaches within it, soonest first (show is then ignored)'),
      limit: z.number().int().min(1).max(200).default(30).describe('At most this many tickets'),
    }),
    outsideText: ['tickets'],
    async run(input) {
      const rows = await slaStatus(deps.workspace);
      const horizon = input.within === undefined ? undefined : horizonMs(input.within);
      const wanted =
        horizon !== undefined
          ? breachingWithin(rows, horizon)
          : rows.filter((row) => input.show === 'all' || (input.show === 'attention' ? row.state !== 'within' : row.state === input.show));
      const counts = { breached: rows.filter((row) => row.state === 'breached').length, at_risk: rows.filter((row) => row.state === 'at_risk').length, within: rows.filter((row) => row.state === 'within').length };
      return {
        open_tickets: rows.length,
        ...counts,
        ...(horizon !== undefined ? { within: formatDuration(horizon), breaching_within: wanted.length } : {}),
        tickets: wanted.slice(0, input.limit).map((row) => slaEntry(row, deps.workspace.timeZone)),
      };
    },
  });
}
