// Offline: questions about accounts by their tickets — "Show me all Enterprise accounts that had more than 2
// escalated tickets in Q1 and their current health tier" — as one grouped SQL query over the typed tables.
import type { Condition } from '../../objects/filter';
import { compileFilter, parsePeriod, SqlParameters } from '../../objects/filter-compiler';
import { findField, quoteIdentifier, tableName, type FieldDefinition } from '../../objects/object-schema';
import { formatTime } from '../../objects/values';
import { parseConditions } from './conditions';
import { ticketObject } from './ticket-lookup';
import { reply, type IntentResult, type Turn } from './turn';
import { optionPhrases, vocabularyOf } from './vocabulary';
import { countPattern, countValue } from './words';

const nouns = '(?:accounts?|customers?|companies|clients?|logos?)';
const question = new RegExp(
  `^(?:please\\s+)?(?:show\\s+(?:me\\s+)?|list\\s+|find\\s+|which\\s+|what\\s+|give\\s+me\\s+|get\\s+)?(?:all\\s+|the\\s+)?([\\s\\S]*?)\\b${nouns}\\s+(?:that\\s+|which\\s+|who\\s+)?(?:had|have|has|with|having|got|saw|logged|raised)\\s+(more\\s+than|over|at\\s+least|fewer\\s+than|less\\s+than|under|at\\s+most|no\\s+more\\s+than|exactly|>=|<=|>|<)\\s+(${countPattern})\\s+([\\s\\S]*?)\\b(tickets?|escalations?|issues?|cases?)\\b([\\s\\S]*)$`,
  'i',
);

/** "3 or more" → "at least 3", "2 or fewer" → "at most 2", "3+" → "at least 3". */
function countsInWords(text: string): string {
  return text
    .replace(new RegExp(`\\b(${countPattern})\\s+or\\s+(?:more|above|over|higher)\\b`, 'gi'), 'at least $1')
    .replace(new RegExp(`\\b(${countPattern})\\s+or\\s+(?:fewer|less|under|below)\\b`, 'gi'), 'at most $1')
    .replace(/\b(\d+)\+(?=\s)/g, 'at least $1');
}

export function looksLikeAccountsQuestion(text: string): boolean {
  return question.test(countsInWords(text));
}

export async function accountsQuestion(turn: Turn, text: string): Promise<IntentResult> {
  const { workspace } = turn;
  text = text.replace(/\b(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\b/i, (_, which: string) => `Q${{ first: 1, second: 2, third: 3, fourth: 4, '1st': 1, '2nd': 2, '3rd': 3, '4th': 4 }[which.toLowerCase()]}`);
  text = countsInWords(text);
  const match = question.exec(text)!;
  const objectName = ticketObject(workspace);
  if (!objectName) return reply('There is no ticket object to count.');
  const tickets = workspace.object(objectName);
  const vocabulary = vocabularyOf(tickets, workspace.objects);
  const account = vocabulary.account;
  const company = account ? workspace.objects.get(account.relatedObject ?? '') : undefined;
  if (!account || !company) return reply(`${objectName} has no relation to an account object.`);

  const conditions: Condition[] = [];
  const leftovers: string[] = [];
  // "Enterprise" (before "accounts") → Customer.Account Tier is Enterprise.
  for (const word of match[1]!.trim().split(/\s+/).filter(Boolean)) {
    const option = company.fields.flatMap((field) => (field.type === 'enum' ? (field.options ?? []).map((value) => ({ field, value })) : [])).find(({ value }) => optionPhrases(value).includes(word.toLowerCase()));
    if (option) conditions.push({ field: `${account.name}.${option.field.name}`, operator: 'is', value: option.value });
    else if (!/^(all|the|my|our|of)$/i.test(word)) leftovers.push(word);
  }
  const operator = match[2]!.toLowerCase().replace(/\s+/g, ' ');
  const count = countValue(match[3]!);
  const sqlOperator = ({ 'more than': '>', over: '>', '>': '>', 'at least': '>=', '>=': '>=', 'fewer than': '<', 'less than': '<', under: '<', '<': '<', 'at most': '<=', 'no more than': '<=', '<=': '<=', exactly: '=' } as Record<string, string>)[operator]!;
  const qualifier = `${match[4]!} ${/^escalation/i.test(match[5]!) ? 'escalated' : ''}`;
  let tail = match[6]!;
  const extras: FieldDefinition[] = [];
  const wants = /\b(?:and|with|including|plus|showing)\s+(?:their|its|the)?\s*(?:current\s+)?([\s\S]+)$/i.exec(tail);
  if (wants) {
    for (const part of wants[1]!.split(/\s*,\s*|\s+and\s+/)) {
      const phrase = part.replace(/^(?:their|its|the|current)\s+/gi, '').replace(/[?.!]$/, '').trim().toLowerCase();
      if (!phrase) continue;
      const field = findField(company, phrase) ?? company.fields.find((candidate) => phrase.includes(candidate.name.toLowerCase()));
      if (field && field.type !== 'action') extras.push(field);
      else leftovers.push(part.trim());
    }
    tail = tail.slice(0, wants.index);
  }
  const parsed = parseConditions(`${qualifier} ${tail}`, vocabulary, { now: workspace.clock.now(), timeZone: workspace.timeZone });
  conditions.push(...parsed.conditions);
  leftovers.push(...parsed.leftovers);
  if (leftovers.length) {
    return reply(`I did not understand ${leftovers.map((word) => `"${word}"`).join(', ')} in that question, so I did not run it. Ask like: "Show me all Enterprise accounts that had more than 2 escalated tickets in Q1 and their current health tier".`);
  }
  if (count === undefined) return reply(`"${match[3]}" is not a number.`);
  const parameters = new SqlParameters();
  // "escalated … in Q1" means escalations that happened in Q1 (v_escalations, from the field history), not tickets
  // opened in Q1 that are escalated now.
  const period = conditions.find((condition) => condition.operator === 'on' && condition.field === vocabulary.opened?.name);
  const escalatedAt = period ? conditions.findIndex((condition) => isEscalatedCondition(condition, vocabulary)) : -1;
  const range = period && escalatedAt >= 0 ? parsePeriod(period.value, { now: workspace.clock.now(), timeZone: workspace.timeZone }) : undefined;
  let history = '';
  if (range) {
    conditions.splice(escalatedAt, 1);
    conditions.splice(conditions.indexOf(period!), 1);
    history = ` AND e.id IN (SELECT entry_id FROM v_escalations WHERE object = ${parameters.add(tickets.name)} AND escalated_at >= ${parameters.time(range[0])} AND escalated_at < ${parameters.time(range[1])})`;
  }
  const compiled = compileFilter(tickets, { all: conditions }, workspace.compileContext(), parameters);
  const nameField = findField(company, company.displayField)!;
  const columns = extras.filter((field) => field !== nameField).map((field) => `c.${quoteIdentifier(field.column)} AS ${quoteIdentifier(field.name)}`);
  const rows = await workspace.db.query(
    `SELECT c.${quoteIdentifier(nameField.column)} AS name, ${columns.length ? `${columns.join(', ')}, ` : ''}t.n AS tickets
     FROM (SELECT e.${quoteIdentifier(account.column)} AS company_id, count(*)::INTEGER AS n FROM ${tableName(tickets.name)} AS e ${compiled.joins.join(' ')}
           WHERE ${compiled.where}${history} AND e.${quoteIdentifier(account.column)} IS NOT NULL GROUP BY 1 HAVING count(*) ${sqlOperator} ${parameters.add(count)}) AS t
     JOIN ${tableName(company.name)} AS c ON c.id = t.company_id ORDER BY t.n DESC, name`,
    parameters.values,
  );
  const described = `${match[1]!.trim() ? `${match[1]!.trim()} ` : ''}${company.name === 'company' ? 'accounts' : company.name} with ${operator} ${count} ${match[4]!.trim() ? `${match[4]!.trim()} ` : ''}${match[5]!.toLowerCase()}${period ? ` in ${String(period.value)}` : ''}${range ? ' (escalated then)' : ''}`;
  if (rows.length === 0) return reply(`No ${described}.`);
  const lines = rows.map((row) => {
    const extra = extras.filter((field) => field !== nameField).map((field) => `${field.name} ${show(row[field.name], workspace.timeZone)}`);
    return `- ${String(row.name)}: ${String(row.tickets)} ${match[5]!.toLowerCase().replace(/s$/, '')}${Number(row.tickets) === 1 ? '' : 's'}${extra.length ? `, ${extra.join(', ')}` : ''}`;
  });
  return reply(`${rows.length} ${described}:\n${lines.join('\n')}`);
}

/** The condition the reader writes for "escalated": the Escalated flag, a tier above None, or Status Escalated. */
function isEscalatedCondition(condition: Condition, vocabulary: ReturnType<typeof vocabularyOf>): boolean {
  if (vocabulary.escalatedFlag && condition.field === vocabulary.escalatedFlag.name) return condition.operator === 'is_true';
  if (vocabulary.tier && condition.field === vocabulary.tier.name) return condition.operator === 'is_any_of';
  return condition.field === vocabulary.status?.name && condition.operator === 'is' && condition.value === 'Escalated';
}

function show(value: unknown, timeZone: string): string {
  if (value === null || value === undefined) return '—';
  if (value instanceof Date) return formatTime(value, timeZone).slice(0, 10);
  if (typeof value === 'number') return value >= 1000 ? `$${Math.round(value / 1000)}k` : String(value);
  return String(value);
}

