// What the offline brain knows about one object, read from its definition: which words name which enum options
// (own and one hop through a relation), and which fields play the roles escalation talk refers to (opened, first
// response, resolved, status, escalation tier, assignee).
import type { FieldDefinition, ObjectDefinition, ObjectRegistry } from '../../objects/object-schema';
import { optionCode } from '../../objects/values';

export interface OptionPhrase {
  phrase: string;
  /** The field's path from the object: "Priority", or "Customer.Account Tier". */
  path: string;
  field: FieldDefinition;
  option: string;
}

export interface FieldPhrase {
  phrase: string;
  path: string;
  field: FieldDefinition;
}

export interface Vocabulary {
  definition: ObjectDefinition;
  objects: ObjectRegistry;
  /** Own enum options, longest phrase first ("open" and "escalated" are read by their own rules). */
  options: OptionPhrase[];
  /** Enum options of related objects ("Enterprise" → Customer.Account Tier), longest first. */
  relatedOptions: OptionPhrase[];
  /** Field names, own and one hop ("contract value" → Customer.Contract Value), longest first. */
  fields: FieldPhrase[];
  opened?: FieldDefinition;
  firstResponse?: FieldDefinition;
  resolved?: FieldDefinition;
  status?: FieldDefinition;
  closedOptions: string[];
  escalatedFlag?: FieldDefinition;
  tier?: FieldDefinition;
  assignee?: FieldDefinition;
  /** The relation to the account (company) the ticket belongs to. */
  account?: FieldDefinition;
}

const cache = new WeakMap<ObjectDefinition, Vocabulary>();

/** Words for one option: its full text, its code ("p1", "tier 2") and its label ("critical", "engineering"). */
export function optionPhrases(option: string): string[] {
  const full = option.toLowerCase();
  const phrases = new Set([full]);
  const parts = option.split(/\s+[-–—:]\s+/);
  if (parts.length > 1) {
    phrases.add(optionCode(option));
    phrases.add(parts.slice(1).join(' - ').toLowerCase());
  }
  return [...phrases].filter((phrase) => phrase.length > 1);
}

/** Words for an option by its rank on a priority or severity field: "priority 1", "sev 1", and "urgent" for the first. */
function rankPhrases(field: FieldDefinition, option: string): string[] {
  if (!/priority|severity|sev\b|urgency/i.test(field.name)) return [];
  const rank = (field.options ?? []).filter((candidate) => !/^none$/i.test(candidate)).indexOf(option) + 1;
  if (rank < 1) return [];
  const phrases = [`priority ${rank}`, `sev ${rank}`, `sev${rank}`, `severity ${rank}`];
  if (rank === 1 && !(field.options ?? []).some((candidate) => /urgent/i.test(candidate))) phrases.push('urgent', 'highest priority');
  return phrases.filter((phrase) => !optionPhrases(option).includes(phrase));
}

function byLength<T extends { phrase: string }>(items: T[]): T[] {
  return items.sort((a, b) => b.phrase.length - a.phrase.length);
}

function find(definition: ObjectDefinition, type: FieldDefinition['type'], pattern: RegExp): FieldDefinition | undefined {
  return definition.fields.find((field) => field.type === type && pattern.test(field.name));
}

/** The vocabulary of `definition` (cached per definition). */
export function vocabularyOf(definition: ObjectDefinition, objects: ObjectRegistry): Vocabulary {
  const cached = cache.get(definition);
  if (cached && cached.objects === objects) return cached;
  const options: OptionPhrase[] = [];
  const relatedOptions: OptionPhrase[] = [];
  const fields: FieldPhrase[] = [];
  for (const field of definition.fields) {
    fields.push({ phrase: field.name.toLowerCase(), path: field.name, field });
    if (field.type === 'enum') {
      for (const option of field.options ?? []) {
        if (/^none$/i.test(option)) continue;
        for (const phrase of optionPhrases(option)) {
          if (phrase === 'open' || phrase === 'escalated') continue;
          options.push({ phrase, path: field.name, field, option });
        }
        for (const phrase of rankPhrases(field, option)) options.push({ phrase, path: field.name, field, option });
      }
    }
    if (field.type === 'relation') {
      const related = objects.get(field.relatedObject ?? '');
      for (const inner of related?.fields ?? []) {
        if (inner.type === 'relation' || inner.type === 'action') continue;
        const path = `${field.name}.${inner.name}`;
        fields.push({ phrase: `${field.name.toLowerCase()} ${inner.name.toLowerCase()}`, path, field: inner });
        if (!definition.fields.some((own) => own.name.toLowerCase() === inner.name.toLowerCase())) fields.push({ phrase: inner.name.toLowerCase(), path, field: inner });
        if (inner.type === 'enum') {
          for (const option of inner.options ?? []) for (const phrase of optionPhrases(option)) relatedOptions.push({ phrase, path, field: inner, option });
        }
      }
    }
  }
  const status = definition.fields.find((field) => field.type === 'enum' && /^(status|state|stage)$/i.test(field.name));
  const account = definition.fields.find((field) => field.type === 'relation' && /compan|account|customer|client|organi[sz]ation/i.test(`${field.name} ${field.relatedObject}`));
  const vocabulary: Vocabulary = {
    definition,
    objects,
    options: byLength(options),
    relatedOptions: byLength(relatedOptions),
    fields: byLength(fields),
    closedOptions: (status?.options ?? []).filter((option) => /resolv|clos|done|cancel|complet|archiv|fixed/i.test(option)),
  };
  const opened = find(definition, 'date', /open|creat|report|submit|receiv|start|logged/i);
  const firstResponse = find(definition, 'date', /first.?respon|respon|repl|answer|acknowledg/i);
  const resolved = find(definition, 'date', /resol|clos|done|complet|fixed/i);
  const escalatedFlag = definition.fields.find((field) => field.type === 'boolean' && /^escalated$/i.test(field.name));
  const tier = definition.fields.find((field) => field.type === 'enum' && /tier|level/i.test(field.name) && (field.options ?? []).some((option) => /tier|level/i.test(option)));
  const assignee = find(definition, 'text', /assign|owner|agent/i);
  if (opened) vocabulary.opened = opened;
  if (firstResponse) vocabulary.firstResponse = firstResponse;
  if (resolved) vocabulary.resolved = resolved;
  if (status) vocabulary.status = status;
  if (escalatedFlag) vocabulary.escalatedFlag = escalatedFlag;
  if (tier) vocabulary.tier = tier;
  if (assignee) vocabulary.assignee = assignee;
  if (account) vocabulary.account = account;
  cache.set(definition, vocabulary);
  return vocabulary;
}

/** The tier option a phrase names: "Tier 2", "tier two", "engineering", "T3", "the executive tier". */
export function tierOption(vocabulary: Vocabulary, phrase: string): string | undefined {
  const tier = vocabulary.tier;
  if (!tier) return undefined;
  const words: Record<string, string> = { one: '1', two: '2', three: '3', four: '4' };
  const text = phrase
    .toLowerCase()
    .replace(/\b(one|two|three|four)\b/g, (word) => words[word]!)
    .replace(/\bt(\d)\b/g, 'tier $1')
    .replace(/\blevel\s+(\d)/g, 'tier $1')
    .replace(/[()]/g, ' ')
    .replace(/\b(the|tier)\s*$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  for (const option of tier.options ?? []) {
    if (/^none$/i.test(option)) continue;
    if (optionPhrases(option).some((candidate) => text === candidate || text.startsWith(`${candidate} `) || text.endsWith(` ${candidate}`) || text.includes(` ${candidate} `))) return option;
  }
  return undefined;
}
