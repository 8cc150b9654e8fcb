// What a job would do, before it is saved: validated, its schedule in words with the next run times, and a dry run
// on the data as it is now ("right now this would escalate 2 tickets: …").
import type { Row } from '../objects/database';
import { formatDuration } from '../objects/duration';
import { findField, viewName } from '../objects/object-schema';
import { formatTime } from '../objects/values';
import type { Workspace } from '../objects/workspace';
import { jobNames, validateJob } from '../jobs/job-files';
import type { JobDefinition } from '../jobs/job-schema';
import { runJob } from '../jobs/runner';
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
  /** The next runs that will really happen (inside the active window). */
  next_runs: string[];
  replaces_existing: boolean;
  rules: RulePreview[];
}

/** Validates job data (throws a DefinitionError naming the path) and dry-runs it on the current data. */
export async function previewJob(workspace: Workspace, data: unknown): Promise<JobPreview> {
  const job = await validateJob(workspace, data);
  const now = workspace.clock.now();
  const zone = job.timezone ?? workspace.timeZone;
  const dry = await runJob(workspace, job, { dryRun: true });
  const definition = workspace.object(job.object);
  const rules: RulePreview[] = [];
  for (const rule of job.rules) {
    const ids = dry.rules.find((result) => result.rule === rule.name)?.entries ?? [];
    const rows = ids.length
      ? await workspace.db.query(`SELECT * FROM ${viewName(definition.name)} WHERE id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [JSON.stringify(ids.slice(0, 5))])
      : [];
    rules.push({ rule: rule.name, says: ruleWords(rule), count: ids.length, entries: rows.map((row) => entryLine(row, definition.displayField, now)) });
  }
  return {
    job,
    schedule: describeSchedule(job, workspace.timeZone),
    active: activeWords(activeWindowOf(job, workspace)),
    next_runs: nextActiveSlots(scheduleOf(job, workspace.timeZone), activeWindowOf(job, workspace), now, 3).map((at) => formatTime(at, zone)),
    replaces_existing: jobNames(workspace).includes(job.name),
    rules,
  };
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
  const lines = [
    options.saved
      ? `Saved job "${job.name}" (jobs/${job.name}.job.yaml) on ${job.object}, ${preview.schedule}.`
      : `Here is the job I would save as "${job.name}"${preview.replaces_existing ? ' (it replaces the job of that name)' : ''}: on ${job.object}, ${preview.schedule}.`,
  ];
  if (preview.active) lines.push(`It acts ${preview.active}.`);
  const note = scheduleOnlyNote(job);
  if (note) lines.push(note);
  preview.rules.forEach((rule, index) => lines.push(`${index + 1}. ${rule.rule}: ${rule.says}`));
  lines.push(`Next runs: ${preview.next_runs.join(', ')}.`);
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
