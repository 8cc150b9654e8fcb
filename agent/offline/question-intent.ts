// Offline: questions. Accounts by their tickets, the monthly escalation report, the board, SLA breaches, jobs,
// "how many open P1 tickets", "escalated tickets for Acme Corp", saved views, and what the workspace holds.
import type { Row } from '../../objects/database';
import { buildBoard, renderBoard } from '../../objects/board';
import { countEntries, findEntries } from '../../objects/entries';
import { formatDuration } from '../../objects/duration';
import type { Filter } from '../../objects/filter';
import { relative } from 'node:path';
import { accountsQuestion, looksLikeAccountsQuestion } from './accounts-question';
import { accountLookup } from './account-lookup';
import { parseConditions } from './conditions';
import { entityNames } from './entities';
import { escalationReport, reportText } from './escalation-report';
import { mentionedObjects } from './object-mention';
import { ticketObject } from './ticket-lookup';
import { deleteJobProposal } from './job-edit';
import { callTool, reply, type IntentResult, type Turn } from './turn';
import { vocabularyOf } from './vocabulary';
import { countValue, durationPattern, durationValue } from './words';
import { parsePeriod } from '../../objects/filter-compiler';
import { formatTime } from '../../objects/values';
import { quoteIdentifier } from '../../objects/object-schema';
import { filterWords } from '../../tools/job-words';

export async function routeQuestion(turn: Turn, text: string): Promise<IntentResult | undefined> {
  const lower = text.toLowerCase();
  if (looksLikeAccountsQuestion(text)) return accountsQuestion(turn, text);
  const account = await accountLookup(turn, text);
  if (account) return account;
  if ((/\b(monthly|per\s+month|by\s+month|each\s+month|month[- ](?:by|over)[- ]month)\b/.test(lower) && /escalat/.test(lower)) || /\bescalation\s+(?:report|trends?|chart)\b/.test(lower)) return monthlyReport(turn, lower);
  const happened = await escalationsInPeriod(turn, text);
  if (happened) return happened;
  if (/\b(board|kanban)\b/.test(lower)) return board(turn, text);
  if (/\bsla\b|\bbreach/.test(lower)) return sla(turn, text);
  if (/\bjobs?\b/.test(lower) || /^(?:run|dry[- ]run|disable|enable|pause|resume)\s+(?:the\s+)?[a-z0-9_-]+(?:\s+job)?/i.test(text)) {
    const jobs = await jobQuestion(turn, text);
    if (jobs) return jobs;
  }
  // A request to change something is never answered with a listing.
  if (/^\s*(?:please\s+)?(?:set|change|update|delete|remove|drop|rename|escalate|assign|mark|close|resolve|make|move|add|create)\b/i.test(text)) return undefined;
  const view = await savedView(turn, text);
  if (view) return view;
  // Renewals are the accounts' ("renewals in Q1", "who renews this month?"): listed from the object that has a renewal date.
  const renewals = /\brenew(?:s|al|als|ing)?\b/i.test(text) && !/\btickets?\b/i.test(text) ? renewalObject(turn) : undefined;
  if (renewals) {
    const phrase = text.replace(/^(?:who|which|what|whose|show(?:\s+me)?|list|give\s+me|any)\s+/i, '').replace(/\b(?:(?:customers?|accounts?|companies|clients?)\s+)?(?:have|has|are|is|do|does|got)\b/gi, ' ').replace(/\b(?:coming\s+up|upcoming|due)\b/gi, ' ').replace(/\s+/g, ' ').trim();
    return listOrCount(turn, phrase, /^how\s+many\b/i.test(text) ? 'count' : 'list', renewals);
  }
  const count = /^(?:how\s+many|count(?:\s+the)?|number\s+of)\s+([\s\S]+?)\s*(?:are\s+there|do\s+we\s+have|have\s+we\s+got|are\s+open|exist)?\s*\??$/i.exec(text);
  if (count) return listOrCount(turn, count[1]!, 'count');
  const list = /^(?:please\s+)?(?:show|list|find|display|get|give)\s+(?:me\s+)?(?:all\s+|the\s+|any\s+)*([\s\S]+?)\s*\??$/i.exec(text) ?? /^(?:which|what)\s+([\s\S]+?)\s*\??$/i.exec(text) ?? /^(?:are\s+there\s+any\s+)([\s\S]+?)\s*\??$/i.exec(text);
  if (list && /\b(objects?|fields?|schema)\b/i.test(list[1]!) && !/\btickets?\b/i.test(list[1]!)) return describe(turn, list[1]!);
  if (list) return listOrCount(turn, list[1]!, 'list');
  if (/\btickets?\b|^\s*(?:accounts?|customers?|companies|clients?)\b/i.test(text) && text.split(/\s+/).length <= 12) return listOrCount(turn, text, 'list');
  if (/^(?:describe|what\s+is\s+in)\b/i.test(text)) return describe(turn, text);
  return undefined;
}

async function monthlyReport(turn: Turn, lower: string): Promise<IntentResult> {
  const objectName = ticketObject(turn.workspace);
  if (!objectName) return reply('There is no ticket object to report on.');
  const span = /\b(?:last|past|previous)\s+(\w+)\s+months\b/.exec(lower);
  let months = span ? (countValue(span[1]!) ?? 12) : 12;
  if (/\bthis\s+year\b/.test(lower)) months = Number(new Intl.DateTimeFormat('en', { month: 'numeric', timeZone: turn.workspace.timeZone }).format(turn.workspace.clock.now()));
  const groupBy = /\bby\s+priority\b/.test(lower) ? 'priority' : /\bby\s+escalation\s+tier\b/.test(lower) ? 'escalation tier' : 'tier';
  const report = await escalationReport(turn.workspace, objectName, { months: Math.max(1, Math.min(36, Math.round(months))), groupBy });
  const file = relative(turn.workspace.dir, report.chartPath);
  return reply(
    `Escalated tickets per month (by the month they were escalated) and ${report.groupLabel.toLowerCase()}, last ${report.months.length} months — ${report.total} in all:\n${reportText(report)}\nChart: ${file}`,
    [{ kind: 'image', path: report.chartPath, caption: `Escalations per month by ${report.groupLabel.toLowerCase()}` }],
  );
}

const months = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const periodWords = new RegExp(`\\b(?:in|during|for|over|from)\\s+(?:the\\s+)?(q[1-4](?:\\s+(?:of\\s+)?\\d{4})?|(?:${months.join('|')}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)(?:\\s+\\d{4})?|\\d{4})\\b|\\b((?:this|last|past|previous)\\s+(?:week|month|quarter|year)|today|yesterday)\\b`, 'i');

/**
 * Escalations that happened in a period ("escalated tickets in November by tier", "how many escalations happened in
 * March by priority"): counted from v_escalations by when the tier was raised, not by the tickets' state now.
 */
async function escalationsInPeriod(turn: Turn, text: string): Promise<IntentResult | undefined> {
  if (!/\bescalat/i.test(text)) return undefined;
  const grouped = /\b(?:by|per|grouped\s+by|broken\s+down\s+by|split\s+by)\s+(?:the\s+)?(tiers?|escalation\s+tiers?|levels?|priorit(?:y|ies)|customers?|accounts?|compan(?:y|ies)|account\s+tiers?|segments?|plans?)\b/i.exec(text);
  const happenedWords = /\bescalations\b|\b(?:happened|occurred|took\s+place|were\s+escalated|got\s+escalated|was\s+escalated)\b/i.test(text);
  const period = periodWords.exec(text);
  if (!period || (!grouped && !happenedWords)) return undefined;
  const objectName = ticketObject(turn.workspace);
  if (!objectName) return undefined;
  const { workspace } = turn;
  const now = workspace.clock.now();
  let words = (period[1] ?? period[2])!.toLowerCase().replace(/^past\s+|^previous\s+/, 'last ');
  const short = months.find((month) => month.startsWith(words.slice(0, 3)) && /^[a-z]+$/.test(words));
  if (short) {
    // A month without a year is the latest one that has begun: "November" in April 2026 is November 2025.
    const year = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: workspace.timeZone }).format(now));
    const month = Number(new Intl.DateTimeFormat('en', { month: 'numeric', timeZone: workspace.timeZone }).format(now));
    words = `${short} ${months.indexOf(short) + 1 > month ? year - 1 : year}`;
  }
  const range = parsePeriod(words, { now, timeZone: workspace.timeZone });
  if (!range) return undefined;
  const definition = workspace.object(objectName);
  const vocabulary = vocabularyOf(definition, workspace.objects);
  const by = grouped?.[1]!.toLowerCase() ?? '';
  const priority = definition.fields.find((field) => field.type === 'enum' && /priority|severity/i.test(field.name));
  const accountTier = vocabulary.relatedOptions.find((option) => /tier|segment|plan/i.test(option.path))?.path;
  const groupSql = /priorit/.test(by) && priority
    ? `t.${quoteIdentifier(priority.name)}`
    : /^(?:customers?|accounts?|compan)/.test(by)
      ? 'e.customer'
      : /account\s+tier|segment|plan/.test(by) && accountTier
        ? `t.${quoteIdentifier(accountTier)}`
        : grouped ? 'e.to_tier' : undefined;
  const label = grouped ? (/priorit/.test(by) ? 'priority' : /^(?:customers?|accounts?|compan)/.test(by) ? 'customer' : /account\s+tier|segment|plan/.test(by) ? 'account tier' : 'tier escalated to') : '';
  const where = `e.object = $1 AND e.escalated_at >= $2::TIMESTAMPTZ AND e.escalated_at < $3::TIMESTAMPTZ`;
  const from = `v_escalations AS e LEFT JOIN v_${definition.name} AS t ON t.id = e.entry_id`;
  const span = `${formatTime(range[0], workspace.timeZone).slice(0, 10)} – ${formatTime(new Date(range[1].getTime() - 1), workspace.timeZone).slice(0, 10)}`;
  if (groupSql) {
    const rows = await workspace.db.query<{ name: string | null; count: bigint | number }>(`SELECT ${groupSql} AS name, count(*) AS count FROM ${from} WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1`, [definition.name, range[0], range[1]]);
    const total = rows.reduce((sum, row) => sum + Number(row.count), 0);
    if (total === 0) return reply(`No escalations happened ${period[0].trim()} (${span}).`);
    return reply(`${total} escalation${total === 1 ? '' : 's'} happened ${period[0].trim()} (${span}), by ${label}:\n${rows.map((row) => `- ${row.name ?? '(none)'}: ${Number(row.count)}`).join('\n')}`);
  }
  const rows = await workspace.db.query<{ title: string; customer: string | null; to_tier: string; escalated_at: Date }>(`SELECT t.${quoteIdentifier(definition.displayField)} AS title, e.customer, e.to_tier, e.escalated_at FROM ${from} WHERE ${where} ORDER BY e.escalated_at DESC LIMIT 20`, [definition.name, range[0], range[1]]);
  const [count] = await workspace.db.query<{ count: bigint | number }>(`SELECT count(*) AS count FROM ${from} WHERE ${where}`, [definition.name, range[0], range[1]]);
  const total = Number(count?.count ?? 0);
  if (total === 0) return reply(`No escalations happened ${period[0].trim()} (${span}).`);
  return reply(`${total} escalation${total === 1 ? '' : 's'} happened ${period[0].trim()} (${span})${total > rows.length ? ` (latest ${rows.length})` : ''}:\n${rows.map((row) => `- ${formatTime(row.escalated_at, workspace.timeZone).slice(0, 16)} ${row.title}${row.customer ? ` — ${row.customer}` : ''} → ${row.to_tier}`).join('\n')}`);
}

async function board(turn: Turn, text: string): Promise<IntentResult> {
  const objectName = mentionedObjects(turn.workspace, text).find((name) => turn.workspace.object(name).kanbanField) ?? ticketObject(turn.workspace);
  if (!objectName) return reply('There is no object with a board.');
  const built = await buildBoard(turn.workspace, objectName);
  return reply(renderBoard(built, { now: turn.workspace.clock.now(), perColumn: 5, displayField: turn.workspace.object(objectName).displayField }));
}

/** SLA words and what only says which clocks to show; what is left is read as conditions on the tickets. */
const slaWords =
  /\b(?:what(?:'s|\s+is|\s+are)|which|show(?:\s+me)?|list|give\s+me|get|any|are\s+there|how\s+many|sla(?:'s|s)?|service\s+levels?|status(?:es)?|state|breach(?:ed|es|ing)?|in\s+breach|at\s+risk|risk|within|clocks?|the|of|on|for|that|which|have|has|had|are|is|were|was|do|does|there|me|currently|right\s+now|now|at\s+the\s+moment|about\s+to|going\s+to|soon|targets?)\b/gi;
/** When a breach happened: "this week", "today", "in the last 24 hours". */
const breachPeriod = /\b(?:this\s+(?:week|month|quarter|year)|last\s+(?:week|month)|today|yesterday|in\s+the\s+(?:last|past)\s+(?:\d+|an?|one|two|three)\s+(?:hours?|days?|weeks?))\b/i;

/** A horizon ahead: "in the next 2 hours", "within 30 min", "over the coming hour" — the sla tool's `within`. */
const breachHorizon = new RegExp(`\\b(?:in|within|over)\\s+(?:the\\s+)?(?:(?:next|coming|upcoming)\\s+)?(${durationPattern}|(?<=(?:next|coming|upcoming)\\s+)(?:hour|day))\\b`, 'i');

async function sla(turn: Turn, text: string): Promise<IntentResult> {
  const ahead = /\b(?:last|past|ago)\b/i.test(text) ? null : breachHorizon.exec(text);
  const horizon = ahead ? durationValue(/^(?:hour|day)$/i.test(ahead[1]!) ? `1 ${ahead[1]}` : ahead[1]!) : undefined;
  if (ahead && horizon) text = `${text.slice(0, ahead.index)} ${text.slice(ahead.index + ahead[0].length)}`;
  const lower = text.toLowerCase();
  const show = /\bat\s+risk\b/.test(lower) && !/\bbreach/.test(lower) ? 'at_risk' : /\bbreach/.test(lower) && !/\bat\s+risk\b/.test(lower) ? 'breached' : 'attention';
  // Conditions beside the SLA words ("over $50k contract value", "enterprise", "P1", "this week") are applied, or said.
  const period = breachPeriod.exec(text);
  const rest = (period ? text.slice(0, period.index) + ' ' + text.slice(period.index + period[0].length) : text).replace(slaWords, ' ').replace(/[?.!,]/g, ' ');
  const objectName = ticketObject(turn.workspace);
  let ids: Set<string> | undefined;
  let unread: string[] = [];
  let applied = '';
  if (objectName && rest.trim()) {
    const vocabulary = vocabularyOf(turn.workspace.object(objectName), turn.workspace.objects);
    const parsed = parseConditions(rest, vocabulary, { now: turn.workspace.clock.now(), timeZone: turn.workspace.timeZone, entities: await entityNames(turn.workspace, objectName) });
    unread = parsed.leftovers.filter((word) => !/^(?:accounts?|customers?|companies|clients?|sla)$/.test(word));
    // SLA clocks run on open tickets only: "open" narrows nothing.
    const conditions = parsed.conditions.filter((condition) => !(condition.field === vocabulary.status?.name && condition.operator === 'is_none_of'));
    if (conditions.length) {
      const rows = await findEntries(turn.workspace, objectName, { filter: { all: conditions }, limit: 5000 });
      ids = new Set(rows.map((row) => String(row.id)));
      applied = filterWords({ all: conditions });
    }
  }
  let since: Date | undefined;
  if (period) {
    const words = period[0].toLowerCase();
    const last = /(?:last|past)\s+(\d+|an?|one|two|three)\s+(hour|day|week)/.exec(words);
    if (last) {
      const count = /^\d+$/.test(last[1]!) ? Number(last[1]) : countValue(last[1]!) ?? 1;
      since = new Date(turn.workspace.clock.now().getTime() - count * { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 }[last[2] as 'hour']);
    } else since = parsePeriod(words, { now: turn.workspace.clock.now(), timeZone: turn.workspace.timeZone })?.[0];
  }
  const filtered = ids !== undefined || since !== undefined;
  const result = await callTool(turn, 'sla_status', { show: since ? 'breached' : show, limit: filtered || horizon ? 200 : 20, ...(horizon ? { within: horizon.compact } : {}) });
  const now = turn.workspace.clock.now().getTime();
  const breachedSince = (ticket: Record<string, unknown>) => {
    const minutes = (ticket.minutes ?? {}) as Record<string, { left: number } | undefined>;
    return Object.values(minutes).some((clock) => clock !== undefined && clock.left < 0 && now + clock.left * 60_000 >= since!.getTime());
  };
  const tickets = (result.tickets as Record<string, unknown>[]).filter((ticket) => (!ids || ids.has(String(ticket.id))) && (!since || breachedSince(ticket))).slice(0, 20);
  const scope = [applied, since ? `breached since ${formatTime(since, turn.workspace.timeZone).slice(0, 16)}` : ''].filter(Boolean).join('; ');
  const note = unread.length ? `\n(I could not apply ${unread.map((word) => `"${word}"`).join(', ')}; the list is not narrowed by ${unread.length === 1 ? 'it' : 'them'}.)` : '';
  const head = horizon
    ? `${tickets.length} open ticket${tickets.length === 1 ? '' : 's'} breach${tickets.length === 1 ? 'es' : ''} SLA within ${String(result.within)}${applied ? ` where ${applied}` : ''} (of ${String(result.open_tickets)} open: ${String(result.breached)} breached already, ${String(result.at_risk)} at risk).`
    : filtered
    ? `${tickets.length} open ticket${tickets.length === 1 ? '' : 's'} ${since || show === 'breached' ? 'breaching SLA' : show === 'at_risk' ? 'at risk' : 'needing attention'} where ${scope} (of ${String(result.open_tickets)} open: ${String(result.breached)} breached, ${String(result.at_risk)} at risk).`
    : `${String(result.open_tickets)} open tickets: ${String(result.breached)} breached, ${String(result.at_risk)} at risk, ${String(result.within)} within SLA.`;
  if (tickets.length === 0) return reply(`${head}${filtered || horizon ? '' : ` None ${show === 'at_risk' ? 'at risk' : show === 'breached' ? 'breach SLA' : 'need attention'}.`}${note}`);
  const lines = tickets.map((ticket) => `- [${String(ticket.state).replace('_', ' ')}] ${String(ticket.title)}${ticket.customer ? ` — ${String(ticket.customer)}` : ''}${ticket.priority ? ` (${String(ticket.priority).split(' - ')[0]}${ticket.account_tier ? `, ${String(ticket.account_tier)}` : ''})` : ''}: first response ${String(ticket.first_response ?? '—')}; resolution ${String(ticket.resolution ?? '—')}`);
  return reply(`${head}\n${lines.join('\n')}${note}`);
}

async function jobQuestion(turn: Turn, text: string): Promise<IntentResult | undefined> {
  const names = (await callTool(turn, 'list_jobs', {})) as { jobs: { name: string; schedule: string; enabled: boolean; next_run?: string; last_run?: string; last_error?: string; rules: { name: string; says: string }[] }[]; problems: { file: string; message: string }[] };
  const named = names.jobs.find((job) => new RegExp(`\\b${job.name.replace(/[-_]/g, '[-_ ]')}\\b`, 'i').test(text)) ?? (names.jobs.length === 1 && /\bthe\s+(?:escalation\s+)?job\b/i.test(text) ? names.jobs[0] : undefined);
  if (/^(?:please\s+)?(?:run|dry[- ]run|test|try)\b/i.test(text)) {
    if (!named) return reply(`Which job? (jobs: ${names.jobs.map((job) => job.name).join(', ') || 'none yet'})`);
    const forReal = /\b(?:for\s+real|really|now\s+for\s+real|not\s+a\s+dry\s+run)\b/i.test(text);
    // "run it for real" is the person's own yes to a real run (run_job asks for confirm=true).
    const result = await callTool(turn, 'run_job', { name: named.name, dry_run: !forReal, confirm: forReal });
    const rules = (result.rules ?? []) as { rule: string; entries: number; examples: Row[] }[];
    const lines = rules.map((rule) => `- ${rule.rule}: ${rule.entries}${rule.examples.length ? ` (${rule.examples.slice(0, 5).map((row) => String(row.Title ?? row.id)).join('; ')})` : ''}`);
    return reply(`${forReal ? 'Ran' : 'Dry run of'} ${named.name}: ${String(result.matched)} match${Number(result.matched) === 1 ? '' : 'es'}${forReal ? `, ${String(result.changed)} changed, ${String(result.notified)} notified` : ', nothing changed'}.\n${lines.join('\n')}`);
  }
  const toggle = /^(?:please\s+)?(disable|pause|stop|enable|resume|restart)\b/i.exec(text);
  if (toggle) {
    if (!named) return reply(`Which job? (jobs: ${names.jobs.map((job) => job.name).join(', ') || 'none yet'})`);
    const enabled = /enable|resume|restart/i.test(toggle[1]!);
    // "pause/resume X" is the person's own instruction: the confirmation update_job asks for.
    await callTool(turn, 'update_job', { name: named.name, enabled, confirm: true });
    return reply(`${enabled ? 'Resumed' : 'Paused'} the job ${named.name}.`);
  }
  const remove = /^(?:please\s+)?(?:delete|remove)\b/i.test(text);
  if (remove) {
    if (!named) return reply(`Which job? (jobs: ${names.jobs.map((job) => job.name).join(', ') || 'none yet'})`);
    return deleteJobProposal(turn, named);
  }
  if (!/\b(?:list|show|what|which|any|my|all)\b/i.test(text)) return undefined;
  if (names.jobs.length === 0 && names.problems.length === 0) return reply('There are no monitoring jobs yet. Describe one, e.g. "Every 30 minutes, check for P1 tickets open more than 30 minutes without a first response: escalate to Tier 2 and notify me".');
  const lines = names.jobs.flatMap((job) => [
    `${job.name} — ${job.schedule}${job.enabled ? '' : ' (paused)'}${job.next_run ? `; next run ${job.next_run}` : ''}${job.last_run ? `; last run ${job.last_run}` : ''}${job.last_error ? `; last error: ${job.last_error}` : ''}`,
    ...job.rules.map((rule) => `  ${rule.name}: ${rule.says}`),
  ]);
  for (const problem of names.problems) lines.push(`${problem.file} does not load: ${problem.message}`);
  return reply(lines.join('\n'));
}

async function savedView(turn: Turn, text: string): Promise<IntentResult | undefined> {
  for (const definition of turn.workspace.objects.values()) {
    const view = definition.views.find((candidate) => text.toLowerCase().includes(candidate.name.toLowerCase()));
    if (!view || !/^(?:show|open|list|display|run|get)\b/i.test(text)) continue;
    const rows = await findEntries(turn.workspace, definition.name, { view: view.name, limit: 15 });
    const total = await countEntries(turn.workspace, definition.name, view.filter);
    return reply(`${view.name}: ${total} ${definition.name.replace(/_/g, ' ')}${total > rows.length ? ` (first ${rows.length})` : ''}\n${rows.map((row) => entryLine(turn, definition.displayField, row)).join('\n')}`);
  }
  return undefined;
}

const relatedTicketsPhrase = /\b(?:and\s+|that\s+|which\s+|who\s+)?(?:have|has|having|with|got)\s+((?:any\s+|an?\s+)?(?:open|active|current|unresolved|escalated|p[1-4]|critical|urgent|high|new)?\s*(?:escalations?|escalated\s+tickets?|tickets?|issues?|cases?)(?:\s+(?:open|right\s+now|now))?)\b/i;

/** The object whose entries renew (a date field named for renewal), e.g. company. */
function renewalObject(turn: Turn): string | undefined {
  return [...turn.workspace.objects.values()].find((definition) => definition.fields.some((field) => field.type === 'date' && /renew/i.test(field.name)))?.name;
}

async function listOrCount(turn: Turn, phrase: string, mode: 'list' | 'count', of?: string): Promise<IntentResult | undefined> {
  const objectName = of ?? mentionedObjects(turn.workspace, phrase)[0] ?? ticketObject(turn.workspace);
  if (!objectName) return undefined;
  const definition = turn.workspace.object(objectName);
  const vocabulary = vocabularyOf(definition, turn.workspace.objects);
  let cleaned = phrase.replace(/\b(?:right\s+now|at\s+the\s+moment|currently|today'?s?)\b/gi, ' ');
  // Accounts by their tickets: "… and have open escalations", "with escalated tickets": the customers of such tickets.
  let byTickets: Set<string> | undefined;
  const related = relatedTicketsPhrase.exec(cleaned);
  const tickets = related ? ticketObject(turn.workspace) : undefined;
  const link = tickets ? vocabularyOf(turn.workspace.object(tickets), turn.workspace.objects).account : undefined;
  if (related && tickets && link?.relatedObject === objectName) {
    const ticketVocabulary = vocabularyOf(turn.workspace.object(tickets), turn.workspace.objects);
    const words = related[1]!.replace(/\bescalations\b/i, 'escalated tickets').replace(/\bescalation\b/i, 'escalated ticket');
    const ticketParsed = parseConditions(words, ticketVocabulary, { now: turn.workspace.clock.now(), timeZone: turn.workspace.timeZone, entities: [] });
    if (ticketParsed.leftovers.length === 0 && ticketParsed.conditions.length) {
      const rows = await findEntries(turn.workspace, tickets, { filter: { all: ticketParsed.conditions }, limit: 5000 });
      byTickets = new Set(rows.map((row) => String(row[link.name] ?? '')).filter(Boolean));
      cleaned = cleaned.slice(0, related.index) + ' ' + cleaned.slice(related.index + related[0].length);
    }
  }
  const parsed = parseConditions(cleaned, vocabulary, { now: turn.workspace.clock.now(), timeZone: turn.workspace.timeZone, entities: await entityNames(turn.workspace, objectName) });
  const extra = objectName === 'company' ? parsed.leftovers.filter((word) => !/^(accounts?|customers?|companies)$/.test(word)) : parsed.leftovers;
  if (extra.length) {
    if (mode === 'list' && !/\btickets?\b|\baccounts?\b|\bcompan/i.test(phrase)) return undefined;
    return reply(`I did not understand ${extra.map((word) => `"${word}"`).join(', ')}, so I did not guess. I can filter ${objectName.replace(/_/g, ' ')} by priority, status, customer, account tier, "open", "escalated", "without a first response", "open more than 4 hours", "in Q1" and similar.`);
  }
  let filter: Filter | undefined = parsed.conditions.length ? { all: parsed.conditions } : undefined;
  if (byTickets) filter = { all: [...parsed.conditions, { field: definition.displayField, operator: 'is_any_of', value: byTickets.size ? [...byTickets] : ['\u0000none'] }] };
  const total = await countEntries(turn.workspace, objectName, filter);
  const what = phrase.trim().replace(/[?.!]+$/, '');
  if (mode === 'count') return reply(`${total} ${what}.`);
  const sort = vocabulary.opened ? [{ field: vocabulary.opened.name, direction: 'desc' as const }] : undefined;
  const rows = await findEntries(turn.workspace, objectName, { ...(filter ? { filter } : {}), ...(sort ? { sort } : {}), limit: 15 });
  if (total === 0) return reply(`No ${what}.`);
  return reply(`${total} ${what}${total > rows.length ? ` (latest ${rows.length})` : ''}:\n${rows.map((row) => entryLine(turn, definition.displayField, row)).join('\n')}`);
}

function entryLine(turn: Turn, displayField: string, row: Row): string {
  const parts = [String(row[displayField] ?? row.id)];
  if (row.Customer) parts.push(String(row.Customer));
  if (row.Priority) parts.push(String(row.Priority).split(' - ')[0]!);
  if (row.Status) parts.push(String(row.Status));
  if (row['Escalation Tier'] && row['Escalation Tier'] !== 'None') parts.push(String(row['Escalation Tier']));
  const opened = row['Opened Date'];
  if (opened instanceof Date && !row['Resolved Date']) parts.push(`open ${formatDuration(turn.workspace.clock.now().getTime() - opened.getTime())}`);
  if (row['Assigned To']) parts.push(`→ ${String(row['Assigned To'])}`);
  return `- ${parts.join(' · ')} (${String(row.id)})`;
}

async function describe(turn: Turn, text: string): Promise<IntentResult> {
  const objectName = mentionedObjects(turn.workspace, text)[0];
  const result = await callTool(turn, 'describe_workspace', objectName ? { object: objectName } : {});
  const objects = result.objects as { name: string; entries: number; fields: { name: string; type: string; options?: string[]; related_object?: string }[]; views: { name: string }[] }[];
  const lines = objects.flatMap((object) => [
    `${object.name} (${object.entries} entries): ${object.fields.map((field) => `${field.name} ${field.type}${field.options ? ` [${field.options.join(', ')}]` : ''}${field.related_object ? ` → ${field.related_object}` : ''}`).join('; ')}`,
    ...(object.views.length ? [`  views: ${object.views.map((view) => view.name).join(', ')}`] : []),
  ]);
  return reply(lines.join('\n'));
}
