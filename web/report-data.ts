// The reports page's data: escalations per month or quarter and per account tier, counted from v_escalations, so a
// ticket opened in March and escalated in April counts in April, under the tier its account had then (from the field
// history), not today's. Any object with a tier field is reported. Periods are read in the workspace's time zone.
import { ValidationError } from '../objects/errors';
import { tierFields } from '../objects/escalations-view';
import { findField, quoteIdentifier, tableName, type FieldDefinition, type ObjectDefinition } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { customerRelation } from './board-data';

export type ReportPeriod = 'month' | 'quarter';

export interface ReportFilters {
  period: ReportPeriod;
  /** First month counted, "YYYY-MM" (inclusive). */
  from?: string;
  /** Last month counted, "YYYY-MM" (inclusive). */
  to?: string;
}

export interface EscalationReport {
  object: string;
  filters: ReportFilters;
  /** Period labels in order: "2026-03" or "2026-Q1". */
  periods: string[];
  /** Account tiers in the related object's option order, then any others; "No tier" last. */
  tiers: string[];
  /** counts[period][tier]; absent means 0. */
  counts: Record<string, Record<string, number>>;
  total: number;
}

export const noTier = 'No tier';
const month = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The filters a query string asks for: period=month|quarter, from=YYYY-MM, to=YYYY-MM; anything else is refused. */
export function reportFilters(query: { period?: string | undefined; from?: string | undefined; to?: string | undefined }): ReportFilters {
  const period = query.period || 'month';
  if (period !== 'month' && period !== 'quarter') throw new ValidationError(`period must be month or quarter, not "${period}"`);
  const filters: ReportFilters = { period };
  for (const key of ['from', 'to'] as const) {
    const value = query[key];
    if (!value) continue;
    if (!month.test(value)) throw new ValidationError(`${key} must be a month like 2026-03, not "${value}"`);
    filters[key] = value;
  }
  if (filters.from && filters.to && filters.from > filters.to) throw new ValidationError(`from (${filters.from}) is after to (${filters.to})`);
  return filters;
}

/** The objects that can be escalated (they have a tier field, so v_escalations holds their escalations), by name. */
export function reportableObjects(workspace: Workspace): string[] {
  return [...workspace.objects.values()].filter((definition) => tierFields(definition).length > 0).map((definition) => definition.name).sort();
}

/**
 * Where an entry's account tier is kept: the "Account Tier" of its customer (through the Customer/Company/Account
 * relation), else its own "Account Tier" field; undefined when neither exists.
 */
function tierSource(workspace: Workspace, definition: ObjectDefinition): { object: ObjectDefinition; field: FieldDefinition; relation?: FieldDefinition } | undefined {
  const relation = customerRelation(definition);
  const related = relation?.relatedObject ? workspace.objects.get(relation.relatedObject) : undefined;
  const relatedTier = related ? findField(related, 'Account Tier') : undefined;
  if (relation && related && relatedTier) return { object: related, field: relatedTier, relation };
  const own = findField(definition, 'Account Tier');
  return own ? { object: definition, field: own } : undefined;
}

/**
 * Escalations of `objectName`'s entries by period and by the account tier at the moment of each escalation: the
 * tier field's last change at or before it; with no change before (history starting later), the value the first
 * change after replaced; with no change at all, the tier now.
 */
export async function loadEscalationReport(workspace: Workspace, objectName: string, filters: ReportFilters): Promise<EscalationReport> {
  const definition = workspace.object(objectName);
  const source = tierSource(workspace, definition);
  const joins = [`LEFT JOIN ${tableName(definition.name)} AS t ON t.id = e.entry_id`];
  let tier = 'NULL::VARCHAR';
  if (source) {
    const holder = source.relation ? `t.${quoteIdentifier(source.relation.column)}` : 't.id';
    joins.push(`LEFT JOIN ${tableName(source.object.name)} AS a ON a.id = ${holder}`);
    const changes = `FROM field_changes AS h WHERE h.object = $5 AND h.field = $6 AND h.entry_id = a.id`;
    tier = `CASE
      WHEN EXISTS (SELECT 1 ${changes} AND h.changed_at <= e.escalated_at) THEN (SELECT arg_max(h.new_value, h.changed_at) ${changes} AND h.changed_at <= e.escalated_at)
      WHEN EXISTS (SELECT 1 ${changes} AND h.changed_at > e.escalated_at) THEN (SELECT arg_min(h.old_value, h.changed_at) ${changes} AND h.changed_at > e.escalated_at)
      ELSE a.${quoteIdentifier(source.field.column)}::VARCHAR END`;
  }
  const local = 'timezone($2, e.escalated_at)';
  const label = filters.period === 'month' ? `strftime(${local}, '%Y-%m')` : `year(${local})::VARCHAR || '-Q' || quarter(${local})::VARCHAR`;
  const rows = await workspace.db.query<{ period: string; tier: string | null; count: number }>(
    `SELECT ${label} AS period, ${tier} AS tier, count(*)::INTEGER AS count
       FROM v_escalations AS e ${joins.join(' ')}
      WHERE e.object = $1 AND ($3::VARCHAR IS NULL OR strftime(${local}, '%Y-%m') >= $3) AND ($4::VARCHAR IS NULL OR strftime(${local}, '%Y-%m') <= $4)
      GROUP BY ALL ORDER BY period`,
    [definition.name, workspace.timeZone, filters.from ?? null, filters.to ?? null, ...(source ? [source.object.name, source.field.name] : [])],
  );
  const tierField = source?.field;
  const counts: EscalationReport['counts'] = {};
  const seen = new Set<string>();
  let total = 0;
  for (const row of rows) {
    const name = row.tier ?? noTier;
    seen.add(name);
    (counts[row.period] ??= {})[name] = row.count;
    total += row.count;
  }
  const ordered = (tierField?.options ?? []).filter((option) => seen.has(option));
  const others = [...seen].filter((name) => name !== noTier && !ordered.includes(name)).sort();
  const tiers = [...ordered, ...others, ...(seen.has(noTier) ? [noTier] : [])];
  return { object: definition.name, filters, periods: continuous(Object.keys(counts).sort(), filters), tiers, counts, total };
}

/** Every period from the first to the last (or the filter's from/to), so a month without escalations shows as 0. */
function continuous(found: string[], filters: ReportFilters): string[] {
  const first = filters.from ? periodOf(filters.from, filters.period) : found[0];
  const last = filters.to ? periodOf(filters.to, filters.period) : found[found.length - 1];
  if (!first || !last) return found;
  const periods: string[] = [];
  for (let period = first; period <= last && periods.length < 240; period = nextPeriod(period)) periods.push(period);
  return periods;
}

function periodOf(yearMonth: string, period: ReportPeriod): string {
  return period === 'month' ? yearMonth : `${yearMonth.slice(0, 4)}-Q${Math.ceil(Number(yearMonth.slice(5, 7)) / 3)}`;
}

function nextPeriod(period: string): string {
  const year = Number(period.slice(0, 4));
  const quarter = /-Q(\d)$/.exec(period);
  if (quarter) return Number(quarter[1]) === 4 ? `${year + 1}-Q1` : `${year}-Q${Number(quarter[1]) + 1}`;
  const monthNumber = Number(period.slice(5, 7));
  return monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}`;
}
