// Offline: a change to one entry of any object, read by parts — "set Wayne's contract value to 250k", "change the
// health of Acme to Red", "Hooli Retail contract value is now 1.2m", "set Jordan Lee's role to Support Lead": an entry
// by its display name (typos forgiven, a first word of four letters or more is enough), a field of its object by name,
// and the value after "to" / "is now". Said back as a diff; update_entries parses the value ("250k", "$80,000", an
// option in any case) on "yes".
import type { Row } from '../../objects/database';
import { findEntries } from '../../objects/entries';
import type { FieldDefinition, ObjectDefinition } from '../../objects/object-schema';
import { matchOption, parseNumber } from '../../objects/values';
import { errorMessage } from '../../objects/errors';
import { displayNames } from './entities';
import { correctTypos, workspaceWords } from './parts/typos';
import { callTool, reply, sayBack, type IntentResult, type Turn } from './turn';
import { escapeRegExp } from './words';

const verbForm = /^(?:please\s+|pls\s+|can\s+you\s+|could\s+you\s+)?(?:set|change|update|make|put|bump|raise|lower|move|correct|fix)\s+([\s\S]+?)\s+(?:to|=)\s+([\s\S]+?)\s*[.!]?$/i;
const isForm = /^([\s\S]+?)\s+(?:is\s+now|should\s+be|is\s+actually|has\s+changed\s+to|changed\s+to|now\s+is|=)\s+([\s\S]+?)\s*[.!]?$/i;

/** Field words beyond the field's own name ("AE" for Account Executive, "owner" for Account Owner). */
const synonyms: [RegExp, RegExp][] = [
  [/\b(?:ae|account\s+exec)\b/i, /account executive/i],
  [/\bbackup\b/i, /backup owner/i],
  [/\b(?:owner|csm|account\s+manager)\b/i, /^(?:account\s+)?owner$/i],
  [/\brenewal\b|\brenews?\b/i, /renewal/i],
  [/\bhealth\b/i, /^health/i],
  [/\b(?:arr|acv|contract|value)\b/i, /contract value/i],
  [/\b(?:tier|plan|segment)\b/i, /tier/i],
];

/** Reads a change to one entry of an object other than the ticket object's own patterns; undefined when it is not one. */
export async function entryChangeIntent(turn: Turn, text: string, skip: string[] = []): Promise<IntentResult | undefined> {
  const match = verbForm.exec(text) ?? isForm.exec(text);
  if (!match) return undefined;
  const target = match[1]!;
  const value = match[2]!.replace(/^["'“]|["'”]$/g, '').trim();
  if (!value) return undefined;
  for (const definition of turn.workspace.objects.values()) {
    if (skip.includes(definition.name)) continue;
    const found = await entryAndField(turn, definition, target);
    if (!found) continue;
    const { row, field } = found;
    if (field.type === 'action' || field.name === 'id') return reply(`${field.name} on ${definition.name} cannot be set.`);
    let shownValue = value;
    if (field.type === 'number') {
      try {
        shownValue = String(parseNumber(value, field.name));
      } catch (error) {
        return reply(`${errorMessage(error)}. Nothing was changed.`);
      }
    }
    if (field.type === 'enum') {
      try {
        shownValue = matchOption(field, value);
      } catch {
        return reply(`${field.name} has no option "${value}" (options: ${(field.options ?? []).join(', ')}). Nothing was changed.`);
      }
    }
    const label = `${definition.name.replace(/_/g, ' ')} "${String(row[definition.displayField])}"`;
    const before = row[field.name] === null || row[field.name] === undefined ? '(empty)' : row[field.name] instanceof Date ? (row[field.name] as Date).toISOString().slice(0, 10) : String(row[field.name]);
    if (before.toLowerCase() === shownValue.toLowerCase()) return reply(`${label} already has ${field.name} ${before}; nothing changed.`);
    return sayBack(`the change to ${label}`, `I would change ${label}: ${field.name} ${before} → ${shownValue}.`, async () => {
      const result = await callTool(turn, 'update_entries', { object: definition.name, updates: [{ entry: String(row.id), values: { [field.name]: shownValue } }] });
      const changed = result.changed as { field: string; from: string | null; to: string | null }[];
      if (changed.length === 0) return reply(`${label} already had that; nothing changed.`);
      return reply(`Updated ${label}: ${changed.map((change) => `${change.field} ${change.from ?? '(empty)'} → ${change.to ?? '(empty)'}`).join(', ')}.`);
    });
  }
  return undefined;
}

/** The entry named in `target` and the field of its object the rest of `target` names. */
async function entryAndField(turn: Turn, definition: ObjectDefinition, target: string): Promise<{ row: Row; field: FieldDefinition } | undefined> {
  const names = (await displayNames(turn.workspace, definition.name)).sort((a, b) => b.length - a.length);
  if (names.length === 0) return undefined;
  const corrected = correctTypos(target, workspaceWords(turn.workspace, names)).text;
  let name: string | undefined;
  let rest = corrected;
  for (const candidate of names) {
    const full = new RegExp(`\\b${escapeRegExp(candidate)}(?:'s|’s)?(?![\\w])`, 'i').exec(corrected);
    const first = candidate.split(/\s+/)[0]!;
    const short = first.length >= 4 && candidate.includes(' ') ? new RegExp(`\\b${escapeRegExp(first)}(?:'s|’s)?(?![\\w])`, 'i').exec(corrected) : null;
    const hit = full ?? short;
    if (!hit) continue;
    // A first word shared by several entries ("Acme Corp", "Acme Labs") is no name.
    if (!full && names.filter((other) => other.split(/\s+/)[0]!.toLowerCase() === first.toLowerCase()).length > 1) continue;
    name = candidate;
    rest = corrected.slice(0, hit.index) + ' ' + corrected.slice(hit.index + hit[0].length);
    break;
  }
  if (!name) return undefined;
  const fields = definition.fields.filter((field) => field.name !== definition.displayField).sort((a, b) => b.name.length - a.name.length);
  const field =
    fields.find((candidate) => new RegExp(`\\b${escapeRegExp(candidate.name)}\\b`, 'i').test(rest)) ??
    synonyms.map(([words, fieldName]) => (words.test(rest) ? fields.find((candidate) => fieldName.test(candidate.name)) : undefined)).find(Boolean);
  if (!field) return undefined;
  // What is left besides the name and field is filler ("the", "of", "for"); anything else is not this kind of change.
  const left = rest.replace(new RegExp(`\\b${escapeRegExp(field.name)}\\b`, 'i'), ' ').replace(/\b(?:the|of|for|on|at|'s|s|its|their|field|value)\b/gi, ' ').trim();
  if (left.split(/\s+/).filter(Boolean).length > 2) return undefined;
  const [row] = await findEntries(turn.workspace, definition.name, { filter: { field: definition.displayField, operator: 'is', value: name }, limit: 1 });
  return row ? { row, field } : undefined;
}
