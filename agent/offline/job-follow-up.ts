// Offline: follow-ups on the job just discussed — "make it hourly instead", "actually every 15 minutes", "also tell
// the AE", "change the support-escalation job to run every 10 minutes". The change is said back and waits for "yes".
import { readJob, jobNames } from '../../jobs/job-files';
import { isReportJob, type JobAction, type JobDefinition, type ReportSpec } from '../../jobs/job-schema';
import { cadenceOf, recipientsOf, reportSchedule } from './report-intent';
import { errorMessage } from '../../objects/errors';
import { previewJob, previewText } from '../../tools/job-preview';
import { parseActions } from './actions';
import type { JobData } from './job-instruction';
import { proposeJob } from './job-intent';
import { findSchedule } from './schedule-phrase';
import { callTool, reply, type IntentResult, type Turn } from './turn';
import { vocabularyOf } from './vocabulary';

const followUpWords = /^(?:actually|instead|also|and|ok(?:ay)?|no|wait|oh)\b|\b(?:make|change|switch|move|set|run|have|update)\s+(?:it|that|this|the\s+job|the\s+[a-z0-9-]+\s+job|the\s+(?:[a-z0-9-]+\s+){0,2}(?:report|summary|digest))\b|\binstead\b/i;

/** A change to the pending or last job, or undefined when the text is not one. */
export async function jobFollowUp(turn: Turn, text: string): Promise<IntentResult | undefined> {
  const { workspace, memory } = turn;
  const named = jobNames(workspace).find((name) => new RegExp(`\\b${name}\\b`, 'i').test(text));
  // A bare schedule ("every 30 minutes", "hourly") while a job waits for its yes changes that job's schedule.
  const bareSchedule = Boolean(memory.pendingJob) && text.split(/\s+/).length <= 6 && findSchedule(text)?.kind === 'schedule' && !/\b(?:escalate|notify|alert|tell|message|ping|tickets?|p[1-4])\b/i.test(text);
  if (!followUpWords.test(text) && !bareSchedule) return undefined;
  if (text.split(/\s+/).length > 16) return undefined;
  // No job discussed in this chat: a change ("also notify the AE", "run it every 10 minutes") goes to the one saved
  // job (said back by name); with several, the reader asks which.
  let only: string | undefined;
  if (!named && !memory.pendingJob && !memory.lastJob) {
    const change = findSchedule(text)?.kind === 'schedule' || /\b(?:tell|notify|alert|message|ping|page|email|inform|cc)\b/i.test(text);
    const names = change ? jobNames(workspace) : [];
    if (names.length === 0) return undefined;
    if (names.length > 1) return reply(`Which job should change? None was discussed in this chat, and there are ${names.length}: ${names.join(', ')}. Say e.g. "change the ${names[0]} job to run every 10 minutes". Nothing was changed.`);
    only = names[0];
  }
  const schedule = findSchedule(text);
  const pending = !named && memory.pendingJob ? memory.pendingJob : undefined;
  const saved = pending ? undefined : named ?? memory.lastJob ?? only;
  let base: JobData;
  try {
    // A saved job's rules are a superset of what the reader writes (any filter); they are passed back unchanged.
    base = pending ?? ((await readJob(workspace, saved!)) as unknown as JobData);
  } catch (error) {
    return reply(`I could not read the job "${saved}": ${errorMessage(error)}.`);
  }
  if (isReportJob(base as unknown as JobDefinition)) return reportFollowUp(turn, base as unknown as JobDefinition & { report: ReportSpec }, text);
  const vocabulary = vocabularyOf(workspace.object(base.object), workspace.objects);
  const actions = /\b(?:tell|notify|alert|message|ping|page|email|inform|let|cc)\b/i.test(text) ? parseActions(text, vocabulary, workspace) : undefined;
  const recipients = (actions?.actions ?? []).flatMap((action) => ('notify' in action ? action.notify.to : []));
  if (actions?.problems.length) return reply(`${actions.problems.join('; ')}. Nothing was changed.`);
  if ((!schedule || schedule.kind !== 'schedule') && recipients.length === 0) return undefined;
  const changed: JobData = { ...base, rules: base.rules.map((rule) => ({ ...rule, then: withRecipients(rule.then, recipients) })) };
  if (schedule?.kind === 'schedule') changed.schedule = schedule.schedule;
  if (pending) return proposeJob(turn, changed, []);
  let preview;
  try {
    preview = await previewJob(workspace, changed);
  } catch (error) {
    return reply(`That change would not be valid: ${errorMessage(error)}. Nothing was changed.`);
  }
  return {
    kind: 'confirm',
    what: `the change to job "${base.name}"`,
    text: [`I can change the job "${base.name}"${only ? ' (the only saved job)' : ''} to this:`, previewText(preview, { saved: false }), 'Reply "yes" to save that change.'].join('\n'),
    confirm: async () => {
      const input: Record<string, unknown> = { name: base.name, confirm: true };
      if (schedule?.kind === 'schedule') input.schedule = changed.schedule;
      if (recipients.length) input.rules = changed.rules;
      const result = await callTool(turn, 'update_job', input);
      memory.lastJob = base.name;
      return { text: `Saved: the job "${String(result.job ?? base.name)}" now runs ${changed.schedule}${recipients.length ? ` and also notifies ${recipients.join(', ')}` : ''}.` };
    },
  };
}

/** A change to a report job: its schedule ("make the report weekly") or more recipients ("also send it to Priya"). */
async function reportFollowUp(turn: Turn, base: JobDefinition & { report: ReportSpec }, text: string): Promise<IntentResult | undefined> {
  const schedule = reportSchedule(text);
  const { to, problems } = recipientsOf(text, turn.workspace);
  if (problems.length) return reply(`${problems.join('; ')}. Nothing was changed.`);
  const added = /\b(?:tell|notify|send|email|cc|share|also|and)\b/i.test(text) ? to.filter((spec) => !base.report.to.includes(spec) && spec !== 'me') : [];
  if (!schedule && added.length === 0) return undefined;
  const input: Record<string, unknown> = { name: base.name };
  if (schedule && schedule.schedule !== base.schedule) input.schedule = schedule.schedule;
  const report = { ...base.report, ...(added.length ? { to: [...base.report.to, ...added] } : {}) };
  // A built-in report titled by its cadence ("Monthly escalation report") is retitled with a new cadence.
  const cadence = input.schedule ? cadenceOf(String(input.schedule)) : undefined;
  if (cadence && /^(?:monthly|quarterly|weekly|daily|weekday) escalation report$/i.test(base.report.title ?? '')) report.title = `${cadence[0]!.toUpperCase()}${cadence.slice(1)} escalation report`;
  if (added.length || report.title !== base.report.title) input.report = report;
  if (Object.keys(input).length === 1) return reply(`The report job "${base.name}" already does that; nothing changed.`);
  let preview: Record<string, unknown>;
  try {
    preview = await callTool(turn, 'update_job', { ...input, confirm: false });
  } catch (error) {
    return reply(`That change would not be valid: ${errorMessage(error)}. Nothing was changed.`);
  }
  const changes = (preview.changes as string[] | undefined) ?? [];
  const next = (preview.next_runs as string[] | undefined) ?? [];
  const warnings = (preview.warnings as string[] | undefined) ?? [];
  return {
    kind: 'confirm',
    what: `the change to job "${base.name}"`,
    text: [`I would change the report job "${base.name}":`, ...changes.map((line) => `- ${line}`), ...warnings.map((warning) => `⚠️ ${warning}`), ...(next.length ? [`Next runs: ${next.join(', ')}.`] : []), 'Reply "yes" to save that change.'].join('\n'),
    confirm: async () => {
      await callTool(turn, 'update_job', { ...input, confirm: true });
      turn.memory.lastJob = base.name;
      return reply(`Saved the change to "${base.name}".`);
    },
  };
}

/** Adds recipients to a rule's escalation alert (or a new alert when it has none). */
function withRecipients(then: JobAction[], recipients: string[]): JobAction[] {
  if (recipients.length === 0) return then;
  const index = then.findIndex((action) => 'notify' in action && action.notify.template === 'escalation');
  if (index < 0) return [...then, { notify: { to: recipients, template: 'escalation' } }];
  return then.map((action, at) => (at === index && 'notify' in action ? { notify: { ...action.notify, to: [...action.notify.to, ...recipients.filter((spec) => !action.notify.to.includes(spec))] } } : action));
}
