// SLA clocks of open tickets: first response and resolution against the policy's targets (priority × account tier),
// in calendar or business time; the resolution clock pauses while Status is a pause status (from field history).
import type { Row } from '../objects/database';
import { EscalatorError } from '../objects/errors';
import { resolveField, SqlParameters, compileFilter } from '../objects/filter-compiler';
import { findField, tableName, viewName } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { calendarTime } from './business-calendar';
import { slaPolicy, workingCalendar, type SlaPolicy } from './sla-config';

export type SlaState = 'within' | 'at_risk' | 'breached' | 'met';

export interface SlaClock {
  targetMs: number;
  usedMs: number;
  /** Negative once breached. */
  remainingMs: number;
  state: SlaState;
  /** Resolution only: time not counted because the ticket waited on the customer. */
  pausedMs?: number;
  /** Resolution only: the clock is stopped now. */
  paused?: boolean;
}

export interface SlaRow {
  id: string;
  title: string;
  customer: string | null;
  priority: string | null;
  accountTier: string | null;
  status: string | null;
  openedAt: Date | null;
  firstResponse: SlaClock | null;
  resolution: SlaClock | null;
  /** The worse of the two clocks still running (a met first response counts as within). */
  state: Exclude<SlaState, 'met'>;
  hours: 'calendar' | 'business';
}

const severity: Record<SlaState, number> = { met: 0, within: 0, at_risk: 1, breached: 2 };

/** The targets for a priority and account tier: the tier's overrides over the priority's defaults. */
export function targetsFor(policy: SlaPolicy, priority: string | null, accountTier: string | null): { firstResponse?: number; resolution?: number } {
  if (!priority) return {};
  const base = policy.targets[priority] ?? {};
  const override = accountTier ? (policy.by_account_tier[accountTier]?.[priority] ?? {}) : {};
  const firstResponse = override.first_response ?? base.first_response;
  const resolution = override.resolution ?? base.resolution;
  return { ...(firstResponse !== undefined ? { firstResponse } : {}), ...(resolution !== undefined ? { resolution } : {}) };
}

function clockState(used: number, target: number, atRisk: number): Exclude<SlaState, 'met'> {
  if (used >= target) return 'breached';
  return used >= target * atRisk ? 'at_risk' : 'within';
}

/** A stretch of a ticket's status history: the status, from the moment it was set (to the next one's). */
export interface StatusInterval {
  status: string;
  from: Date;
}

/**
 * One open ticket's two clocks at `now` — the one SLA clock of escalator (`escalator sla`, the agent, Telegram and the
 * web board all use it): first response from opened to answered (met or breached once answered), resolution from
 * opened to now less the time spent in a pause status.
 */
export function ticketClocks(options: {
  policy: SlaPolicy;
  measure: { between(from: Date, to: Date): number };
  targets: { firstResponse?: number; resolution?: number };
  opened: Date;
  answered: Date | null;
  /** The ticket's status now. */
  status: unknown;
  statusHistory: readonly StatusInterval[];
  now: Date;
}): { firstResponse: SlaClock | null; resolution: SlaClock | null } {
  const { policy, measure, targets, opened, answered, now } = options;
  const pauses = new Set(policy.pause_statuses.map((status) => status.toLowerCase()));
  let firstResponse: SlaClock | null = null;
  if (targets.firstResponse !== undefined) {
    const used = measure.between(opened, answered ?? now);
    const state: SlaState = answered ? (used <= targets.firstResponse ? 'met' : 'breached') : clockState(used, targets.firstResponse, policy.at_risk);
    firstResponse = { targetMs: targets.firstResponse, usedMs: used, remainingMs: targets.firstResponse - used, state };
  }
  let resolution: SlaClock | null = null;
  if (targets.resolution !== undefined) {
    const intervals = options.statusHistory;
    let pausedMs = 0;
    intervals.forEach((interval, index) => {
      if (!pauses.has(interval.status.toLowerCase())) return;
      const start = new Date(Math.max(interval.from.getTime(), opened.getTime()));
      const end = new Date(Math.min(intervals[index + 1]?.from.getTime() ?? now.getTime(), now.getTime()));
      pausedMs += measure.between(start, end);
    });
    const used = Math.max(0, measure.between(opened, now) - pausedMs);
    resolution = {
      targetMs: targets.resolution,
      usedMs: used,
      remainingMs: targets.resolution - used,
      state: clockState(used, targets.resolution, policy.at_risk),
      pausedMs,
      paused: typeof options.status === 'string' && pauses.has(options.status.toLowerCase()),
    };
  }
  return { firstResponse, resolution };
}

/** The SLA state of every open ticket, the most urgent first. */
export async function slaStatus(workspace: Workspace, options: { now?: Date } = {}): Promise<SlaRow[]> {
  const policy = slaPolicy(workspace);
  const now = options.now ?? workspace.clock.now();
  const measure = policy.hours === 'business' ? workingCalendar(workspace) : calendarTime;
  const definition = workspace.object(policy.object);
  const field = (name: string) => {
    const found = findField(definition, name);
    if (!found) throw new EscalatorError(`workspace.yaml sla.fields: ${definition.name} has no field "${name}"`);
    return found;
  };
  const fields = {
    priority: field(policy.fields.priority),
    status: field(policy.fields.status),
    opened: field(policy.fields.opened),
    firstResponse: field(policy.fields.first_response),
    resolved: field(policy.fields.resolved),
  };
  const ownTier = findField(definition, policy.fields.account_tier);
  const customerRelation = definition.fields.find((candidate) => candidate.type === 'relation' && /^(customer|company|account)$/i.test(candidate.name));
  let tierSql = 'NULL';
  const joins: string[] = [];
  if (customerRelation) {
    try {
      const resolved = resolveField(definition, `${customerRelation.name}.${policy.fields.account_tier}`, workspace.objects);
      tierSql = resolved.sql;
      if (resolved.join) joins.push(resolved.join.clause);
    } catch {
      // The customer's object has no tier field: the ticket's own is used.
    }
  }
  const parameters = new SqlParameters();
  const open = compileFilter(
    definition,
    { all: [{ field: fields.status.name, operator: 'is_none_of', value: policy.closed_statuses }, { field: fields.resolved.name, operator: 'is_empty' }] },
    workspace.compileContext(now),
    parameters,
  );
  const rows = await workspace.db.query(
    `SELECT v.*, ${tierSql} AS "__customer tier" FROM ${tableName(definition.name)} AS e ${[...joins, ...open.joins].join(' ')}
     JOIN ${viewName(definition.name)} AS v ON v.id = e.id WHERE ${open.where} ORDER BY e.created_at, e.id`,
    parameters.values,
  );
  const history = await statusHistory(workspace, definition.name, fields.status.name, rows.map((row) => String(row.id)));

  const result: SlaRow[] = rows.map((row) => {
    const opened = (row[fields.opened.name] as Date | null) ?? (row.created_at as Date);
    const priority = (row[fields.priority.name] as string | null) ?? null;
    const accountTier = ((ownTier ? row[ownTier.name] : null) as string | null) ?? ((row['__customer tier'] as string | null) ?? null);
    const { firstResponse, resolution } = ticketClocks({
      policy,
      measure,
      targets: targetsFor(policy, priority, accountTier),
      opened,
      answered: row[fields.firstResponse.name] as Date | null,
      status: row[fields.status.name],
      statusHistory: history.get(String(row.id)) ?? [],
      now,
    });
    const worst = Math.max(severity[firstResponse?.state ?? 'within'], severity[resolution?.state ?? 'within']);
    const customer = customerRelation ? ((row[customerRelation.name] as string | null) ?? null) : null;
    return {
      id: String(row.id),
      title: String(row[definition.displayField] ?? row.id),
      customer,
      priority,
      accountTier,
      status: (row[fields.status.name] as string | null) ?? null,
      openedAt: (row[fields.opened.name] as Date | null) ?? null,
      firstResponse,
      resolution,
      state: worst === 2 ? 'breached' : worst === 1 ? 'at_risk' : 'within',
      hours: policy.hours,
    };
  });
  const remaining = (row: SlaRow) => Math.min(...[row.firstResponse, row.resolution].filter((clock): clock is SlaClock => clock !== null && clock.state !== 'met').map((clock) => clock.remainingMs), Infinity);
  return result.sort((a, b) => severity[b.state] - severity[a.state] || remaining(a) - remaining(b));
}

/** Status intervals per entry from field_changes: each status from the moment it was set. */
export async function statusHistory(workspace: Workspace, object: string, field: string, ids: readonly string[]): Promise<Map<string, StatusInterval[]>> {
  const byEntry = new Map<string, StatusInterval[]>();
  if (ids.length === 0) return byEntry;
  const rows = await workspace.db.query<Row & { entry_id: string; new_value: string | null; changed_at: Date }>(
    `SELECT entry_id, new_value, changed_at FROM field_changes WHERE object = $1 AND field = $2 AND entry_id IN (SELECT unnest(from_json($3, '["VARCHAR"]'))) ORDER BY entry_id, changed_at`,
    [object, field, JSON.stringify(ids)],
  );
  for (const row of rows) {
    const list = byEntry.get(row.entry_id) ?? [];
    list.push({ status: row.new_value ?? '', from: row.changed_at });
    byEntry.set(row.entry_id, list);
  }
  return byEntry;
}

/** A clock that is still running (not met, not yet breached) and breaches within `withinMs`. */
export function breachesWithin(clock: SlaClock | null, withinMs: number): boolean {
  return clock !== null && clock.state !== 'met' && clock.state !== 'breached' && clock.remainingMs >= 0 && clock.remainingMs <= withinMs;
}

/** The tickets with a clock that breaches within `withinMs` from now ("breaching within 2 h"), soonest first. */
export function breachingWithin(rows: readonly SlaRow[], withinMs: number): SlaRow[] {
  const soonest = (row: SlaRow) => Math.min(...[row.firstResponse, row.resolution].filter((clock) => breachesWithin(clock, withinMs)).map((clock) => clock!.remainingMs));
  return rows.filter((row) => breachesWithin(row.firstResponse, withinMs) || breachesWithin(row.resolution, withinMs)).sort((a, b) => soonest(a) - soonest(b));
}

/** A clock's minutes as numbers: used, left (negative once breached) and the target. */
export function clockMinutes(clock: SlaClock): { used: number; left: number; target: number } {
  const minutes = (milliseconds: number) => Math.round(milliseconds / 60_000);
  return { used: minutes(clock.usedMs), left: minutes(clock.remainingMs), target: minutes(clock.targetMs) };
}
