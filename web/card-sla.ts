// SLA state of the tickets a page shows (board cards, one ticket): jobs/sla.ts's clock (ticketClocks) and status
// history, as `escalator sla` uses them, run for those entries only so a 100k-ticket board does not clock every open
// ticket.
import { calendarTime } from '../jobs/business-calendar';
import { statusHistory, targetsFor, ticketClocks, type SlaClock } from '../jobs/sla';
import { slaPolicy, workingCalendar } from '../jobs/sla-config';
import type { Row } from '../objects/database';
import { findField } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';

export interface CardSla {
  state: 'within' | 'at_risk' | 'breached' | 'met';
  firstResponse: SlaClock | null;
  resolution: SlaClock | null;
}

const severity = { met: 0, within: 1, at_risk: 2, breached: 3 } as const;

/**
 * The SLA of each row (v_ view rows with an optional "__customer tier"), by id; rows of another object than the
 * policy's, and closed tickets, get none.
 */
export async function slaForRows(workspace: Workspace, objectName: string, rows: readonly Row[], now: Date): Promise<Map<string, CardSla>> {
  const result = new Map<string, CardSla>();
  const policy = slaPolicy(workspace);
  if (policy.object !== objectName || rows.length === 0) return result;
  const definition = workspace.object(objectName);
  const fields = policy.fields;
  if (![fields.priority, fields.status, fields.opened, fields.first_response, fields.resolved].every((name) => findField(definition, name))) return result;
  const measure = policy.hours === 'business' ? workingCalendar(workspace) : calendarTime;
  const closed = new Set(policy.closed_statuses.map((status) => status.toLowerCase()));
  const open = rows.filter((row) => !closed.has(String(row[fields.status] ?? '').toLowerCase()) && !row[fields.resolved]);
  const history = await statusHistory(workspace, definition.name, fields.status, open.map((row) => String(row.id)));
  for (const row of open) {
    const tier = (row[fields.account_tier] as string | null | undefined) ?? (row['__customer tier'] as string | null | undefined) ?? null;
    const { firstResponse, resolution } = ticketClocks({
      policy,
      measure,
      targets: targetsFor(policy, (row[fields.priority] as string | null) ?? null, tier),
      opened: (row[fields.opened] as Date | null) ?? (row.created_at as Date),
      answered: row[fields.first_response] as Date | null,
      status: row[fields.status],
      statusHistory: history.get(String(row.id)) ?? [],
      now,
    });
    const states = [firstResponse?.state ?? 'met', resolution?.state ?? 'met'];
    const state = states.reduce((worst, next) => (severity[next] > severity[worst] ? next : worst), 'met' as CardSla['state']);
    result.set(String(row.id), { state, firstResponse, resolution });
  }
  return result;
}
