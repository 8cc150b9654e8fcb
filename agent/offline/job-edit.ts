// Offline: edits to a saved job in words — "make the P1 threshold 20 minutes", "only during business hours", "pause
// it on weekends", "stop messaging me", "pause it", "resume it", "delete that job". Each is said back as the diff
// update_job previews (or what pause/resume/delete will do) and saved through update_job / delete_job on "yes".
import { jobNames, readJob } from '../../jobs/job-files';
import { isReportJob, type JobAction, type JobDefinition } from '../../jobs/job-schema';
import type { Condition, Filter } from '../../objects/filter';
import { errorMessage } from '../../objects/errors';
import { callTool, reply, type IntentResult, type Turn } from './turn';
import { durationPattern, durationValue, escapeRegExp } from './words';

type Active = 'business_hours' | { days?: string[]; hours?: string };
type Edit = { kind: 'enabled'; enabled: boolean } | { kind: 'delete' } | { kind: 'update'; input: Record<string, unknown>; words: string[]; notes?: string[] };

const jobWord = /\b(?:it|that|this|the\s+(?:job|monitor|rule|automation)|that\s+(?:job|one)|this\s+job|jobs?|(?:the|that|this|my|our)\s+(?:[\w-]+\s+){0,2}(?:job|monitor|rule|automation|report|summary|digest))\b/i;
/** A saved job spoken of ("the escalation job", "the p1 rule", "that monitor"). */
const savedJobWord = /\b(?:the|that|this|my|our)\s+(?:[\w-]+\s+){0,2}(?:job|monitor|rule|automation)s?\b/i;
const dayNames: [RegExp, string][] = [
  [/\bmon(?:day)?s?\b/i, 'mon'],
  [/\btue(?:s(?:day)?)?s?\b/i, 'tue'],
  [/\bwed(?:nesday)?s?\b/i, 'wed'],
  [/\bthu(?:rs?(?:day)?)?s?\b/i, 'thu'],
  [/\bfri(?:day)?s?\b/i, 'fri'],
  [/\bsat(?:urday)?s?\b/i, 'sat'],
  [/\bsun(?:day)?s?\b/i, 'sun'],
];
const allDays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
const editWords =
  /\b(?:delete|remove|drop|rid|trash|resume|unpause|re-?enable|enable|re-?start|turn|switch|start|pause|disable|suspend|stop|don'?t|not|no|quit|skip|threshold|limit|wait|waits|after|lower|raise|bump|reduce|increase|shorten|lengthen|change|make|set|business|working|office|weekends?|weekdays?|only|between|(?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b/i;

/**
 * The job a message edits: one it names, else — for "the report" — the only report job, else the last one saved in
 * this chat, else the only job there is.
 */
async function targetJob(turn: Turn, text: string): Promise<string | undefined> {
  const names = jobNames(turn.workspace);
  const named = names.find((name) => new RegExp(`\\b${escapeRegExp(name)}\\b`, 'i').test(text));
  if (named) return named;
  if (/\b(?:report|summary|digest)\b/i.test(text)) {
    const reports = await reportJobNames(turn);
    if (reports.length === 1) return reports[0];
    if (turn.memory.lastJob && reports.includes(turn.memory.lastJob)) return turn.memory.lastJob;
    // "pause the report" with no report job (or several) never lands on a monitoring job.
    return undefined;
  }
  if (turn.memory.lastJob && names.includes(turn.memory.lastJob)) return turn.memory.lastJob;
  return names.length === 1 ? names[0] : undefined;
}

/** The saved report jobs (read only when a message speaks of a report). */
export async function reportJobNames(turn: Turn): Promise<string[]> {
  const names: string[] = [];
  for (const name of jobNames(turn.workspace)) {
    const job = await readJob(turn.workspace, name).catch(() => undefined);
    if (job && isReportJob(job)) names.push(name);
  }
  return names;
}

/** The active window a message asks for, or undefined. */
export function activeOf(text: string): Active | undefined {
  if (/\b(?:business|working|office)\s+hours\b/i.test(text)) return 'business_hours';
  const hours = /\b(?:from\s+|between\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*(?:to|-|–|until|till|and)\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b/i.exec(text);
  let range: string | undefined;
  if (hours && /\b(?:only|during|between|from|run|active|weekdays?|hours)\b/i.test(text)) {
    let from = Number(hours[1]);
    let to = Number(hours[4]);
    if (hours[3]?.toLowerCase() === 'pm' && from < 12) from += 12;
    // "9 to 5": an end before the start without am/pm is in the afternoon.
    if (hours[6]?.toLowerCase() === 'pm' || (!hours[6] && to <= from && to < 12)) to += 12;
    if (from < to && to <= 24) range = `${String(from).padStart(2, '0')}:${hours[2] ?? '00'}-${String(to).padStart(2, '0')}:${hours[5] ?? '00'}`;
  }
  // Named days: "not on saturdays and sundays", "skip fridays" (every day but those), "only on mondays and thursdays".
  const named = /\bweekends?\b|\bweekdays?\b/i.test(text) ? [] : dayNames.filter(([pattern]) => pattern.test(text)).map(([, day]) => day);
  if (named.length && named.length < 7) {
    const negative = /\b(?:stop|skip|off|no|not|never|except|without|don'?t|pause|quiet|exclude|excluding|but)\b/i.test(text);
    const days = negative ? allDays.filter((day) => !named.includes(day)) : /\b(?:only|just|run\s+on|runs\s+on|active\s+on)\b/i.test(text) ? allDays.filter((day) => named.includes(day)) : undefined;
    if (days?.length) return { days, ...(range ? { hours: range } : {}) };
  }
  const noWeekends = /\b(?:pause|stop|skip|off|no|not|never|except|without|quiet|don'?t|do\s+not)\b[^.]*\bweekends?\b|\bweekends?\s+off\b|\bweekdays?\s+only\b|\bonly\s+(?:on\s+)?weekdays\b|\bon\s+weekdays\b|\bweekdays\b|\bmonday\s+(?:to|through|-)\s+friday\b/i.test(text);
  if (!noWeekends && !range) return undefined;
  return { ...(noWeekends ? { days: weekdays } : {}), ...(range ? { hours: range } : {}) };
}

/** A new threshold for the rule's waiting time: "make the P1 threshold 20 minutes", "lower it to 20 min". */
function thresholdOf(text: string): { milliseconds: number; compact: string; business: boolean; priority?: string } | undefined {
  if (!/\b(?:threshold|limit|wait|after|lower|raise|bump|reduce|increase|shorten|lengthen|change|make|set)\b/i.test(text)) return undefined;
  if (/\bevery\b|\bhourly\b|\bhalf-?hourly\b|\bdaily\b/i.test(text)) return undefined;
  // "escalate P1 tickets after 2 hours to tier 2" is a new rule, not a new threshold for this one.
  if (/\btickets?\b|\btier\b|\bt[1-4]\b/i.test(text)) return undefined;
  const durations = [...text.matchAll(new RegExp(durationPattern, 'gi'))];
  // "to 20 minutes instead of 30": the new value is the one after "to", or the first.
  const chosen = durations.find((match) => /\bto\s*$/i.test(text.slice(0, match.index))) ?? durations[0];
  if (!chosen) return undefined;
  const value = durationValue(chosen[0]);
  if (!value) return undefined;
  const priority = /\b(p[1-4])\b/i.exec(text)?.[1]?.toUpperCase();
  return { ...value, ...(priority ? { priority } : {}) };
}

/** Reads an edit of a saved job; undefined when the text is not one. */
export async function jobEditIntent(turn: Turn, text: string): Promise<IntentResult | undefined> {
  if (text.split(/\s+/).length > 16 || turn.memory.pendingJob) return undefined;
  if (/^\s*(?:every|each|hourly|daily|when|whenever|if|show|list|how|which|what|who|where|is|are|does|do|new|log|create|add)\b/i.test(text)) return undefined;
  // Words an edit needs, checked before any job file is read (most messages are not edits).
  if (!editWords.test(text)) return undefined;
  const name = await targetJob(turn, text);
  if (!name) {
    // "stop the escalation job on weekends" with no job saved: say so, rather than read it as a new schedule.
    if (jobNames(turn.workspace).length === 0 && savedJobWord.test(text) && !/^\s*(?:please\s+)?(?:set\s+up|create|add|make\s+(?:a|an|me)\b|build|new)\b/i.test(text) && (activeOf(text) || thresholdOf(text) || /\b(?:pause|resume|delete|remove|disable|enable|stop|rename)\b/i.test(text))) {
      return reply('There are no jobs yet, so there is nothing to change. Describe one, e.g. "Every 30 minutes, escalate P1 tickets open more than 30 minutes without a first response to Tier 2 and notify me".');
    }
    return undefined;
  }
  let job: JobDefinition;
  try {
    job = await readJob(turn.workspace, name);
  } catch (error) {
    return reply(`I could not read the job "${name}": ${errorMessage(error)}.`);
  }
  const edit = readEdit(text, job);
  if (!edit) return undefined;
  if (edit.kind === 'delete') return deleteJobProposal(turn, job);
  // Pausing and resuming are applied at once (undone as easily), as "pause the <name> job" always was.
  if (edit.kind === 'enabled') {
    if (job.enabled === edit.enabled) return reply(`The job "${name}" is already ${edit.enabled ? 'running' : 'paused'}; nothing changed.`);
    await callTool(turn, 'update_job', { name, enabled: edit.enabled, confirm: true });
    turn.memory.lastJob = name;
    return reply(`${edit.enabled ? 'Resumed' : 'Paused'} the job ${name} (enabled: ${String(job.enabled)} → ${String(edit.enabled)}); say "${edit.enabled ? 'pause' : 'resume'} it" to undo.`);
  }
  let preview: Record<string, unknown>;
  try {
    preview = await callTool(turn, 'update_job', { name, ...edit.input, confirm: false });
  } catch (error) {
    return reply(`That change would not be valid: ${errorMessage(error)}. Nothing was changed.`);
  }
  const changes = (preview.changes as string[] | undefined) ?? [];
  if (changes.length === 0 || changes[0] === 'nothing changes') return reply(`The job "${name}" already does that; nothing changed.`);
  return {
    kind: 'confirm',
    what: `the change to job "${name}"`,
    text: [`I would change the job "${name}":`, ...changes.map((line) => `- ${line}`), ...(edit.notes ?? []).map((note) => `(${note}.)`), 'Reply "yes" to save that change.'].join('\n'),
    confirm: async () => {
      await callTool(turn, 'update_job', { name, ...edit.input, confirm: true });
      turn.memory.lastJob = name;
      return reply(`Saved the change to "${name}": ${edit.words.join('; ')}.`);
    },
  };
}

/** Deleting a job is said back and waits for yes; its run log and ledger stay. */
export function deleteJobProposal(turn: Turn, job: { name: string; schedule: string; rules: readonly unknown[] }): IntentResult {
  return {
    kind: 'confirm',
    what: `the deletion of ${job.name}`,
    text: `Delete the job ${job.name} (${job.schedule}, ${job.rules.length} rule${job.rules.length === 1 ? '' : 's'}) for good? Its run log and ledger stay. Reply "yes" to delete it, or "pause it" instead.`,
    confirm: async () => {
      // The person just said yes to the question above: that is the confirmation delete_job asks for.
      await callTool(turn, 'delete_job', { name: job.name, confirm: true });
      if (turn.memory.lastJob === job.name) delete turn.memory.lastJob;
      return reply(`Deleted the job ${job.name}.`);
    },
  };
}

function readEdit(text: string, job: JobDefinition): Edit | undefined {
  if (!jobWord.test(text) && !/\b(?:threshold|weekends?|weekdays?|(?:mon|tues|wednes|thurs|fri|satur|sun)days|business\s+hours|messaging|alerting|before\s+escalating|only|between)\b/i.test(text)) return undefined;
  if (/\b(?:delete|remove|drop|get\s+rid\s+of|trash)\b/i.test(text) && !/\b(?:rule|recipient|notify|alert)\b/i.test(text)) return { kind: 'delete' };
  const active = activeOf(text);
  if (active) return { kind: 'update', input: { active }, words: [active === 'business_hours' ? 'acts during business hours only' : `acts ${active.days ? 'on weekdays' : ''}${active.days && active.hours ? ', ' : ''}${active.hours ? active.hours : ''}`] };
  if (/\b(?:resume|unpause|re-?enable|re-?start|turn\s+(?:it|that|this|the\s+job)?\s*(?:back\s+)?on|switch\s+(?:it\s+)?(?:back\s+)?on|start\s+(?:it|the\s+job)\s+again|enable)\b/i.test(text)) return { kind: 'enabled', enabled: true };
  if (/\b(?:pause|disable|suspend|turn\s+(?:it|that(?:\s+job)?|this(?:\s+job)?|the\s+job)?\s*off|switch\s+(?:it\s+)?off|stop\s+(?:it|that\s+job|the\s+job|running))\b/i.test(text)) return { kind: 'enabled', enabled: false };
  const stop = /\b(?:stop|don'?t|do\s+not|no\s+longer|quit)\s+(?:messaging|notifying|alerting|pinging|telling|emailing|texting|message|notify|alert|ping|tell)\s+(me|the\s+[\w\s]+?)\s*[.!]?$/i.exec(text);
  if (stop) {
    const who = stop[1]!.toLowerCase() === 'me' ? 'me' : undefined;
    if (!who) return undefined;
    const rules = job.rules.map((rule) => ({ ...rule, then: withoutRecipient(rule.then, who) }));
    return { kind: 'update', input: { rules }, words: [`no longer notifies ${who}`] };
  }
  const threshold = thresholdOf(text);
  if (threshold) {
    let changed = 0;
    const rules = job.rules.map((rule) => {
      if (threshold.priority && !JSON.stringify(rule.when).toUpperCase().includes(`"${threshold.priority}`)) return rule;
      const when = retime(rule.when, (condition) => {
        changed++;
        return { ...condition, value: threshold.compact, ...(threshold.business ? { business: true } : {}) };
      });
      return { ...rule, when };
    });
    if (changed === 0) return undefined;
    // A rule named after its old threshold ("p1-no-first-response-30m") keeps the name: the ledger of what the rule
    // already fired on is keyed by (job, rule, entry), so a new name would fire again on every ticket it handled.
    const notes = rules
      .filter((rule, index) => rule !== job.rules[index] && /-\d+(?:m|h|d|bh)\b/.test(rule.name) && !rule.name.endsWith(`-${threshold.compact}`))
      .map((rule) => `the rule keeps its name ${rule.name}: what it already fired on is recorded under that name, and a new name would alert again on those tickets`);
    return { kind: 'update', input: { rules }, words: [`waits ${threshold.compact}${threshold.business ? ' of business hours' : ''}`], notes };
  }
  return undefined;
}

/** The filter with each older_than condition changed by `change`. */
function retime(filter: Filter, change: (condition: Condition) => Condition): Filter {
  if ('all' in filter) return { ...filter, all: filter.all.map((part) => retime(part, change)) };
  if ('any' in filter) return { ...filter, any: filter.any.map((part) => retime(part, change)) };
  if ('not' in filter) return { ...filter, not: retime(filter.not, change) };
  return filter.operator === 'older_than' ? change(filter) : filter;
}

function withoutRecipient(then: JobAction[], who: string): JobAction[] {
  return then.flatMap((action): JobAction[] => {
    if (!('notify' in action)) return [action];
    const to = action.notify.to.filter((spec) => spec !== who);
    return to.length ? [{ notify: { ...action.notify, to } }] : [];
  });
}
