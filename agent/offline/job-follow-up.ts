// Offline: follow-ups on the job just discussed — "make it hourly instead", "actually every 15 minutes", "also tell
// the AE", "change the support-escalation job to run every 10 minutes". The change is said back and waits for "yes".
import { readJob, jobNames } from '../../jobs/job-files';
import type { JobAction } from '../../jobs/job-schema';
import { errorMessage } from '../../objects/errors';
import { previewJob, previewText } from '../../tools/job-preview';
import { parseActions } from './actions';
import type { JobData } from './job-instruction';
import { proposeJob } from './job-intent';
import { findSchedule } from './schedule-phrase';
import { callTool, reply, type IntentResult, type Turn } from './turn';
import { vocabularyOf } from './vocabulary';

const followUpWords = /^(?:actually|instead|also|and|ok(?:ay)?|no|wait|oh)\b|\b(?:make|change|switch|move|set|run|have|update)\s+(?:it|that|this|the\s+job|the\s+[a-z0-9-]+\s+job)\b|\binstead\b/i;

/** A change to the pending or last job, or undefined when the text is not one. */
export async function jobFollowUp(turn: Turn, text: string): Promise<IntentResult | undefined> {
  const { workspace, memory } = turn;
  const named = jobNames(workspace).find((name) => new RegExp(`\\b${name}\\b`, 'i').test(text));
  if (!followUpWords.test(text) || (!named && !memory.pendingJob && !memory.lastJob)) return undefined;
  if (text.split(/\s+/).length > 16) return undefined;
  const schedule = findSchedule(text);
  const pending = !named && memory.pendingJob ? memory.pendingJob : undefined;
  const saved = pending ? undefined : named ?? memory.lastJob;
  let base: JobData;
  try {
    // A saved job's rules are a superset of what the reader writes (any filter); they are passed back unchanged.
    base = pending ?? ((await readJob(workspace, saved!)) as unknown as JobData);
  } catch (error) {
    return reply(`I could not read the job "${saved}": ${errorMessage(error)}.`);
  }
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
    text: [`I can change the job "${base.name}" to this:`, previewText(preview, { saved: false }), 'Reply "yes" to save that change.'].join('\n'),
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

/** Adds recipients to a rule's escalation alert (or a new alert when it has none). */
function withRecipients(then: JobAction[], recipients: string[]): JobAction[] {
  if (recipients.length === 0) return then;
  const index = then.findIndex((action) => 'notify' in action && action.notify.template === 'escalation');
  if (index < 0) return [...then, { notify: { to: recipients, template: 'escalation' } }];
  return then.map((action, at) => (at === index && 'notify' in action ? { notify: { ...action.notify, to: [...action.notify.to, ...recipients.filter((spec) => !action.notify.to.includes(spec))] } } : action));
}
