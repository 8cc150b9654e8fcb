// Runs a report job: at a slot it reads its report — the built-in escalation report from v_escalations, or its
// read-only SQL — for the period since the slot before, draws the chart if it has one, and queues one message per
// recipient (Telegram: the chart as a photo with the text as its caption; terminal: the text and the chart's path).
// Exactly once per slot: the ledger row (job, "report", slot) and the messages commit together, and a slot already
// in the ledger sends nothing again (after a restart, a catch-up, a second scheduler).
import { relative } from 'node:path';
import type { Row } from '../objects/database';
import { writeChart } from '../objects/charts/chart-file';
import { insertRows } from '../objects/entries';
import { readOnlyQuery } from '../objects/read-only-query';
import { formatTime } from '../objects/values';
import type { Workspace } from '../objects/workspace';
import { money } from './alert';
import type { JobDefinition, ReportSpec } from './job-schema';
import { insertMessages, wakeOutbox, type EnqueueInput } from './outbox';
import { type Address, addressKey, resolveRecipients } from './recipients';
import { periodWords, reportPeriod, reportSql, type ReportPeriod } from './report-period';
import { recordRun, startedRun } from './run-log';
import type { JobRunResult, RunTrigger } from './runner';
import { scheduleOf } from './schedule';
import { ensureJobTables } from './tables';

/** A report in words: "the escalation report (v_escalations), with a chart, to me, role:leads". */
export function reportWords(report: ReportSpec): string {
  const what = report.builtin === 'escalations' ? 'the escalation report (v_escalations)' : `the rows of its SQL (${report.sql!.replace(/\s+/g, ' ').slice(0, 80)}${report.sql!.length > 80 ? '…' : ''})`;
  return `${what}${report.chart ? ', with a chart' : ''}, to ${report.to.join(', ')}; each run covers the time since the slot before`;
}

/** The ledger's rule name for report runs (an escalation ledger row names a real rule). */
export const reportLedgerRule = 'report';

export interface ReportOutput {
  title: string;
  period: ReportPeriod;
  /** The message text (without the chart's path). */
  text: string;
  rows: number;
  /** Absolute path of the chart PNG, when the report has one and this run drew it (not in a dry run). */
  chart?: string;
  recipients: Address[];
  /** Set when this slot's report was already sent: nothing was sent again. */
  alreadySent?: true;
}

export type ReportRunResult = JobRunResult & { report: ReportOutput };

/** Runs a report job once: at `slot` (exactly once per slot), or by hand (no slot: sent each time, up to now). */
export async function runReportJob(
  workspace: Workspace,
  job: JobDefinition & { report: ReportSpec },
  options: { trigger?: RunTrigger; slot?: Date; dryRun?: boolean } = {},
): Promise<ReportRunResult> {
  await ensureJobTables(workspace.db);
  const at = workspace.clock.now();
  const zone = job.timezone ?? workspace.timeZone;
  const period = reportPeriod(scheduleOf(job, workspace.timeZone), options.slot ?? at);
  const title = job.report.title ?? (job.report.builtin === 'escalations' ? 'Escalation report' : job.description ?? job.name);
  const result: ReportRunResult = { ...startedRun(workspace, job.name, options), at, report: { title, period, text: '', rows: 0, recipients: [] } };
  const key = options.slot ? `slot:${options.slot.toISOString()}` : `run:${result.runId}`;
  if (options.slot && !result.dryRun && (await sentAlready(workspace, job.name, key))) {
    result.report.alreadySent = true;
    await workspace.db.transaction((sql) => recordRun(sql, result, workspace.clock.now(), { object: null, through: undefined }));
    return result;
  }
  const content = job.report.builtin === 'escalations' ? await escalationReport(workspace, period) : await sqlReport(workspace, job.report.sql!, zone, period);
  result.report.rows = content.rows.length;
  result.report.text = `📊 ${title} — ${periodWords(period, zone)}\n${content.text}`;
  result.report.recipients = await resolveRecipients(workspace, job.report.to, { createdBy: job.created_by });
  result.matched = content.rows.length;
  if (result.dryRun) return result;
  const spec = job.report.chart === true ? content.chart : job.report.chart || undefined;
  if (spec && content.chartRows.length > 0) result.report.chart = await writeChart(workspace, title, spec, content.chartRows);
  const messages: EnqueueInput[] = result.report.recipients.map((address) => ({
    to: address,
    text: address.channel === 'telegram' || !result.report.chart ? result.report.text : `${result.report.text}\nChart: ${relative(workspace.dir, result.report.chart)}`,
    idempotencyKey: `${job.name}/${reportLedgerRule}/${key}/${addressKey(address)}`,
    payload: { kind: 'report', job: job.name, runId: result.runId, ...(result.report.chart ? { photo: result.report.chart } : {}) },
  }));
  return workspace.db.transaction(async (sql) => {
    const ledger = [[job.name, reportLedgerRule, key, 'report', '(report)', at, result.runId], ...messages.map((message) => [job.name, reportLedgerRule, key, `to:${addressKey(message.to)}`, '(report)', at, result.runId])];
    await insertRows(sql, 'job_ledger', ['job', 'rule', 'entry_id', 'target', 'object', 'fired_at', 'run_id'], ['', '', '', '', '', '::TIMESTAMPTZ', ''], ledger);
    result.notified = (await insertMessages(sql, workspace, messages)).filter(Boolean).length;
    await recordRun(sql, result, workspace.clock.now(), { object: null, through: undefined });
    if (result.notified > 0) workspace.db.afterCommit(() => wakeOutbox(workspace));
    return result;
  });
}

async function sentAlready(workspace: Workspace, job: string, key: string): Promise<boolean> {
  const rows = await workspace.db.query('SELECT 1 FROM job_ledger WHERE job = $1 AND rule = $2 AND entry_id = $3 LIMIT 1', [job, reportLedgerRule, key]);
  return rows.length > 0;
}

interface ReportContent {
  text: string;
  rows: Row[];
  chartRows: Row[];
  chart?: Record<string, unknown>;
}

/** The escalation report: escalations of the period from v_escalations, by tier, customer and who, against the period before. */
async function escalationReport(workspace: Workspace, period: ReportPeriod): Promise<ReportContent> {
  const rows = await workspace.db.query<{ customer: string | null; to_tier: string | null; by_kind: string | null; escalations: number }>(
    `SELECT customer, to_tier, by_kind, count(*)::INTEGER AS escalations FROM v_escalations
     WHERE escalated_at >= $1::TIMESTAMPTZ AND escalated_at < $2::TIMESTAMPTZ GROUP BY ALL ORDER BY escalations DESC, customer`,
    [period.start, period.end],
  );
  const length = period.end.getTime() - period.start.getTime();
  const [before] = await workspace.db.query<{ escalations: number }>(
    `SELECT count(*)::INTEGER AS escalations FROM v_escalations WHERE escalated_at >= $1::TIMESTAMPTZ AND escalated_at < $2::TIMESTAMPTZ`,
    [new Date(period.start.getTime() - length), period.start],
  );
  const total = rows.reduce((sum, row) => sum + row.escalations, 0);
  const sum = (key: (row: (typeof rows)[number]) => string) => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + row.escalations);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  const lines = [`${total} escalation${total === 1 ? '' : 's'} (${before?.escalations ?? 0} the period before).`];
  if (total > 0) {
    lines.push(`By tier: ${sum((row) => row.to_tier ?? '(none)').map(([tier, count]) => `${tier} ${count}`).join(', ')}`);
    const customers = sum((row) => row.customer ?? '(no customer)');
    lines.push(`By customer: ${customers.slice(0, 10).map(([customer, count]) => `${customer} ${count}`).join(', ')}${customers.length > 10 ? `, … ${customers.length - 10} more` : ''}`);
    lines.push(`By: ${sum((row) => (row.by_kind === 'job' ? 'jobs' : row.by_kind === 'person' ? 'people' : row.by_kind ?? 'other')).map(([by, count]) => `${by} ${count}`).join(', ')}`);
  }
  const chartRows = sum((row) => `${row.customer ?? '(no customer)'}\u0000${row.to_tier ?? '(none)'}`).map(([key, count]) => {
    const [customer, tier] = key.split('\u0000') as [string, string];
    return { customer, tier, escalations: count };
  });
  return {
    text: lines.join('\n'),
    rows,
    chartRows,
    chart: {
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'customer', type: 'nominal', title: 'Customer', sort: '-y' },
        y: { field: 'escalations', type: 'quantitative', title: 'Escalations', aggregate: 'sum' },
        color: { field: 'tier', type: 'nominal', title: 'To tier' },
      },
    },
  };
}

/** A SQL report: its rows (read-only, as the query tool runs it) as lines, at most 20 shown. */
async function sqlReport(workspace: Workspace, sql: string, zone: string, period: ReportPeriod): Promise<ReportContent> {
  const rows = await readOnlyQuery(workspace.db, reportSql(sql, period));
  const shown = rows.slice(0, 20).map((row) =>
    Object.entries(row)
      .map(([column, value]) => `${column}: ${cell(column, value, zone)}`)
      .join(' · '),
  );
  const text = rows.length === 0 ? 'No rows this period.' : [`${rows.length} row${rows.length === 1 ? '' : 's'}:`, ...shown, ...(rows.length > 20 ? [`… ${rows.length - 20} more`] : [])].join('\n');
  return { text, rows, chartRows: rows };
}

function cell(column: string, value: unknown, zone: string): string {
  if (value === null || value === undefined) return '—';
  if (value instanceof Date) return formatTime(value, zone);
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'number' && /\b(value|amount|revenue|arr|mrr)\b/i.test(column)) return money(value);
  return String(value);
}
