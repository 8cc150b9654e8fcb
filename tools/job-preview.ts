// What a job would do, before it is saved: validated, its schedule in words with the next run times, and a dry run
// on the data as it is now ("right now this would escalate 2 tickets: …").
import type { Row } from '../objects/database';
import { formatDuration } from '../objects/duration';
import { findField, viewName } from '../objects/object-schema';
import { formatTime } from '../objects/values';
import type { Workspace } from '../objects/workspace';
import { jobNames, validateJob } from '../jobs/job-files';
import { isReportJob, type JobDefinition } from '../jobs/job-schema';
import { reportWords, type ReportRunResult } from '../jobs/report-job';
import { runJob } from '../jobs/runner';
import { jobRecipientSpecs, previewRecipients, type RecipientPreview } from './recipient-preview';
import { toolTime } from './results';
import { activeWindowOf, nextActiveSlots } from '../jobs/active-hours';
import { describeSchedule, scheduleOf } from '../jobs/schedule';
import { activeWords, ruleWords, scheduleOnlyNote } from './job-words';

export interface RulePreview {
  rule: string;
  says: string;
  /** Entries the rule would act on right now. */
  count: number;
  entries: string[];
}

export interface JobPreview {
  job: JobDefinition;
  schedule: string;
  /** When the job may act, in words ("only Mon–Fri 08:00–18:00 (Europe/Berlin)"), or null when always. */
  active: string | null;
  /** The next runs that will really happen (inside the active window), as tools give times (local ISO with offset). */
  next_runs: string[];
  next_run_times: Date[];
  replaces_existing: boolean;
  rules: RulePreview[];
  /** A report job: what it sends and what it would send if it ran now. */
  report?: { says: string; would_send_now: string; chart: boolean };
  /** Whom the job's messages reach, and anyone reachable only in the terminal. */
  recipients: RecipientPreview['recipients'];
  warnings: string[];
}

/** Validates job data (throws a DefinitionError naming the path) and dry-runs it on the current data. */
export async function previewJob(workspace: Workspace, data: unknown): Promise<JobPreview> {
  const job = await validateJob(workspace, data);
  const now = workspace.clock.now();
  const zone = job.timezone ?? workspace.timeZone;
  const dry = await runJob(workspace, job, { dryRun: true });
  const times = nextActiveSlots(scheduleOf(job, workspace.timeZone), activeWindowOf(job, workspace), now, 3);
  const common = {
    job,
    schedule: describeSchedule(job, workspace.timeZone),
    active: activeWords(activeWindowOf(job, workspace)),
    next_runs: times.map((at) => toolTime(at, zone)),
    next_run_times: times,
    replaces_existing: jobNames(workspace).includes(job.name),
    ...(await previewRecipients(workspace, jobRecipientSpecs(job), job.created_by)),
  };
  if (isReportJob(job)) {
    const report = (dry as ReportRunResult).report;
    return { ...common, rules: [], report: { says: reportWords(job.report), would_send_now: report.text, chart: Boolean(job.report.chart) } };
  }
  const definition = workspace.object(job.object);
  const rules: RulePreview[] = [];
  for (const rule of job.rules) {
    const ids = dry.rules.find((result) => result.rule === rule.name)?.entries ?? [];
    const rows = ids.length
      ? await workspace.db.query(`SELECT * FROM ${viewName(definition.name)} WHERE id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [JSON.stringify(ids.slice(0, 5))])
      : [];
    rules.push({ rule: rule.name, says: ruleWords(rule), count: ids.length, entries: rows.map((row) => entryLine(row, definition.displayField, now)) });
  }
  return { ...common, rules };
  function entryLine(row: Row, displayField: string, at: Date): string {
    const parts = [String(row[displayField] ?? row.id)];
    if (row.Customer) parts.push(String(row.Customer));
    if (row.Priority) parts.push(String(row.Priority).split(' - ')[0]!);
    const opened = findField(definition, 'Opened Date') ? row['Opened Date'] : undefined;
    if (opened instanceof Date) parts.push(`open ${formatDuration(at.getTime() - opened.getTime())}`);
    return `${parts.join(' · ')} (${String(row.id)})`;
  }
}

/** The preview as the lines a person reads. */
export function previewText(preview: JobPreview, options: { saved: boolean }): string {
  const { job } = preview;
  if (preview.report) {
    return [
      options.saved ? `Saved report job "${job.name}" (jobs/${job.name}.job.yaml), ${preview.schedule}.` : `Here is the report job I would save as "${job.name}"${preview.replaces_existing ? ' (it replaces the job of that name)' : ''}: ${preview.schedule}.`,
      ...(preview.active ? [`It sends ${preview.active}.`] : []),
      `It sends ${preview.report.says}.`,
      ...preview.warnings.map((warning) => `⚠️ ${warning}`),
      `Next runs: ${preview.next_run_times.map((at) => formatTime(at, job.timezone ?? 'UTC')).join(', ')}.`,
      `If it ran now it would send:\n${preview.report.would_send_now}`,
    ].join('\n');
  }
  const lines = [
    options.saved
      ? `Saved job "${job.name}" (jobs/${job.name}.job.yaml) on ${job.object}, ${preview.schedule}.`
      : `Here is the job I would save as "${job.name}"${preview.replaces_existing ? ' (it replaces the job of that name)' : ''}: on ${job.object}, ${preview.schedule}.`,
  ];
  if (preview.active) lines.push(`It acts ${preview.active}.`);
  const note = scheduleOnlyNote(job);
  if (note) lines.push(note);
  preview.rules.forEach((rule, index) => lines.push(`${index + 1}. ${rule.rule}: ${rule.says}`));
  for (const warning of preview.warnings) lines.push(`⚠️ ${warning}`);
  lines.push(`Next runs: ${preview.next_run_times.map((at) => formatTime(at, job.timezone ?? 'UTC')).join(', ')}.`);
  const total = preview.rules.reduce((sum, rule) => sum + rule.count, 0);
  const escalating = job.rules.filter((rule) => rule.then.some((action) => 'escalate' in action)).map((rule) => rule.name);
  const verb = preview.rules.every((rule) => rule.count === 0 || escalating.includes(rule.rule)) ? 'escalate' : 'act on';
  const noun = job.object.replace(/_/g, ' ');
  if (total === 0) lines.push(`Right now it would ${verb} nothing.`);
  else {
    lines.push(`Right now it would ${verb} ${total} ${total === 1 ? noun.replace(/s$/, '') : noun}:`);
    for (const rule of preview.rules) {
      if (rule.count === 0) continue;
      lines.push(`  ${rule.rule} (${rule.count}): ${rule.entries.join('; ')}${rule.count > rule.entries.length ? `; … ${rule.count - rule.entries.length} more` : ''}`);
    }
  }
  return lines.join('\n');
}
