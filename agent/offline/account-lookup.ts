// Offline: questions about one account — "who's the AE on Globex?", "when does Wayne Analytics renew?", "how healthy
// is Bluth Foods" — read by parts: the account's name (typos forgiven) and the field the question words point at.
import { findEntries } from '../../objects/entries';
import type { FieldDefinition } from '../../objects/object-schema';
import { formatTime } from '../../objects/values';
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

/** Answers a question about one account's field, or undefined when the text is not one. */
export async function accountLookup(turn: Turn, text: string): Promise<IntentResult | undefined> {
  const { workspace } = turn;
  if (!/^\s*(?:who|what|when|how|which|whats|what's|who's|tell\s+me)\b/i.test(text) || /\btickets?\b|\bescalat|\bjobs?\b|\bhow\s+many\b/i.test(text)) return undefined;
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
  if (!field) return undefined;
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
