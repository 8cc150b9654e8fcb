// Offline: tickets. "new P1 ticket from Acme Corp: Unable to export data", "mark … resolved", "we responded to …",
// "assign … to Priya", "escalate … to Tier 3", "set the priority of … to P2".
import type { Row } from '../../objects/database';
import { findEntries } from '../../objects/entries';
import { formatDuration } from '../../objects/duration';
import { findField, type ObjectDefinition } from '../../objects/object-schema';
import { matchOption, parseDate } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import { EscalatorError } from '../../objects/errors';
import { displayNames } from './entities';
import { lookUpTicket, ticketObject, whichOne } from './ticket-lookup';
import { callTool, reply, sayBack, type IntentResult, type Turn } from './turn';
import { tierOption, vocabularyOf, type Vocabulary } from './vocabulary';
import { escapeRegExp } from './words';
import { entryChangeIntent } from './entry-change';
import { correctTypos, workspaceWords } from './parts/typos';

const ticketNoun = '(?:ticket|issue|case|incident|bug)';
const priorityWord = '(?:p[1-4]|critical|urgent|high|medium|low|sev\\s*[1-4]|priority\\s+[1-4])';
/** "new P1 ticket …", "log a critical ticket for …", "file a P1 for …", "P1 ticket for …", "Globex reported a P2: …". */
const newTicket = new RegExp(`^(?:please\\s+)?(?:(?:new|log|create|open|add|file|raise|record|enter|submit)\\s+(?:an?\\s+|the\\s+)?(?:new\\s+)?(?:[\\s\\S]*?\\b${ticketNoun}\\b|${priorityWord}\\b(?![\\s\\S]*\\btickets\\b))|${priorityWord}\\s+${ticketNoun}\\b|[A-Z][\\w&.' -]*?\\s+(?:reported|raised|opened|filed|logged)\\s+an?\\s+(?:new\\s+)?(?:${priorityWord}|${ticketNoun}))`, 'i');

/** Recognises ticket creation and updates; undefined when the text is neither. */
export async function entryIntent(turn: Turn, original: string): Promise<IntentResult | undefined> {
  const objectName = ticketObject(turn.workspace);
  if (!objectName) return undefined;
  const definition = turn.workspace.object(objectName);
  const vocabulary = vocabularyOf(definition, turn.workspace.objects);
  if (newTicket.test(original) && !/^\s*(?:\w+\s+){0,3}(?:views?|reports?|objects?|fields?|jobs?)\b/i.test(original.replace(/^(?:please\s+)?(?:new|log|create|open|add|file|raise|record|enter|submit)\s+(?:an?\s+|the\s+)?/i, ''))) return createTicket(turn, original, definition, vocabulary);
  const names = vocabulary.account ? await displayNames(turn.workspace, vocabulary.account.relatedObject!) : [];
  const text = correctTypos(original, workspaceWords(turn.workspace, names)).text.replace(/\s+(?:now|please)\s*([.!]?)$/i, '$1');
  const statusWords = '(resolved|closed|done|fixed|solved|in\\s+progress|waiting\\s+on\\s+(?:the\\s+)?customer|open|reopened)';

  let match = new RegExp(`^(?:please\\s+)?(?:mark|set|move|put)\\s+(.+?)\\s+(?:as\\s+|to\\s+|in\\s+|into\\s+)?${statusWords}\\s*[.!]?$`, 'i').exec(text);
  if (match) return changeStatus(turn, definition, vocabulary, match[1]!, match[2]!);
  match = /^(?:please\s+)?(resolve|close|reopen)\s+(.+?)\s*[.!]?$/i.exec(text);
  if (match) return changeStatus(turn, definition, vocabulary, match[2]!, ({ reopen: 'open', close: 'closed' } as Record<string, string>)[match[1]!.toLowerCase()] ?? 'resolved');
  match = new RegExp(`^(.+?)\\s+(?:is|was|has\\s+been|got|are)\\s+(?:now\\s+)?${statusWords}\\s*[.!]?$`, 'i').exec(text);
  if (match && !/^(?:which|what|how|show|list)\b/i.test(match[1]!)) return changeStatus(turn, definition, vocabulary, match[1]!, match[2]!);
  // "Acme export ticket: resolved".
  match = new RegExp(`^(.+?\\b${ticketNoun})\\s*[:—–-]\\s*(?:now\\s+)?${statusWords}\\s*[.!]?$`, 'i').exec(text);
  if (match && !/^(?:which|what|how|show|list|new|log|create)\b/i.test(match[1]!)) return changeStatus(turn, definition, vocabulary, match[1]!, match[2]!);
  match =
    /^(?:(?:we|i)(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+)?(?:responded|replied|answered|got\s+back|sent\s+(?:a\s+|the\s+)?first\s+response)\s+(?:to\s+|on\s+)?(.+?)\s*[.!]?$/i.exec(text) ??
    /^first\s+response\s+(?:was\s+)?(?:sent\s+|done\s+|given\s+)?(?:on|for|to)\s+(.+?)\s*[.!]?$/i.exec(text);
  if (match) return responded(turn, definition, vocabulary, match[1]!);
  match =
    /^(?:please\s+)?(?:assign|give|hand(?:\s+over)?|route|reassign)\s+(.+?)\s+to\s+(.+?)\s*[.!]?$/i.exec(text) ??
    /^(.+?)\s+(?:is|was|should\s+be)\s+assigned\s+to\s+(.+?)\s*[.!]?$/i.exec(text);
  // "hand the Globex SSO ticket over to Jordan": "over" belongs to the verb.
  if (match) return assign(turn, definition, vocabulary, match[1]!.replace(/\s+over$/i, ''), match[2]!);
  match = /^([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:should|will|can|is\s+going\s+to)\s+(?:take|own|handle|pick\s+up|work\s+on)\s+(.+?)\s*[.!]?$/.exec(text);
  if (match) return assign(turn, definition, vocabulary, match[2]!, match[1]!);
  match =
    /^(?:please\s+)?(?:escalate|bump|send|move|raise|push|promote)\s+(.+?)\s+(?:up\s+)?(?:to|into)\s+(.+?)\s*[.!]?$/i.exec(text) ??
    // "the Globex SSO ticket should go to engineering", "… needs to be escalated to tier 3".
    /^(.+?)\s+(?:should|needs?\s+to|has\s+to|must|can)\s+(?:go|move|be\s+(?:escalated|bumped|sent|moved|raised))\s+(?:up\s+)?(?:to|into)\s+(.+?)\s*[.!]?$/i.exec(text);
  if (match && vocabulary.tier && tierOption(vocabulary, match[2]!)) return escalate(turn, definition, vocabulary, match[1]!, tierOption(vocabulary, match[2]!)!);
  // Priority changes: "make … a P2", "downgrade … to P3", "change … priority to critical".
  const priorityField = vocabulary.options.find((option) => /priority/i.test(option.path))?.field;
  if (priorityField) {
    match =
      new RegExp(`^(?:please\\s+)?make\\s+(.+?)\\s+(?:an?\\s+)?${priorityWord}(?:\\s+priority)?\\s*[.!]?$`, 'i').exec(text) ??
      new RegExp(`^(?:please\\s+)?(?:downgrade|upgrade|lower|raise|bump|drop|move|change|set)\\s+(.+?)(?:'s)?(?:\\s+priority)?\\s+to\\s+(?:an?\\s+)?(${priorityWord})(?:\\s+priority)?\\s*[.!]?$`, 'i').exec(text);
    if (match) {
      const wanted = /\b(p[1-4]|critical|urgent|high|medium|low|sev\s*[1-4]|priority\s+[1-4])\b(?:\s+priority)?\s*[.!]?$/i.exec(text)![1]!;
      const option = vocabulary.options.find((candidate) => candidate.field === priorityField && candidate.phrase === wanted.toLowerCase().replace(/\s+/g, ' '));
      if (option) return setField(turn, definition, match[1]!.replace(/\s+priority$/i, ''), priorityField.name, option.option);
    }
  }
  match = /^(?:please\s+)?(?:set|change|update)\s+(?:the\s+)?(.+?)\s+(?:of|for|on)\s+(.+?)\s+to\s+(.+?)\s*[.!]?$/i.exec(text);
  if (match && findField(definition, match[1]!)) return setField(turn, definition, match[2]!, findField(definition, match[1]!)!.name, optionValue(vocabulary, findField(definition, match[1]!)!.name, match[3]!));
  match = /^(?:please\s+)?(?:set|change|update)\s+(.+?)(?:'s)?\s+([a-z][a-z ]*?)\s+to\s+(.+?)\s*[.!]?$/i.exec(text);
  if (match && findField(definition, match[2]!)) return setField(turn, definition, match[1]!, findField(definition, match[2]!)!.name, optionValue(vocabulary, findField(definition, match[2]!)!.name, match[3]!));
  // A field of an entry of another object, by its name: "set Wayne's contract value to 250k".
  return entryChangeIntent(turn, original, [objectName]);
}

/** "critical" → "P1 - Critical" for an enum field; other values as written. */
function optionValue(vocabulary: Vocabulary, fieldName: string, value: string): string {
  const option = vocabulary.options.find((candidate) => candidate.path === fieldName && candidate.phrase === value.trim().toLowerCase());
  return option?.option ?? value;
}

async function createTicket(turn: Turn, text: string, definition: ObjectDefinition, vocabulary: Vocabulary): Promise<IntentResult> {
  const { workspace } = turn;
  // The title: quoted anywhere, or what follows the first colon (less a priority, assignee or opening time after it).
  const quoted = /["“]([^"”]+)["”]/.exec(text) ?? /(?:^|[\s:])'([^']+)'(?=[\s,.;:!—-]|$)/.exec(text);
  const colon = quoted ? undefined : /:\s*([\s\S]+)$/.exec(text) ?? /\b(?:titled|called|about)\s+([\s\S]+)$/i.exec(text);
  let title = (quoted?.[1] ?? colon?.[1])
    ?.trim()
    .replace(/[.]$/, '')
    .replace(new RegExp(`\\s*(?:[,;(]|\\s[—–-])\\s*(?:priority\\s+)?${priorityWord}(?:\\s+priority)?\\)?\\s*$`, 'i'), '')
    .replace(/,?\s*\b(?:opened|assigned\s+to|assign\s+to|priority)\b[\s\S]*$/i, '')
    .trim();
  const titleSpan = quoted ?? colon;
  const head = titleSpan ? `${text.slice(0, titleSpan.index)} ${text.slice(titleSpan.index + titleSpan[0].length)} ${colon ? (colon[1]!.slice((title ?? '').length)) : ''}` : text;
  const priorityField = vocabulary.options.find((option) => /priority/i.test(option.path))?.field;
  let priority: string | undefined;
  if (priorityField) {
    const phrases = vocabulary.options.filter((option) => option.field === priorityField).sort((a, b) => b.phrase.length - a.phrase.length);
    const found = phrases.find((option) => new RegExp(`(?<![\\w-])${escapeRegExp(option.phrase)}(?![\\w-])`, 'i').test(head));
    priority = found?.option;
  }
  const account = vocabulary.account;
  let customer: string | undefined;
  if (account) {
    const names = (await displayNames(workspace, account.relatedObject!)).sort((a, b) => b.length - a.length);
    const corrected = correctTypos(head, workspaceWords(workspace, names)).text;
    customer =
      names.find((name) => new RegExp(`\\b${escapeRegExp(name)}\\b`, 'i').test(corrected)) ??
      names.find((name) => name.split(/\s+/)[0]!.length >= 4 && new RegExp(`\\b${escapeRegExp(name.split(/\s+/)[0]!)}\\b`, 'i').test(corrected));
    if (!customer) {
      const named = /\b(?:from|for|at|by)\s+([A-Z][\w&.' -]*?)(?=\s*(?:[:,(]|$))/.exec(head);
      if (named) return reply(`There is no ${account.relatedObject} named "${named[1]!.trim()}"; add it first, or check the name (e.g. ${names.slice(0, 3).join(', ')}).`);
    }
  }
  const rebuild = (parts: { priority?: string; customer?: string; title?: string }) =>
    `new ${parts.priority ?? priority ?? ''} ticket${(parts.customer ?? customer) ? ` from ${parts.customer ?? customer}` : ''}: ${parts.title ?? title ?? ''}`;
  if (!title) return { kind: 'ask', question: 'What is the ticket\'s title? (e.g. "Unable to export data")', resume: (answer) => rebuild({ title: answer.trim() }) };
  if (priorityField && !priority) {
    return { kind: 'ask', question: `What priority is it? (${(priorityField.options ?? []).join(', ')})`, resume: (answer) => rebuild({ priority: answer.trim() }) };
  }
  if (account && !customer) {
    return { kind: 'ask', question: `Which ${account.relatedObject === 'company' ? 'customer' : account.relatedObject} is it from?`, resume: (answer) => rebuild({ customer: answer.trim() }) };
  }
  title = title.replace(/^["']|["']$/g, '');
  const values: Record<string, string | number | boolean | null> = {};
  values[definition.displayField] = title;
  if (account && customer) values[account.name] = customer;
  if (priorityField && priority) values[priorityField.name] = priority;
  if (vocabulary.status?.options?.includes('Open')) values[vocabulary.status.name] = 'Open';
  const openedAgo = /\bopened\s+(.+?\bago|at\s+[\d:apm ]+|yesterday[^,.]*)/i.exec(text);
  if (vocabulary.opened) values[vocabulary.opened.name] = openedAgo ? parseDate(openedAgo[1]!.replace(/^at\s+/i, ''), workspace.valueContext(), vocabulary.opened.name).toISOString() : workspace.clock.now().toISOString();
  if (vocabulary.escalatedFlag) values[vocabulary.escalatedFlag.name] = false;
  if (vocabulary.tier?.options?.includes('None')) values[vocabulary.tier.name] = 'None';
  const assignee = /\bassign(?:ed)?\s+to\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)/.exec(text);
  if (assignee && vocabulary.assignee) values[vocabulary.assignee.name] = await personName(workspace, assignee[1]!);
  let companyRow: Row | undefined;
  if (account && customer) {
    const related = workspace.object(account.relatedObject!);
    companyRow = (await findEntries(workspace, related.name, { filter: { field: related.displayField, operator: 'is', value: customer }, limit: 1 }))[0];
    const tierField = findField(definition, 'Account Tier');
    if (tierField && companyRow?.['Account Tier']) values[tierField.name] = String(companyRow['Account Tier']);
  }
  const label = `${priority ? `${priority.split(' - ')[0]} ` : ''}ticket "${title}"${customer ? ` for ${customer}` : ''}`;
  const extras = Object.entries(values).filter(([field]) => field === vocabulary.assignee?.name || (field === vocabulary.opened?.name && openedAgo)).map(([field, value]) => `${field} ${String(value)}`);
  return sayBack(`the ${label}`, `I would log ${label}${extras.length ? ` (${extras.join(', ')})` : ''}.`, async () => {
  const result = await callTool(turn, 'create_entries', { object: definition.name, entries: [values] });
  const created = (result.entries as Row[])[0]!;
  const context: string[] = [];
  if (companyRow) {
    if (companyRow['Account Tier']) context.push(String(companyRow['Account Tier']));
    if (typeof companyRow['Contract Value'] === 'number') context.push(`$${Math.round(Number(companyRow['Contract Value']) / 1000)}k`);
    if (companyRow['Renewal Date'] instanceof Date) context.push(`renews in ${formatDuration((companyRow['Renewal Date'] as Date).getTime() - workspace.clock.now().getTime())}`);
    if (companyRow.Health) context.push(`health ${String(companyRow.Health)}`);
    if (companyRow['Account Owner']) context.push(`owner ${String(companyRow['Account Owner'])}`);
  }
  return reply(`Logged ${label}${context.length ? ` (${context.join(', ')})` : ''}, id ${String(created.id)}. Escalation jobs check it now.`);
  });
}

async function resolveTicket(turn: Turn, definition: ObjectDefinition, reference: string): Promise<Row | IntentResult> {
  const found = await lookUpTicket(turn.workspace, definition.name, reference);
  if (found.kind === 'one') return found.row;
  if (found.kind === 'many') return reply(whichOne(found.rows, definition.name, definition.displayField));
  return reply(`${found.message[0]!.toUpperCase()}${found.message.slice(1)}. Nothing was changed.`);
}

function isIntent(value: Row | IntentResult): value is IntentResult {
  return typeof (value as { kind?: unknown }).kind === 'string' && ['reply', 'ask', 'confirm'].includes(String((value as { kind: unknown }).kind)) && !('id' in value);
}

async function update(turn: Turn, definition: ObjectDefinition, row: Row, values: Record<string, unknown>, done: string): Promise<IntentResult> {
  const label = `"${String(row[definition.displayField])}"${row.Customer ? ` (${String(row.Customer)})` : ''}`;
  const shown = (value: unknown) => (value === null || value === undefined || value === '' ? '(empty)' : value === 'now' ? 'now' : value instanceof Date ? 'set' : String(value));
  const changes = Object.entries(values).filter(([field, value]) => shown(row[field]) !== shown(value));
  if (changes.length === 0) return reply(`${label} already had that; nothing changed.`);
  return sayBack(`the change to ${label}`, `I would change ${label}: ${changes.map(([field, value]) => `${field} ${shown(row[field])} → ${shown(value)}`).join(', ')}.`, () => applyUpdate(turn, definition, row, values, done));
}

async function applyUpdate(turn: Turn, definition: ObjectDefinition, row: Row, values: Record<string, unknown>, done: string): Promise<IntentResult> {
  const result = await callTool(turn, 'update_entries', { object: definition.name, updates: [{ entry: String(row.id), values }] });
  const changed = result.changed as { field: string; from: string | null; to: string | null }[];
  const label = `"${String(row[definition.displayField])}"${row.Customer ? ` (${String(row.Customer)})` : ''}`;
  if (changed.length === 0) return reply(`${label} already had that; nothing changed.`);
  const show = (value: string | null) => (value === null ? '(empty)' : /^\d{4}-\d\d-\d\dT/.test(value) ? 'now' : value);
  return reply(`${done} ${label}: ${changed.map((change) => `${change.field} ${show(change.from)} → ${show(change.to)}`).join(', ')}.`);
}

async function changeStatus(turn: Turn, definition: ObjectDefinition, vocabulary: Vocabulary, reference: string, wanted: string): Promise<IntentResult> {
  if (!vocabulary.status) return reply(`${definition.name} has no Status field.`);
  const row = await resolveTicket(turn, definition, reference);
  if (isIntent(row)) return row;
  const word = wanted.toLowerCase().replace(/\s+/g, ' ');
  const target = /resolv|done|fixed|solved/.test(word) ? 'Resolved' : word === 'closed' ? 'Closed' : /reopen|open/.test(word) ? 'Open' : word.replace(/\bthe\s+/, '');
  const status = matchOption(vocabulary.status, target);
  const values: Record<string, unknown> = { [vocabulary.status.name]: status };
  if (vocabulary.closedOptions.includes(status) && vocabulary.resolved && !row[vocabulary.resolved.name]) values[vocabulary.resolved.name] = 'now';
  if (status === 'Open' && vocabulary.resolved) values[vocabulary.resolved.name] = null;
  return update(turn, definition, row, values, 'Updated');
}

async function responded(turn: Turn, definition: ObjectDefinition, vocabulary: Vocabulary, reference: string): Promise<IntentResult> {
  if (!vocabulary.firstResponse) return reply(`${definition.name} has no first-response date field.`);
  const row = await resolveTicket(turn, definition, reference);
  if (isIntent(row)) return row;
  if (row[vocabulary.firstResponse.name]) return reply(`"${String(row[definition.displayField])}" already has its ${vocabulary.firstResponse.name}; nothing changed.`);
  return update(turn, definition, row, { [vocabulary.firstResponse.name]: 'now' }, 'Recorded the first response on');
}

async function assign(turn: Turn, definition: ObjectDefinition, vocabulary: Vocabulary, reference: string, person: string): Promise<IntentResult> {
  if (!vocabulary.assignee) return reply(`${definition.name} has no assignee field.`);
  const row = await resolveTicket(turn, definition, reference);
  if (isIntent(row)) return row;
  const name = await personName(turn.workspace, person);
  const result = await update(turn, definition, row, { [vocabulary.assignee.name]: name }, 'Assigned');
  if (name === person.trim() && result.kind === 'reply' && !(await isKnownPerson(turn.workspace, name))) {
    return reply(`${result.reply.text} (There is no "${name}" in people; I stored the name as written.)`);
  }
  return result;
}

async function escalate(turn: Turn, definition: ObjectDefinition, vocabulary: Vocabulary, reference: string, tier: string): Promise<IntentResult> {
  const row = await resolveTicket(turn, definition, reference);
  if (isIntent(row)) return row;
  const values: Record<string, unknown> = { [vocabulary.tier!.name]: tier };
  if (vocabulary.status?.options?.includes('Escalated')) values[vocabulary.status.name] = 'Escalated';
  if (vocabulary.escalatedFlag) values[vocabulary.escalatedFlag.name] = true;
  return update(turn, definition, row, values, 'Escalated');
}

async function setField(turn: Turn, definition: ObjectDefinition, reference: string, field: string, value: string): Promise<IntentResult> {
  const row = await resolveTicket(turn, definition, reference);
  if (isIntent(row)) return row;
  return update(turn, definition, row, { [field]: value.replace(/^["']|["']$/g, '') }, 'Updated');
}

/** "Priya" → "Priya Patel" when exactly one person in the people object (or workspace.yaml) starts so. */
async function personName(workspace: Workspace, given: string): Promise<string> {
  const wanted = given.trim().replace(/[.!]$/, '');
  const names = [...new Set([...(workspace.objects.has('people') ? await displayNames(workspace, 'people') : []), ...workspace.config.people.map((person) => person.name)])];
  const exact = names.find((name) => name.toLowerCase() === wanted.toLowerCase());
  if (exact) return exact;
  let starts = names.filter((name) => name.toLowerCase().startsWith(`${wanted.toLowerCase()} `));
  // Tickets go to the team (workspace.yaml people), not to a customer's contact of the same first name.
  const team = starts.filter((name) => workspace.config.people.some((person) => person.name === name));
  if (starts.length > 1 && team.length === 1) starts = team;
  if (starts.length > 1) throw new EscalatorError(`"${wanted}" could be ${starts.join(' or ')}; say the full name`);
  return starts.length === 1 ? starts[0]! : wanted;
}

async function isKnownPerson(workspace: Workspace, name: string): Promise<boolean> {
  const names = workspace.objects.has('people') ? await displayNames(workspace, 'people') : [];
  return names.some((candidate) => candidate.toLowerCase() === name.toLowerCase()) || workspace.config.people.some((person) => person.name.toLowerCase() === name.toLowerCase());
}

