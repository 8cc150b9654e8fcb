// Offline: post-escalation reviews (the seed's Step 7). "Log a post-escalation review for Acme Corp's export issue:
// root cause was … Resolved by … Prevention: … Follow-up: …" goes into the ticket's document and the company's.
import { quoteIdentifier, tableName } from '../../objects/object-schema';
import { formatTime } from '../../objects/values';
import { lookUpTicket, ticketObject, whichOne } from './ticket-lookup';
import { callTool, reply, type IntentResult, type Turn } from './turn';
import { vocabularyOf } from './vocabulary';

const trigger = /\b(?:log|write|record|add|document|file|save|create|capture|note)\b[\s\S]*?\b(?:post[- ]?(?:escalation|incident|mortem)\s*(?:review|report|write-?up|notes?)?|postmortem|incident\s+review|escalation\s+review|retro(?:spective)?|rca|root[- ]cause\s+(?:analysis|review))\b/i;

export function looksLikeReview(text: string): boolean {
  return trigger.test(text) && !/\bfields?\b/i.test(text.split(/[:\n]/)[0]!);
}

const sections: [string, RegExp][] = [
  ['Root cause', /^(?:the\s+)?(?:root\s+cause|cause|caused\s+by|rca)\b\s*(?:was|is|:|-)?\s*/i],
  ['Resolution', /^(?:resolved|fixed|mitigated|solved)\s+by\s+|^(?:the\s+)?(?:resolution|fix|remediation|mitigation)\b\s*(?:was|is|:|-)?\s*/i],
  ['Prevention', /^(?:prevention|to\s+prevent\s+(?:it|this|recurrence)|preventive\s+actions?|going\s+forward)\b\s*(?:was|is|:|-)?\s*/i],
  ['Follow-up', /^(?:follow[- ]?ups?|next\s+steps?|action\s+items?|to[- ]?dos?)\b\s*(?:was|is|:|-)?\s*/i],
  ['Impact', /^(?:the\s+)?impact\b\s*(?:was|is|:|-)?\s*/i],
];

export async function reviewIntent(turn: Turn, text: string): Promise<IntentResult> {
  const objectName = ticketObject(turn.workspace);
  if (!objectName) return reply('There is no ticket object to attach a review to.');
  const definition = turn.workspace.object(objectName);
  const colon = text.indexOf(':');
  if (colon < 0 || text.slice(colon + 1).trim().length < 10) {
    return { kind: 'ask', question: 'What happened? Give the root cause, how it was resolved, prevention and follow-up, e.g. "…: root cause was … Resolved by … Prevention: … Follow-up: …"', resume: (answer) => `${text.replace(/[.:]\s*$/, '')}: ${answer}` };
  }
  const head = text.slice(0, colon);
  const body = text.slice(colon + 1).trim();
  const target = /\b(?:for|on|about|of)\s+(?:the\s+)?([\s\S]+?)\s*$/i.exec(head.replace(trigger, (match) => match.replace(/\b(?:for|on|about)\b/gi, ' ')));
  if (!target) return { kind: 'ask', question: 'Which ticket is the review for? (e.g. "Acme Corp\'s export issue" or its id)', resume: (answer) => `${head} for ${answer}:${body}` };
  const found = await lookUpTicket(turn.workspace, objectName, target[1]!.replace(/\b(?:issue|ticket|incident|escalation|outage|problem)\b\s*$/i, ''));
  if (found.kind === 'many') return reply(whichOne(found.rows, objectName, definition.displayField));
  if (found.kind === 'none') return reply(`${found.message}; nothing was written. Name the ticket by its title or id.`);
  const ticket = found.row;
  const parts = new Map<string, string[]>();
  for (const sentence of body.split(/(?<=[.!?])\s+(?=[A-Z])|\n+/).map((part) => part.trim()).filter(Boolean)) {
    const section = sections.find(([, pattern]) => pattern.test(sentence));
    const name = section?.[0] ?? 'Notes';
    const textOnly = section ? sentence.replace(section[1], '') : sentence;
    const cleaned = textOnly.charAt(0).toUpperCase() + textOnly.slice(1);
    parts.set(name, [...(parts.get(name) ?? []), cleaned]);
  }
  const now = turn.workspace.clock.now();
  const title = String(ticket[definition.displayField]);
  const heading = `## Post-escalation review — ${formatTime(now, turn.workspace.timeZone)}`;
  const summary = `Ticket: ${title}${ticket.Priority ? ` (${String(ticket.Priority)})` : ''}, id ${String(ticket.id)}${ticket['Escalation Tier'] && ticket['Escalation Tier'] !== 'None' ? `, ${String(ticket['Escalation Tier'])}` : ''}`;
  const order = ['Impact', 'Root cause', 'Resolution', 'Prevention', 'Follow-up', 'Notes'];
  const lines = [heading, '', summary, ''];
  for (const name of order) {
    const items = parts.get(name);
    if (items) lines.push(`**${name}:** ${items.join(' ')}`, '');
  }
  const markdown = lines.join('\n').trimEnd();
  const written = [await callTool(turn, 'write_document', { object: objectName, entry: String(ticket.id), markdown, append: true })];
  const vocabulary = vocabularyOf(definition, turn.workspace.objects);
  const account = vocabulary.account;
  const customer = account ? (await turn.workspace.db.query<{ id: string | null }>(`SELECT ${quoteIdentifier(account.column)} AS id FROM ${tableName(objectName)} WHERE id = $1`, [String(ticket.id)]))[0]?.id : null;
  if (account && customer) {
    written.push(await callTool(turn, 'write_document', { object: account.relatedObject, entry: customer, markdown: markdown.replace(heading, `${heading} (${title})`), append: true }));
  }
  const found2 = [...parts.keys()].filter((name) => name !== 'Notes');
  return reply(
    `Logged the review of "${title}"${ticket.Customer ? ` (${String(ticket.Customer)})` : ''} in ${written.map((file) => String(file.file)).join(' and ')}${found2.length ? ` with ${found2.join(', ').toLowerCase()}` : ''}.`,
  );
}
