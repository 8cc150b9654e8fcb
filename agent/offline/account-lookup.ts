// Offline: questions about one account — "who's the AE on Globex?", "when does Wayne Analytics renew?", "how healthy
// is Bluth Foods" — read by parts: the account's name (typos forgiven) and the field the question words point at.
import { findEntries } from '../../objects/entries';
import type { FieldDefinition } from '../../objects/object-schema';
import { formatTime } from '../../objects/values';
import { readDocument } from '../../objects/documents';
import type { Condition } from '../../objects/filter';
import { ticketObject } from './ticket-lookup';
import { vocabularyOf } from './vocabulary';
import { displayNames } from './entities';
import { correctTypos, workspaceWords } from './parts/typos';
import { reply, type IntentResult, type Turn } from './turn';
import { escapeRegExp } from './words';

/** Question words → the field they ask about, by the field's name. */
const asks: [RegExp, RegExp][] = [
  [/\b(?:ae|account\s+exec(?:utive)?)\b/i, /account executive/i],
  [/\bbackup(?:\s+owner)?\b/i, /backup owner/i],
  [/\b(?:owner|owns|account\s+manager|csm)\b/i, /^(?:account\s+)?owner$/i],
  [/\brenew(?:s|al|ing)?\b/i, /renewal/i],
  [/\bhealth(?:y)?\b/i, /^health/i],
  [/\b(?:contract\s+value|worth|arr|acv|pay|value)\b/i, /contract value|value/i],
  [/\b(?:tier|plan|segment)\b/i, /tier/i],
  [/\b(?:domain|website)\b/i, /domain/i],
];

/** Words that ask what we know about an account as a whole: "what's going on with Globex?", "tell me about Umbrella". */
const summaryWords =
  /^\s*(?:what(?:'s|\s+is)\s+(?:going\s+on|happening|up|new|the\s+(?:story|status|situation|deal|latest|scoop))\s+(?:with|at|on|for)\b|tell\s+me\s+(?:about|everything\s+about|more\s+about)\b|what\s+do\s+(?:we|you|i)\s+know\s+about\b|anything\s+(?:i|we)\s+should\s+know\s+about\b|(?:give\s+me\s+)?(?:an?\s+)?(?:overview|summary|rundown|run-down|brief(?:ing)?|update|status|snapshot)\s+(?:of|on|for)\b|summari[sz]e\b|brief\s+me\s+on\b|catch\s+me\s+up\s+on\b|where\s+are\s+we\s+with\b|how(?:'s|\s+is|\s+are)\s+(?:things\s+(?:with|at)\s+)?[\w&.' -]+?\s+doing\b|how\s+are\s+things\s+(?:with|at|going\s+(?:with|at))\b|how(?:'s|\s+is)\s+(?:it|everything)\s+going\s+(?:with|at)\b|(?:account\s+)?(?:overview|summary|360)\b)/i;

/**
 * What we know about one account: its fields (owner, backup owner, executive, contract value, health, renewal, tier),
 * its open tickets, its escalations of the last 90 days (v_escalations) and whether it has a document.
 */
async function accountSummary(turn: Turn, name: string): Promise<IntentResult> {
  const { workspace } = turn;
  const company = workspace.objects.get('company')!;
  const [row] = await findEntries(workspace, company.name, { filter: { field: company.displayField, operator: 'is', value: name }, limit: 1 });
  if (!row) return reply(`There is no ${company.name} "${name}".`);
  const shown = (field: FieldDefinition, value: unknown) =>
    value instanceof Date ? formatTime(value, workspace.timeZone).slice(0, 10) : typeof value === 'number' && /value|arr|amount/i.test(field.name) ? `$${value >= 1000 ? `${Math.round(value / 1000)}k` : value}` : String(value);
  const facts = company.fields.filter((field) => field.name !== company.displayField && field.type !== 'action' && row[field.name] !== null && row[field.name] !== undefined && row[field.name] !== '').map((field) => `${field.name}: ${shown(field, row[field.name])}`);
  const lines = [`${name} — ${facts.join('; ')}`];
  const objectName = ticketObject(workspace);
  if (objectName) {
    const tickets = workspace.object(objectName);
    const vocabulary = vocabularyOf(tickets, workspace.objects);
    if (vocabulary.account?.relatedObject === company.name) {
      const conditions: Condition[] = [{ field: vocabulary.account.name, operator: 'is', value: name }];
      if (vocabulary.status && vocabulary.closedOptions.length) conditions.push({ field: vocabulary.status.name, operator: 'is_none_of', value: vocabulary.closedOptions });
      const priority = tickets.fields.find((field) => field.type === 'enum' && /priority|severity/i.test(field.name));
      const open = await findEntries(workspace, objectName, { filter: { all: conditions }, limit: 10, ...(vocabulary.opened ? { sort: [{ field: vocabulary.opened.name, direction: 'desc' as const }] } : {}) });
      lines.push(
        open.length
          ? `Open ${objectName.replace(/_/g, ' ')} (${open.length}${open.length === 10 ? '+' : ''}):\n${open.map((ticket) => `- ${String(ticket[tickets.displayField])}${priority && ticket[priority.name] ? ` · ${String(ticket[priority.name]).split(' - ')[0]}` : ''}${vocabulary.status ? ` · ${String(ticket[vocabulary.status.name])}` : ''}${vocabulary.tier && ticket[vocabulary.tier.name] && ticket[vocabulary.tier.name] !== 'None' ? ` · ${String(ticket[vocabulary.tier.name])}` : ''}${vocabulary.assignee && ticket[vocabulary.assignee.name] ? ` → ${String(ticket[vocabulary.assignee.name])}` : ' · unassigned'}`).join('\n')}`
          : `No open ${objectName.replace(/_/g, ' ')}.`,
      );
      const since = new Date(workspace.clock.now().getTime() - 90 * 86_400_000);
      const escalations = await workspace.db.query<{ count: bigint | number }>(`SELECT count(*) AS count FROM v_escalations WHERE customer = $1 AND escalated_at >= $2::TIMESTAMPTZ`, [name, since]).catch(() => [{ count: 0 }]);
      lines.push(`Escalations in the last 90 days: ${Number(escalations[0]?.count ?? 0)}.`);
    }
  }
  if (readDocument(workspace, company.name, String(row.id))) lines.push(`It has a document (say "show ${name}'s document").`);
  return reply(lines.join('\n'));
}

/** Answers a question about one account's field, or undefined when the text is not one. */
export async function accountLookup(turn: Turn, text: string): Promise<IntentResult | undefined> {
  const { workspace } = turn;
  const summary = summaryWords.test(text);
  if ((!/^\s*(?:who|what|when|how|which|whats|what's|who's|tell\s+me)\b/i.test(text) && !summary) || (!summary && /\btickets?\b|\bescalat|\bjobs?\b|\bhow\s+many\b/i.test(text))) return undefined;
  const company = workspace.objects.get('company');
  if (!company) return undefined;
  const names = (await displayNames(workspace, company.name)).sort((a, b) => b.length - a.length);
  const corrected = correctTypos(text, workspaceWords(workspace, names)).text;
  const name =
    names.find((candidate) => new RegExp(`\\b${escapeRegExp(candidate)}\\b`, 'i').test(corrected)) ??
    names.find((candidate) => candidate.split(/\s+/)[0]!.length >= 4 && new RegExp(`\\b${escapeRegExp(candidate.split(/\s+/)[0]!)}\\b`, 'i').test(corrected));
  if (!name) return undefined;
  const byName = company.fields.find((field) => field.type !== 'action' && new RegExp(`\\b${escapeRegExp(field.name)}\\b`, 'i').test(corrected) && field.name !== company.displayField);
  let field: FieldDefinition | undefined = byName;
  for (const [words, fieldName] of asks) {
    if (field) break;
    if (words.test(corrected.replace(new RegExp(escapeRegExp(name), 'i'), ' '))) field = company.fields.find((candidate) => fieldName.test(candidate.name));
  }
  if (!field) return summaryWords.test(corrected) ? accountSummary(turn, name) : undefined;
  const [row] = await findEntries(workspace, company.name, { filter: { field: company.displayField, operator: 'is', value: name }, limit: 1 });
  if (!row) return undefined;
  const value = row[field.name];
  const shown =
    value === null || value === undefined ? '(not set)'
    : value instanceof Date ? formatTime(value, workspace.timeZone).slice(0, 10)
    : typeof value === 'number' && /value|arr|amount/i.test(field.name) ? `$${value >= 1000 ? `${Math.round(value / 1000)}k` : value}`
    : String(value);
  return reply(`${name}: ${field.name} ${shown}.`);
}
