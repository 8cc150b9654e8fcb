// Offline: scheduled report jobs in words — "on the 1st of every month at 9am send me the escalation report", "every
// Friday at 5pm send me a summary of escalations this week", "send the monthly escalation report to Priya with a
// chart", "every Monday at 8: Enterprise accounts with escalations last week". The report is the built-in escalation
// report (v_escalations), or, for accounts of one tier, a read-only SELECT over v_escalations and the company view;
// each run covers the time since the slot before, so "last week" / "this month" follow from the schedule. Said back
// through schedule_job's preview (schedule, next runs, recipients and their warnings, what it would send now) and
// saved on "yes".
import { jobNames } from '../../jobs/job-files';
import { findField, quoteIdentifier, viewName } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import { previewJob, previewText } from '../../tools/job-preview';
import { creatorOf } from '../../tools/schedule-job';
import { errorMessage } from '../../objects/errors';
import { personByName, personNames } from './actions';
import { findSchedule } from './schedule-phrase';
import { callTool, reply, type IntentResult, type Turn } from './turn';
import { escapeRegExp, timeOfDay, timeOfDayPattern } from './words';

/** What a report job's file holds, as schedule_job takes it. */
export interface ReportJobData {
  name: string;
  description: string;
  schedule: string;
  report: { title?: string; builtin?: 'escalations'; sql?: string; chart?: unknown; to: string[] };
}

const reportWord = /\b(?:reports?|summary|summaries|digest|recap|rundown|round-?up|overview)\b/i;
const sendVerb = /\b(?:send|email|e-mail|deliver|dm|message|post|give|mail|share)\b/i;

/**
 * Whether the text asks for a report sent on a schedule — not a report shown now ("monthly escalation report for the
 * last 6 months"): a schedule said outright ("every Monday at 8", "on the 1st of every month", "at 6pm"), or a report
 * someone is to be sent ("send the monthly escalation report to Priya", "… to me").
 */
export function looksLikeReportJob(text: string, workspace: Workspace): boolean {
  if (!/\bescalat/i.test(text)) return false;
  if (/^\s*(?:show|list|how\s+many|which|what|who|build|give\s+me|chart|plot|draw)\b/i.test(text)) return false;
  const report = reportWord.test(text);
  // "every Monday at 8: Enterprise accounts with escalations last week": escalations as a noun, on a schedule, no verb acting on tickets.
  const listing = /\bescalations\b/i.test(text) && !/\b(?:escalate|bump|notify|alert|ping|tell)\b/i.test(text);
  if (!report && !listing) return false;
  const found = findSchedule(text);
  const outright = /\b(?:every|each)\s+\w|\bthe\s+(?:\d{1,2}(?:st|nd|rd|th)?|first)(?:\s+day)?\s+of\s+(?:every|each|the)\s+month\b/i.test(text) || new RegExp(`\\bat\\s+(?:${timeOfDayPattern})`, 'i').test(text) || found?.kind === 'schedule';
  if (outright) return true;
  const addressed = (sendVerb.test(text) || /\b(?:to|for)\s+(?!the\s+(?:last|past|month|week|year|quarter)\b)\w/i.test(text)) && recipientsOf(text, workspace).to.length > 0;
  return report && addressed;
}

/** The report's schedule: monthly and weekly words besides the monitoring schedules; undefined when none is named. */
export function reportSchedule(text: string): { schedule: string; defaulted: boolean } | undefined {
  const at = new RegExp(`\\bat\\s+(${timeOfDayPattern}|\\d{1,2})(?!\\d|[:.]\\d)`, 'i').exec(text);
  const bare = at && /^\d{1,2}$/.test(at[1]!) ? Number(at[1]) : undefined;
  const time = at ? (bare !== undefined ? (bare >= 1 && bare <= 6 ? { hour: bare + 12, minute: 0 } : bare <= 23 ? { hour: bare, minute: 0 } : undefined) : timeOfDay(at[1]!)) : undefined;
  const clock = time ?? { hour: /\bafternoons?\b/i.test(text) ? 14 : /\bevenings?\b/i.test(text) ? 18 : 9, minute: 0 };
  const cron = (days: string, dayOfMonth = '*') => ({ schedule: `${clock.minute} ${clock.hour} ${dayOfMonth} * ${days}`, defaulted: !time });
  const dayOfMonth = /\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s+day)?\s+of\s+(?:every|each|the)\s+month\b|\b(?:every|each)\s+month\s+on\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\b/i.exec(text);
  if (dayOfMonth) {
    const day = Number(dayOfMonth[1] ?? dayOfMonth[2]);
    if (day >= 1 && day <= 28) return cron('*', String(day));
  }
  if (/\b(?:on\s+)?the\s+first(?:\s+day)?\s+of\s+(?:every|each|the)\s+month\b|\b(?:every|each)\s+month\s+on\s+the\s+first\b/i.test(text)) return cron('*', '1');
  const found = findSchedule(text);
  if (found?.kind === 'schedule') return { schedule: found.schedule, defaulted: false };
  if (found?.kind === 'needs-time') return cron(found.days);
  // "each Monday morning", "Friday afternoons", "on Mondays": that day of the week.
  const day = /\b(?:(?:every|each|on)\s+)?(sun|mon|tues|wednes|thurs|fri|satur)days?\b(?=\s*(?:morning|afternoon|evening|at|,|$|\s))/i.exec(text);
  if (day && (/^(?:every|each|on)\s/i.test(day[0]) || /days\b/i.test(day[0]))) {
    const number = ['sun', 'mon', 'tues', 'wednes', 'thurs', 'fri', 'satur'].indexOf(day[1]!.toLowerCase());
    return cron(String(number));
  }
  if (/\b(?:quarterly|every\s+quarter|each\s+quarter|once\s+a\s+quarter)\b/i.test(text)) return { schedule: `${clock.minute} ${clock.hour} 1 1,4,7,10 *`, defaulted: !time };
  if (/\b(?:monthly|every\s+month|each\s+month|once\s+a\s+month)\b/i.test(text)) return cron('*', '1');
  if (/\b(?:weekly|every\s+week|each\s+week|once\s+a\s+week)\b/i.test(text)) return cron('1');
  if (/\b(?:daily|every\s+day|each\s+day|nightly|(?:every|each)\s+(?:morning|afternoon|evening|night))\b/i.test(text)) return cron('*');
  return undefined;
}

/**
 * The report's recipients, wherever they are named: "me", a role ("the support lead", "the CS VP"), a person by name
 * ("Priya", "Jordan Lee"). A person field ("the account owner") cannot receive a report (no entry to read it from).
 */
export function recipientsOf(text: string, workspace: Workspace): { to: string[]; problems: string[] } {
  const lower = ` ${text.toLowerCase().replace(/\bcustomer\s+success\b/g, 'cs').replace(/\bvp\s+of\s+cs\b|\bvp\s+cs\b/g, 'cs vp')} `;
  const to: string[] = [];
  const problems: string[] = [];
  const add = (spec: string) => void (to.includes(spec) || to.push(spec));
  if (/\b(?:me|myself|us)\b/.test(lower.replace(/\blet\s+me\s+know\b|\bgive\s+me\b|\bshow\s+me\b|\bi\s+want\b/g, ' '))) add('me');
  for (const role of Object.keys(workspace.config.roles)) {
    const words = role.split('_').map(escapeRegExp).join('\\s+');
    if (new RegExp(`\\b${words}s?\\b`).test(lower)) add(`role:${role}`);
  }
  for (const name of personNames(workspace)) {
    const match = new RegExp(`\\b${escapeRegExp(name)}\\b`).exec(lower);
    if (!match) continue;
    const person = personByName(workspace, name);
    if (person && !to.includes(`person:${person}`)) add(`person:${person}`);
  }
  if (/\b(?:account\s+owner|backup\s+owner|account\s+exec(?:utive)?\s+of|assignee)\b/.test(lower)) {
    problems.push('a report goes to fixed people, not to a field of each ticket (there is no one ticket to read "the account owner" from); name them, a role, or "me"');
  }
  return { to, problems };
}

/** Reads a report job request; undefined when the text is not one. */
export async function reportIntent(turn: Turn, text: string): Promise<IntentResult | undefined> {
  if (!looksLikeReportJob(text, turn.workspace)) return undefined;
  const { workspace } = turn;
  const schedule = reportSchedule(text);
  if (!schedule) {
    return { kind: 'ask', question: 'When should I send it? For example "on the 1st of every month at 9am", "every Monday at 8am" or "every Friday at 5pm".', resume: (answer) => `${text} ${answer}` };
  }
  const recipients = recipientsOf(text, workspace);
  if (recipients.problems.length) return reply(`${recipients.problems.join('; ')}. Nothing was saved.`);
  const to = recipients.to.length ? recipients.to : ['me'];
  const chart = /\b(?:chart|graph|plot|bar\s+chart|visual)\b/i.test(text);
  const tier = accountTierOf(workspace, text);
  const cadence = cadenceOf(schedule.schedule);
  const base = tier ? `${tier.option.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-escalations` : 'escalation-report';
  const name = freeName(workspace, cadence ? `${base}-${cadence}` : base);
  const report: ReportJobData['report'] = tier
    ? { title: `${tier.option} accounts with escalations`, sql: tier.sql, to, ...(chart ? { chart: tierChart } : {}) }
    : { title: `${cadence ? `${cadence[0]!.toUpperCase()}${cadence.slice(1)} e` : 'E'}scalation report`, builtin: 'escalations', to, ...(chart ? { chart: true } : {}) };
  const data: ReportJobData = { name, description: text.replace(/\s+/g, ' ').slice(0, 200), schedule: schedule.schedule, report };
  const hour = schedule.schedule.split(' ')[1]!.padStart(2, '0');
  return proposeReport(turn, data, schedule.defaulted ? [`(No time was named, so it sends at ${hour}:00; say "at 8am" to change it.)`] : []);
}

/** Says a report job back (schedule, next runs, recipients and warnings, what it would send now); saves it on "yes". */
export async function proposeReport(turn: Turn, data: ReportJobData, notes: string[]): Promise<IntentResult> {
  let preview;
  try {
    preview = await previewJob(turn.workspace, { ...data, created_by: creatorOf(turn.context) });
  } catch (error) {
    return reply(`That report job would not be valid: ${errorMessage(error)}. Nothing was saved.`);
  }
  return {
    kind: 'confirm',
    what: `the report job "${data.name}"`,
    text: [...notes, previewText(preview, { saved: false }), 'Each run covers the time since the run before (a monthly report on the 1st covers the month before).', 'Reply "yes" to save it, or tell me what to change.'].join('\n'),
    confirm: async () => {
      const result = await callTool(turn, 'schedule_job', { ...data, confirm: true });
      turn.memory.lastJob = data.name;
      const next = (result.next_runs as string[] | undefined) ?? [];
      return { text: `Saved. The report job "${data.name}" is in ${String(result.file)} and sends ${String(result.schedule)}; next ${next[0] ?? '—'}.` };
    },
  };
}

/** "monthly" for "0 9 1 * *", "weekly", "daily", "weekday"; undefined for other schedules. */
export function cadenceOf(schedule: string): string | undefined {
  if (/^\d+ \d+ \d+ \* \*$/.test(schedule)) return 'monthly';
  if (/^\d+ \d+ 1 1,4,7,10 \*$/.test(schedule)) return 'quarterly';
  if (/^\d+ \d+ \* \* [0-6]$/.test(schedule)) return 'weekly';
  if (/^\d+ \d+ \* \* 1-5$/.test(schedule)) return 'weekday';
  if (/^\d+ \d+ \* \* \*$/.test(schedule)) return 'daily';
  return undefined;
}

/** "Enterprise accounts": an account tier option of the company object, and the report's SQL for it. */
function accountTierOf(workspace: Workspace, text: string): { option: string; sql: string } | undefined {
  const company = workspace.objects.get('company');
  const field = company ? findField(company, 'Account Tier') : undefined;
  if (!company || !field || field.type !== 'enum') return undefined;
  const option = (field.options ?? []).find((candidate) => new RegExp(`\\b${escapeRegExp(candidate)}\\b`, 'i').test(text));
  if (!option) return undefined;
  // The option comes from the object's own enum (not from the message), and is quoted as a SQL string literal.
  const literal = `'${option.replace(/'/g, "''")}'`;
  const sql = [
    `SELECT e.customer, count(*)::INTEGER AS escalations, max(e.escalated_at) AS last_escalated`,
    `FROM v_escalations e JOIN ${viewName(company.name)} c ON c.${quoteIdentifier(company.displayField)} = e.customer`,
    `WHERE c.${quoteIdentifier(field.name)} = ${literal} AND e.escalated_at >= {period_start} AND e.escalated_at < {period_end}`,
    `GROUP BY e.customer ORDER BY escalations DESC, e.customer`,
  ].join(' ');
  return { option, sql };
}

const tierChart = { mark: { type: 'bar' }, encoding: { x: { field: 'customer', type: 'nominal', title: 'Customer', sort: '-y' }, y: { field: 'escalations', type: 'quantitative', title: 'Escalations' } } };

/** A job name no job has yet (a new report never silently replaces another job). */
function freeName(workspace: Workspace, wanted: string): string {
  const taken = new Set(jobNames(workspace));
  if (!taken.has(wanted)) return wanted;
  for (let index = 2; ; index++) if (!taken.has(`${wanted}-${index}`)) return `${wanted}-${index}`;
}

/**
 * "every morning at 8 send me the list of tickets breaching today": a scheduled list of SLA clocks. A report job runs
 * the escalation report or a read-only SQL report, and SLA clocks are not in SQL, so this says so and proposes the
 * escalation report on that schedule (said back; "yes" saves it), or asks when even that cannot be read; never a
 * monitoring job read on a guess.
 */
export async function slaReportQuestion(turn: Turn, text: string): Promise<IntentResult | undefined> {
  if (!/\b(?:breach\w*|sla|at[\s-]risk|overdue)\b/i.test(text) || !sendVerb.test(text)) return undefined;
  const listed =
    /\b(?:the\s+|a\s+|an\s+|my\s+)?(?:list|report|summary|digest|rundown|overview|roundup|round-up)\s+(?:of\s+)?[^,.;]*?(?:breach\w*|sla|at\s+risk|overdue)[^,.;]*/i.exec(text) ??
    /\b(?:sla\s+)?(?:breach\w*|at[\s-]risk|overdue)(?:\s+tickets?)?\s+(?:list|report|summary|digest|rundown|overview)\b/i.exec(text) ??
    /\bthe\s+(?:sla\s+)?(?:breaches|(?:breached|breaching|overdue|at[\s-]risk)\s+(?:tickets|ones|cases)|tickets\s+(?:breaching|in\s+breach|that\s+breach(?:ed)?)(?:\s+(?:sla|today))?)\b/i.exec(text);
  if (!listed || !(findSchedule(text) || /\b(?:every|each|daily|weekly|monthly|weekdays?|mornings?|evenings?|nightly)\b/i.test(text))) return undefined;
  const before = text.slice(0, listed.index);
  const article = /\b(?:the|a|an|my)\s+(?:\w+\s+)?$/i.test(before) ? '' : 'the ';
  const instead = `${before}${article}escalation report${text.slice(listed.index + listed[0].length)}`.replace(/\s+/g, ' ').trim();
  const why = 'A scheduled report is the escalation report or a SQL report, and SLA clocks are not in SQL, so I cannot send the SLA list on a schedule offline (ask me "which tickets breach SLA" at any time).';
  const proposal = looksLikeReportJob(instead, turn.workspace) ? await reportIntent(turn, instead) : undefined;
  if (proposal?.kind === 'confirm') return { ...proposal, text: `${why}\nInstead, the escalation report on that schedule:\n${proposal.text}` };
  return {
    kind: 'ask',
    question: `${why}\nShall I send the escalation report on that schedule instead? Say it like "every morning at 8 send me the escalation report", or set a job that alerts on the tickets themselves ("every 15 minutes notify me about P1 tickets open more than 30 minutes without a first response").`,
    resume: (answer) => answer,
  };
}
