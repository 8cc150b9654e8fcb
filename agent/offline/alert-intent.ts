// Offline: alert actions by text — "ack the Globex SSO alert", "snooze that alert for 30 min", "escalate the Acme
// export alert to engineering", "snooze alerts for Initech until tomorrow 9am" (a mute of the company). The action is
// said back and, on yes, done by jobs/alert-actions.ts: the same code as the Telegram buttons and the web board.
import { performAlertAction, type ActionDetails, type AlertAction, type AlertRef } from '../../jobs/alert-actions';
import { ensureJobTables } from '../../jobs/tables';
import type { Row } from '../../objects/database';
import { errorMessage } from '../../objects/errors';
import { formatTime, parseDate } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import { displayNames } from './entities';
import { findSchedule } from './schedule-phrase';
import { lookUpTicket, ticketObject, whichOne } from './ticket-lookup';
import { callTool, reply, sayBack, type IntentResult, type Turn } from './turn';
import { tierOption, vocabularyOf } from './vocabulary';
import { durationPattern, durationValue, escapeRegExp } from './words';

const verbs: [RegExp, AlertAction][] = [
  [/\b(?:ack(?:nowledg\w*)?s?|acked|i'?m\s+on\s+it|got\s+it)\b/i, 'ack'],
  [/\b(?:snooze|snoozing|remind\s+me)\b/i, 'snooze'],
  [/\b(?:mute|silence|quiet|hush)\b/i, 'mute'],
  [/\b(?:escalat\w*|bump|raise|push|send|kick|move)\b/i, 'escalate'],
  [/\b(?:resolv\w*|close(?:\s+out)?|fixed|done\s+with)\b/i, 'resolve'],
];
const alertNoun = /\balerts?\b/i;
const lastAlert = /\b(?:that|this|the\s+last|the\s+latest|the\s+newest|the\s+previous|last)\s+(?:alert|one)\b|^\s*(?:\w+\s+)?(?:it|that)\s*[.!]?\s*$/i;

/** The action a message asks of an alert, when it names an alert (or mutes a company's alerts). */
export function alertActionOf(text: string): AlertAction | undefined {
  const mutesCompany = /^\s*(?:please\s+|pls\s+)?(?:mute|silence|snooze|stop|pause|hold|quiet)\s+(?:all\s+)?(?:the\s+)?(?:alerts|notifications)\s+(?:for|from|on|about)\b/i.test(text) || /^\s*(?:please\s+|pls\s+)?(?:mute|silence)\b/i.test(text);
  // Acknowledging and snoozing are things done to alerts: "ack the Bluth checkout one" needs no "alert".
  const alertVerb = /^\s*(?:(?:please|pls|ok(?:ay)?|i'?m\s+on\s+it|got\s+it)\b[\s,—–-]*)?(?:ack(?:nowledg\w*)?|acked|snooze)\b/i.test(text);
  if (!alertNoun.test(text) && !mutesCompany && !alertVerb) return undefined;
  // A review or a long description that mentions alerts is not an action on one.
  if (text.split(/\s+/).length > 20 || /\b(?:post-?mortem|root\s+cause|review|prevention|follow-?up)\b/i.test(text)) return undefined;
  // A rule that alerts people ("… and alert the support lead", "every hour …") is a job, not an action on an alert.
  if (/^\s*(?:every|each|hourly|daily|when|whenever|if)\b/i.test(text) || /\b(?:job|rule|view|report|field|object)s?\b/i.test(text) || findSchedule(text)) return undefined;
  if (/\balert\s+(?:me|us|them|him|her|everyone|the\s+(?:support|account|ae|engineering|cs|exec|vp|owner|team|on-?call))\b/i.test(text)) return undefined;
  if (mutesCompany && /^\s*(?:please\s+|pls\s+)?(?:mute|silence|snooze|stop|pause|hold|quiet)\s+(?:all\s+)?(?:the\s+)?(?:alerts|notifications)\s+(?:for|from|on|about)\b/i.test(text)) return 'mute';
  const found = verbs.map(([pattern, action]) => ({ action, at: pattern.exec(text)?.index ?? -1 })).filter((hit) => hit.at >= 0).sort((a, b) => a.at - b.at);
  return found[0]?.action;
}

/** Reads and says back an alert action; undefined when the text is not one. */
export async function alertIntent(turn: Turn, text: string): Promise<IntentResult | undefined> {
  const action = alertActionOf(text);
  if (!action) return undefined;
  const { workspace } = turn;
  const objectName = ticketObject(workspace);
  if (!objectName) return undefined;
  const details: ActionDetails = {};
  let rest = text;
  // "for the rest of the day", "until end of day", "till EOD", "for today": until the next midnight in the workspace's zone.
  const endOfDay = /\s*\b(?:(?:for\s+)?(?:the\s+)?rest\s+of\s+(?:the\s+)?(?:day|today)|(?:until|till|til|through)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:day|today)|eod|tonight|midnight)|for\s+today|today)\b/i.exec(rest);
  if (endOfDay && (action === 'snooze' || action === 'mute')) {
    details.until = parseDate('tomorrow 00:00', workspace.valueContext(), 'until');
    rest = rest.slice(0, endOfDay.index) + rest.slice(endOfDay.index + endOfDay[0].length);
  }
  // How long: "for 2 hours", "3h", "for a day"; or until when: "until tomorrow 9am".
  const until = details.until ? null : /\b(?:until|till|til|'til|through)\s+(.+?)\s*[.!?]?$/i.exec(rest);
  if (until && (action === 'snooze' || action === 'mute')) {
    try {
      details.until = parseDate(until[1]!, workspace.valueContext(), 'until');
    } catch (error) {
      return reply(`I could not read "until ${until[1]}" as a time: ${errorMessage(error)}. Nothing was changed.`);
    }
    rest = rest.slice(0, until.index);
  }
  const duration = details.until ? null : new RegExp(`(?:\\bfor\\s+)?(${durationPattern})`, 'i').exec(rest);
  if (duration && (action === 'snooze' || action === 'mute')) {
    const value = durationValue(duration[1]!);
    if (value) {
      details.until = value.business && workspace.calendar ? workspace.calendar.add(workspace.clock.now(), value.milliseconds) : new Date(workspace.clock.now().getTime() + value.milliseconds);
      rest = rest.replace(duration[0], ' ');
    }
  }
  const definition = workspace.object(objectName);
  const vocabulary = vocabularyOf(definition, workspace.objects);
  if (action === 'escalate') {
    const to = /\b(?:up\s+)?(?:to|into)\s+(.+?)\s*[.!]?$/i.exec(rest);
    const tier = to && vocabulary.tier ? tierOption(vocabulary, to[1]!) ?? tierOption(vocabulary, to[1]!.replace(/^the\s+/i, '').replace(/\s+(?:tier|level|team)$/i, '').replace(/\bexecs?\b/i, 'executive').replace(/\beng\b/i, 'engineering')) : undefined;
    if (to && !tier) return reply(`I could not tell which tier "${to[1]}" is (tiers: ${(vocabulary.tier?.options ?? []).join(', ')}). Nothing was changed.`);
    if (tier) {
      details.tier = tier;
      rest = rest.slice(0, to!.index);
    }
  }
  // A company's alerts ("snooze alerts for Initech", "mute Globex"): a mute of the company and all its tickets.
  if (action === 'mute' && vocabulary.account?.relatedObject) {
    const company = await companyNamed(workspace, vocabulary.account.relatedObject, rest);
    const ticketWords = rest.replace(company ? new RegExp(`\\b${escapeRegExp(company.word)}\\b`, 'i') : /$^/, ' ').replace(/\b(?:mute|silence|snooze|stop|pause|hold|quiet|please|pls|all|the|alerts?|notifications?|for|from|on|about|of|a|an|day|days)\b/gi, ' ').replace(/[^\w"']+/g, ' ').trim();
    if (company && !ticketWords && !/\balert\b(?!s)/i.test(rest.replace(/\balerts\b/i, ''))) {
      const end = details.until ?? new Date(workspace.clock.now().getTime() + 24 * 3_600_000);
      const shown = formatTime(end, workspace.timeZone);
      return sayBack(`the mute of ${company.name}`, `I would mute ${company.name} and all its tickets until ${shown}: no job escalates or alerts on them until then.`, async () => {
        await callTool(turn, 'mute', { action: 'mute', object: vocabulary.account!.relatedObject, entry: company.name, until: end.toISOString() });
        return reply(`Muted ${company.name} until ${shown}.`);
      });
    }
  }
  const target = await alertTarget(workspace, objectName, rest);
  if ('message' in target) return reply(target.message);
  const { row, ref } = target;
  const label = `"${String(row[definition.displayField])}"${row.Customer ? ` (${String(row.Customer)})` : ''}`;
  const said: Record<AlertAction, string> = {
    ack: `acknowledge the alert on ${label} (first response now${row['Assigned To'] || !turn.context.user ? '' : `, assigned to ${turn.context.user}`})`,
    resolve: `resolve ${label}`,
    snooze: `snooze the alert on ${label} until ${formatTime(details.until ?? new Date(workspace.clock.now().getTime() + 3_600_000), workspace.timeZone)}`,
    escalate: `escalate ${label} to ${details.tier ?? 'the next tier'}`,
    mute: `mute ${label} until ${formatTime(details.until ?? new Date(workspace.clock.now().getTime() + 24 * 3_600_000), workspace.timeZone)}`,
  };
  if (action === 'snooze' && !ref.chatId) return reply(`${label} has no alert to snooze (no job has alerted on it). Nothing was changed.`);
  return sayBack(`the ${action} of ${label}`, `I would ${said[action]}.`, async () => {
    const person = turn.context.user;
    const chat = turn.context.chat;
    const outcome = await performAlertAction(workspace, ref, action, {
      name: person ?? 'you',
      by: `chat:${chat.channel}:${String(chat.id)}${person ? `:${person}` : ''}`,
    }, person ? details : { ...details, assign: false });
    return reply(outcome.done ? outcome.summary.replace(/ by you /, ' ') : outcome.reason);
  });
}

/** The company a message names (whole name or its first word), with the word used. */
async function companyNamed(workspace: Workspace, objectName: string, text: string): Promise<{ name: string; word: string } | undefined> {
  const names = (await displayNames(workspace, objectName)).sort((a, b) => b.length - a.length);
  for (const name of names) if (new RegExp(`\\b${escapeRegExp(name)}\\b`, 'i').test(text)) return { name, word: name };
  for (const name of names) {
    const first = name.split(/\s+/)[0]!;
    if (first.length >= 4 && new RegExp(`\\b${escapeRegExp(first)}\\b`, 'i').test(text)) return { name, word: first };
  }
  return undefined;
}

/** The alerted entry a message names: "that alert" is the newest alert; otherwise a ticket reference among alerted tickets. */
async function alertTarget(workspace: Workspace, objectName: string, text: string): Promise<{ row: Row; ref: AlertRef } | { message: string }> {
  await ensureJobTables(workspace.db);
  const alerts = await workspace.db.query<{ id: string; entry_id: string; recipient: string }>(
    `SELECT id, json_extract_string(payload, '$.entryId') AS entry_id, recipient FROM outbox
     WHERE json_extract_string(payload, '$.kind') = 'alert' AND json_extract_string(payload, '$.object') = $1 ORDER BY sequence DESC`,
    [objectName],
  );
  const refOf = (row: Row): AlertRef => {
    const alert = alerts.find((candidate) => candidate.entry_id === String(row.id));
    return alert ? { alertId: alert.id, object: objectName, entryId: String(row.id), chatId: alert.recipient } : { alertId: `chat:${objectName}:${String(row.id)}`, object: objectName, entryId: String(row.id), chatId: '' };
  };
  const reference = text
    .replace(/^\s*(?:please|pls|ok(?:ay)?|i'?m\s+on\s+it|got\s+it)\b[\s,—–-]*/i, '')
    .replace(/^\s*(?:can|could|would)\s+you\s+/i, '')
    .replace(/\b(?:ack(?:nowledg\w*)?|acked|snooze|mute|silence|escalate|bump|raise|push|send|kick|move|resolve|close(?:\s+out)?|up)\b/gi, ' ')
    .replace(/\b(?:the\s+)?alerts?\b/gi, ' ')
    .replace(/,?\s*(?:it\s+is|it'?s|is)\s+(?:fixed|done|resolved)\b.*$/i, ' ')
    .replace(/\b(?:can\s+be|should\s+be|is|be|resolved|fixed|please|now)\b/gi, ' ')
    .replace(/^\s*(?:on|for|about|of|from)\b/i, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const view = async (id: string) => (await workspace.db.query(`SELECT * FROM v_${objectName} WHERE id = $1`, [id]))[0];
  if (lastAlert.test(text) || /^(?:that|this|it|the\s+last|last|latest)?\s*(?:one)?$/i.test(reference)) {
    const newest = alerts[0];
    const row = newest ? await view(newest.entry_id) : undefined;
    if (!row) return { message: 'There is no alert yet to act on. Nothing was changed.' };
    return { row, ref: refOf(row) };
  }
  const found = await lookUpTicket(workspace, objectName, reference.replace(/^(?:on|for|about)\s+/i, '').replace(/\bone$/i, ''));
  if (found.kind === 'none') return { message: `${found.message[0]!.toUpperCase()}${found.message.slice(1)}. Nothing was changed.` };
  const alerted = new Set(alerts.map((alert) => alert.entry_id));
  const rows = found.kind === 'one' ? [found.row] : found.rows;
  const relation = vocabularyOf(workspace.object(objectName), workspace.objects).account;
  const company = relation?.relatedObject && rows.length > 1 ? await companyNamed(workspace, relation.relatedObject, reference.replace(/["'][^"']*["']/g, ' ')) : undefined;
  const ofCompany = company ? rows.filter((row) => String(row[relation!.name] ?? '') === company.name) : [];
  if (ofCompany.length) rows.splice(0, rows.length, ...ofCompany);
  const withAlerts = rows.filter((row) => alerted.has(String(row.id)));
  const chosen = withAlerts.length === 1 ? withAlerts : rows.length === 1 ? rows : withAlerts.length ? withAlerts : rows;
  if (chosen.length > 1) return { message: whichOne(chosen, objectName, workspace.object(objectName).displayField) };
  return { row: chosen[0]!, ref: refOf(chosen[0]!) };
}
