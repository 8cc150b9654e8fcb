// SLA state of the tickets a page shows (board cards, one ticket): the same policy, targets and pause rules as
// `escalator sla`, computed for those entries only so a 100k-ticket board does not clock every open ticket.
import { calendarTime } from '../jobs/business-calendar';
import { targetsFor, type SlaClock } from '../jobs/sla';
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
  const pauses = new Set(policy.pause_statuses.map((status) => status.toLowerCase()));
  const open = rows.filter((row) => !closed.has(String(row[fields.status] ?? '').toLowerCase()) && !row[fields.resolved]);
  const history = new Map<string, { status: string; from: Date }[]>();
  if (open.length > 0) {
    const changes = await workspace.db.query<{ entry_id: string; new_value: string | null; changed_at: Date }>(
      `SELECT entry_id, new_value, changed_at FROM field_changes WHERE object = $1 AND field = $2 AND entry_id IN (SELECT unnest(from_json($3, '["VARCHAR"]'))) ORDER BY entry_id, changed_at`,
      [definition.name, fields.status, JSON.stringify(open.map((row) => String(row.id)))],
    );
    for (const change of changes) {
      const list = history.get(change.entry_id) ?? [];
      list.push({ status: change.new_value ?? '', from: change.changed_at });
      history.set(change.entry_id, list);
    }
  }
  for (const row of open) {
    const opened = (row[fields.opened] as Date | null) ?? (row.created_at as Date);
    const tier = (row[fields.account_tier] as string | null | undefined) ?? (row['__customer tier'] as string | null | undefined) ?? null;
    const targets = targetsFor(policy, (row[fields.priority] as string | null) ?? null, tier);
    let firstResponse: SlaClock | null = null;
    if (targets.firstResponse !== undefined) {
      const answered = row[fields.first_response] as Date | null;
      const used = measure.between(opened, answered ?? now);
      const state = answered ? (used <= targets.firstResponse ? 'met' : 'breached') : clockState(used, targets.firstResponse, policy.at_risk);
      firstResponse = { targetMs: targets.firstResponse, usedMs: used, remainingMs: targets.firstResponse - used, state };
    }
    let resolution: SlaClock | null = null;
    if (targets.resolution !== undefined) {
      const intervals = history.get(String(row.id)) ?? [];
      let pausedMs = 0;
      intervals.forEach((interval, index) => {
        if (!pauses.has(interval.status.toLowerCase())) return;
        const start = new Date(Math.max(interval.from.getTime(), opened.getTime()));
        const end = new Date(Math.min(intervals[index + 1]?.from.getTime() ?? now.getTime(), now.getTime()));
        pausedMs += measure.between(start, end);
      });
      const used = Math.max(0, measure.between(opened, now) - pausedMs);
      const status = String(row[fields.status] ?? '').toLowerCase();
      resolution = { targetMs: targets.resolution, usedMs: used, remainingMs: targets.resolution - used, state: clockState(used, targets.resolution, policy.at_risk), pausedMs, paused: pauses.has(status) };
    }
    const states = [firstResponse?.state ?? 'met', resolution?.state ?? 'met'];
    const state = states.reduce((worst, next) => (severity[next] > severity[worst] ? next : worst), 'met' as CardSla['state']);
    result.set(String(row.id), { state, firstResponse, resolution });
  }
  return result;
}

function clockState(used: number, target: number, atRisk: number): 'within' | 'at_risk' | 'breached' {
  if (used >= target) return 'breached';
  return used >= target * atRisk ? 'at_risk' : 'within';
}
