// sla_status: the SLA clocks of open tickets — within, at risk (≥ 75 % used) or breached, with time remaining.
import { z } from 'zod';
import { slaStatus, type SlaClock, type SlaRow } from '../jobs/sla';
import { formatDuration } from '../objects/duration';
import type { Workspace } from '../objects/workspace';
import { defineTool } from './tool';

function clockWords(clock: SlaClock | null): string | undefined {
  if (!clock) return undefined;
  if (clock.state === 'met') return 'met';
  const left = clock.remainingMs >= 0 ? `${formatDuration(clock.remainingMs)} left` : `over by ${formatDuration(-clock.remainingMs)}`;
  return `${clock.state.replace('_', ' ')} (${left} of ${formatDuration(clock.targetMs)}${clock.paused ? ', paused' : ''})`;
}

/** One ticket's SLA as compact JSON. */
export function slaEntry(row: SlaRow): Record<string, unknown> {
  const first = clockWords(row.firstResponse);
  const resolution = clockWords(row.resolution);
  return {
    id: row.id,
    title: row.title,
    ...(row.customer ? { customer: row.customer } : {}),
    ...(row.priority ? { priority: row.priority } : {}),
    ...(row.accountTier ? { account_tier: row.accountTier } : {}),
    state: row.state,
    ...(first ? { first_response: first } : {}),
    ...(resolution ? { resolution } : {}),
  };
}

export function slaStatusTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'sla_status',
    description: 'SLA state of open tickets (first response and resolution clocks by priority × account tier): which breach, which are at risk, time left. Use for "which tickets breach SLA".',
    inputSchema: z.object({
      show: z.enum(['attention', 'breached', 'at_risk', 'all']).default('attention').describe('attention (default): breached and at risk; or only breached, only at_risk, or all open tickets'),
      limit: z.number().int().min(1).max(200).default(30).describe('At most this many tickets'),
    }),
    outsideText: ['tickets'],
    async run(input) {
      const rows = await slaStatus(deps.workspace);
      const wanted = rows.filter((row) => input.show === 'all' || (input.show === 'attention' ? row.state !== 'within' : row.state === input.show));
      const counts = { breached: rows.filter((row) => row.state === 'breached').length, at_risk: rows.filter((row) => row.state === 'at_risk').length, within: rows.filter((row) => row.state === 'within').length };
      return { open_tickets: rows.length, ...counts, tickets: wanted.slice(0, input.limit).map(slaEntry) };
    },
  });
}
