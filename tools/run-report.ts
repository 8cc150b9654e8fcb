// What a job run did, as tools report it: counts, the entries each rule acted on, and the alerts it queued and to whom.
import type { JobRunResult } from '../jobs/runner';
import { viewName } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { compactRow, toolTime } from './results';

export interface RunReport {
  at: string;
  trigger: string;
  dry_run: boolean;
  matched: number;
  changed: number;
  notified: number;
  rules: { rule: string; entries: number; examples: Record<string, unknown>[] }[];
  /** Alerts the run queued, grouped by recipient. */
  alerts?: { to: string; channel: string; messages: number }[];
}

/** The run as JSON the model reads (at most `examples` entries shown per rule). */
export async function runReport(workspace: Workspace, object: string, result: JobRunResult, examples = 10): Promise<RunReport> {
  const rules = [];
  for (const rule of result.rules) {
    const rows = rule.entries.length
      ? await workspace.db.query(`SELECT * FROM ${viewName(object)} WHERE id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [JSON.stringify(rule.entries.slice(0, examples))])
      : [];
    rules.push({ rule: rule.rule, entries: rule.entries.length, examples: rows.map((row) => compactRow(row, workspace.timeZone, 80)) });
  }
  const report: RunReport = {
    at: toolTime(result.at, workspace.timeZone),
    trigger: result.trigger,
    dry_run: result.dryRun,
    matched: result.matched,
    changed: result.changed,
    notified: result.notified,
    rules,
  };
  if (!result.dryRun && result.notified > 0) {
    const alerts = await workspace.db.query<{ to: string; channel: string; messages: number }>(
      `SELECT coalesce(recipient_name, recipient) AS "to", channel, count(*)::INTEGER AS messages FROM outbox
       WHERE json_extract_string(payload, '$.runId') = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [result.runId],
    );
    report.alerts = alerts.map((row) => ({ to: String(row.to), channel: String(row.channel), messages: Number(row.messages) }));
  }
  return report;
}
