// The monthly escalation report: escalated tickets per month — the month the escalation happened, from v_escalations
// (the field history), not the month the ticket was opened — and account tier, as a table and a stacked bar chart
// (PNG under exports/). A ticket escalated twice in a month counts once that month.
import { DateTime } from 'luxon';
import type { Row } from '../../objects/database';
import { EscalatorError } from '../../objects/errors';
import { findField, quoteIdentifier, tableName } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import { writeChart } from '../../tools/render-chart';
import { vocabularyOf } from './vocabulary';

export interface EscalationReport {
  months: string[];
  groups: string[];
  /** month → group → count */
  counts: Map<string, Map<string, number>>;
  total: number;
  groupLabel: string;
  chartPath: string;
}

/** Builds the report over the last `months` months (this one included), grouped by account tier or another enum. */
export async function escalationReport(workspace: Workspace, objectName: string, options: { months: number; groupBy?: 'tier' | 'priority' | 'escalation tier' }): Promise<EscalationReport> {
  const definition = workspace.object(objectName);
  const vocabulary = vocabularyOf(definition, workspace.objects);
  if (!vocabulary.tier) throw new EscalatorError(`${objectName} has no escalation tier field, so no escalations are recorded to count`);
  let groupSql: string;
  let groupLabel: string;
  let order: string[] = [];
  const joins: string[] = [];
  if (options.groupBy === 'priority' || options.groupBy === 'escalation tier') {
    const field = options.groupBy === 'priority' ? definition.fields.find((candidate) => /priority/i.test(candidate.name)) : vocabulary.tier;
    if (!field) throw new EscalatorError(`${objectName} has no ${options.groupBy} field`);
    // By escalation tier: the tier the escalation reached then, not the ticket's tier now.
    groupSql = options.groupBy === 'escalation tier' ? 'x.to_tier' : `e.${quoteIdentifier(field.column)}`;
    groupLabel = field.name;
    order = field.options ?? [];
  } else {
    const own = findField(definition, 'Account Tier');
    const account = vocabulary.account;
    const related = account ? workspace.objects.get(account.relatedObject ?? '') : undefined;
    const relatedTier = related ? findField(related, 'Account Tier') : undefined;
    const parts: string[] = [];
    if (account && related && relatedTier) {
      joins.push(`LEFT JOIN ${tableName(related.name)} AS c ON c.id = e.${quoteIdentifier(account.column)}`);
      parts.push(`c.${quoteIdentifier(relatedTier.column)}`);
    }
    if (own) parts.push(`e.${quoteIdentifier(own.column)}`);
    if (parts.length === 0) throw new EscalatorError(`${objectName} has no account tier to group by`);
    groupSql = `coalesce(${parts.join(', ')})`;
    groupLabel = 'Account Tier';
    order = relatedTier?.options ?? own?.options ?? [];
  }
  const now = DateTime.fromJSDate(workspace.clock.now()).setZone(workspace.timeZone);
  const start = now.startOf('month').minus({ months: options.months - 1 });
  const rows = await workspace.db.query<{ month: string; grp: string | null; count: number }>(
    `SELECT strftime(timezone($1, x.escalated_at), '%Y-%m') AS month, ${groupSql} AS grp, count(DISTINCT e.id)::INTEGER AS count
     FROM v_escalations AS x JOIN ${tableName(objectName)} AS e ON e.id = x.entry_id ${joins.join(' ')}
     WHERE x.object = $3 AND x.escalated_at >= $2::TIMESTAMPTZ
     GROUP BY ALL ORDER BY month`,
    [workspace.timeZone, start.toJSDate(), definition.name],
  );
  const months = Array.from({ length: options.months }, (_, index) => start.plus({ months: index }).toFormat('yyyy-MM'));
  const counts = new Map(months.map((month) => [month, new Map<string, number>()]));
  const seen = new Set<string>();
  for (const row of rows) {
    const group = row.grp ?? '(none)';
    seen.add(group);
    counts.get(row.month)?.set(group, row.count);
  }
  const groups = [...order.filter((option) => seen.has(option)), ...[...seen].filter((group) => !order.includes(group))];
  const data: Row[] = rows.map((row) => ({ month: row.month, [groupLabel]: row.grp ?? '(none)', escalations: row.count }));
  const title = `Escalations per month by ${groupLabel.toLowerCase()}`;
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  if (total === 0) throw new EscalatorError(`no ${objectName.replace(/_/g, ' ')} were escalated in the last ${options.months} months, so there is nothing to chart`);
  const chartPath = await writeChart(workspace, title, {
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: 'Month escalated', sort: months, scale: { domain: months } },
      y: { field: 'escalations', type: 'quantitative', title: 'Escalated tickets', aggregate: 'sum' },
      color: { field: groupLabel, type: 'nominal', sort: groups, scale: { domain: groups } },
    },
  }, data);
  return { months, groups, counts, total, groupLabel, chartPath };
}

/** The report as a text table: one row per month, one column per group, totals. */
export function reportText(report: EscalationReport): string {
  const header = ['Month', ...report.groups, 'Total'];
  const body = report.months.map((month) => {
    const row = report.counts.get(month)!;
    const values = report.groups.map((group) => row.get(group) ?? 0);
    return [month, ...values.map(String), String(values.reduce((sum, value) => sum + value, 0))];
  });
  const totals = ['Total', ...report.groups.map((group) => String(report.months.reduce((sum, month) => sum + (report.counts.get(month)!.get(group) ?? 0), 0))), String(report.total)];
  const table = [header, ...body, totals];
  const widths = header.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  return table.map((line) => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}
