// Field lists as people write them: "title (text), customer (relation to company), priority (enum: P1, P2),
// escalated (boolean)" → field inputs for create_object / add_fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readYaml } from '../../objects/yaml-file';
import { packageRoot } from '../../objects/files';
import type { FieldType } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import { displayFieldName, type FieldInput } from '../../tools/field-input';
import { splitList } from './words';

export interface ParsedField {
  input: FieldInput;
  /** Said to the person: a default taken, an option list borrowed. */
  note?: string;
  /** What is missing or wrong, to ask or report. */
  problem?: string;
  /** An enum field that needs its options. */
  needsOptions?: boolean;
}

const typeWords: [RegExp, FieldType][] = [
  [/^(?:rich\s*text|richtext|long\s+text|markdown|notes?|paragraph)$/, 'richtext'],
  [/^(?:text|string|short\s+text|name|varchar)$/, 'text'],
  [/^(?:number|numeric|integer|int|float|decimal|currency|amount|money)$/, 'number'],
  [/^(?:boolean|bool|checkbox|yes\s*\/\s*no|true\s*\/\s*false|flag)$/, 'boolean'],
  [/^(?:date|datetime|date\s*time|date\s+and\s+time|timestamp|time)$/, 'date'],
  [/^(?:email|e-mail)$/, 'email'],
  [/^(?:url|link|website|web\s+address)$/, 'url'],
  [/^(?:phone|phone\s+number|telephone)$/, 'phone'],
];

/**
 * Wraps option lists written in the open ("a stage picklist with options Prospect, Proposal, Closed Won and Closed Lost,
 * and a close date") in parentheses, so splitting the field list on commas keeps them with their field.
 */
export function protectOptionLists(text: string): string {
  return text.replace(/\s*(?:\bwith\s+(?:the\s+)?options?|\boptions?\s*(?:are\b|:)|\b(?:an?\s+)?(?:enum|picklist|dropdown|select)\s+(?:of|with)\b)\s*:?\s*((?:[A-Z0-9][^,;()\n]*?(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*\/\s*)(?=[A-Z0-9])|(?=\s*(?:,|;|\n|$))))+)/g, (whole, list: string, offset: number) => {
    const before = text.slice(0, offset);
    if ((before.match(/\(/g)?.length ?? 0) > (before.match(/\)/g)?.length ?? 0)) return whole;
    const options = optionList(list);
    return options.length ? ` (enum: ${options.join(', ')})` : whole;
  });
}

/** Splits on commas, semicolons and new lines that are not inside parentheses or brackets. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(' || char === '[') depth++;
    if (char === ')' || char === ']') depth = Math.max(0, depth - 1);
    if (depth === 0 && (char === ',' || char === ';' || char === '\n')) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts
    .flatMap((part) => (/\)\s+and\s+/i.test(part) ? part.split(/(?<=\))\s+and\s+/i) : /\(/.test(part) ? [part] : part.split(/\s+and\s+(?=\S)/i)))
    .map((part) => part.trim().replace(/^(?:and|&)\s+/i, '').replace(/[.]$/, '').trim())
    .filter(Boolean);
}

let templateOptions: Map<string, string[]> | undefined;

/** Enum options of the built-in templates by field name ("priority" → P1 - Critical …): the seed's lists. */
function knownOptions(name: string): string[] | undefined {
  if (!templateOptions) {
    templateOptions = new Map();
    for (const object of ['support_tickets', 'company', 'people']) {
      const data = readYaml(readFileSync(join(packageRoot(), 'objects', 'templates', `${object}.object.yaml`), 'utf8'), { file: `${object}.object.yaml` }) as { fields: { name: string; options?: string[] }[] };
      for (const field of data.fields) if (field.options) templateOptions.set(field.name.toLowerCase(), field.options);
    }
  }
  return templateOptions.get(displayFieldName(name).toLowerCase());
}

/** The object a relation names: "company", "companies", "people", "a person", "contacts". */
export function relatedObjectName(workspace: Workspace, phrase: string): string | undefined {
  const text = phrase.trim().toLowerCase().replace(/^(?:an?|the)\s+/, '').replace(/\s+object$/, '').replace(/\s+/g, '_');
  const candidates = [text, text.replace(/ies$/, 'y'), text.replace(/s$/, ''), `${text}s`, text === 'person' || text === 'contacts' || text === 'contact' ? 'people' : '', text === 'companies' || text === 'account' || text === 'accounts' ? 'company' : ''];
  return candidates.find((candidate) => candidate && workspace.objects.has(candidate));
}

/** Type words as people write them, longest first; a field's type may stand before or after its name. */
const typeWordSource =
  'rich\\s*text|long\\s+text|richtext|markdown|text|string|number|numeric|integer|currency|money|decimal|boolean|bool|checkbox|flag|yes\\s*/\\s*no|true\\s*/\\s*false|datetime|date\\s+and\\s+time|timestamp|date|e-?mail|url|website|link|phone\\s+number|phone|enum|single\\s+select|select|dropdown|picklist|choice';
const enumWords = /^(?:enum|single\s+select|select|dropdown|picklist|choice)$/i;

/** "Low, Medium and High" / "EMEA / AMER / APAC" → options, capitalised when written in lower case. */
export function optionList(text: string): string[] {
  return splitList(text.replace(/^\s*(?:the\s+)?(?:options?|values?|choices?)\s*(?:are\b|:)?\s*/i, '').replace(/^\[|\]$/g, '').replace(/\s*\/\s*|\s*\|\s*/g, ', ').replace(/[.;]+$/, ''))
    .map((option) => option.replace(/^["']|["']$/g, '').trim())
    .filter(Boolean)
    .map((option) => (/^[a-z]/.test(option) && option === option.toLowerCase() ? option.replace(/\b[a-z]/g, (letter) => letter.toUpperCase()) : option));
}

/** Options written beside a field rather than in parentheses: "with options A, B", "an enum of A, B", "options: A, B". */
export function splitOptions(item: string): { rest: string; options?: string[] } {
  const match = /\s*(?:,\s*)?(?:\bwith\s+(?:the\s+)?(?:options?|values?|choices?)\b|\b(?:options?|values?|choices?)\s*(?:are\b|:|=)|:?\s*\b(?:an?\s+)?(?:enum|dropdown|picklist|select|choice|list)\s+(?:of|with)\b|\bone\s+of\b)\s*:?\s*([\s\S]+)$/i.exec(item);
  if (!match) return { rest: item };
  const options = optionList(match[1]!);
  return options.length ? { rest: `${item.slice(0, match.index)}${/\benum|dropdown|picklist|select|choice\b/i.test(match[0]) ? ' enum' : ''}`, options } : { rest: item };
}

/** Parses one field item — "title (text)", "a date field named Last QBR", "an Onboarded checkbox", "risk level (an enum of Low, High)". */
export function parseField(workspace: Workspace, item: string, extraOptions: Map<string, string[]>): ParsedField {
  let text = item.trim().replace(/^(?:[-*•·]|\d+[.)])\s+/, '').replace(/^(?:and|&|also)\s+/i, '').trim();
  const outside = /\(/.test(text) ? { rest: text } : splitOptions(text);
  text = outside.rest.trim();
  const typed = (name: string, spec: string, options?: string[]) => fieldOf(workspace, displayFieldName(name.trim()), spec, options ?? outside.options, extraOptions);
  const quoted = /["'`]([^"'`]+)["'`]/.exec(text);
  const paren = /^(.*?)\s*\(([^)]*)\)\s*(?:field)?\s*$/i.exec(text);
  if (paren && !quoted) {
    const name = stripTypeWords(paren[1]!);
    const inner = paren[2]!.trim();
    // "a Support Plan dropdown (Standard / Premium / Platinum)": the parentheses hold the options.
    if (enumWordBefore(paren[1]!) && !new RegExp(`^(?:an?\\s+)?(?:${typeWordSource}|relation|link)\\b`, 'i').test(inner)) return typed(name.name, 'enum', optionList(inner));
    return typed(name.name, inner);
  }
  const spec = /^(.+?)\s*(?::\s*|\s+as\s+(?:an?\s+)?|\s+(?:of\s+)?type\s+)(.+)$/i.exec(text);
  if (spec && !quoted) return typed(stripTypeWords(spec[1]!).name, spec[2]!);
  const relation = /^(?:an?\s+|the\s+)?(.+?)\s+(?:linked|links?|related|relation|relates|belongs|pointing|points)\s+to\s+(.+)$/i.exec(text);
  if (relation) return typed(relation[1]!, `relation to ${relation[2]!}`);
  if (quoted && paren) return typed(quoted[1]!, paren[2]!.trim());
  if (quoted) {
    const around = `${text.slice(0, quoted.index)} ${text.slice(quoted.index + quoted[0].length)}`;
    const type = new RegExp(`\\b(${typeWordSource})\\b`, 'i').exec(around);
    return type ? typed(quoted[1]!, type[1]!) : typed(quoted[1]!, outside.options ? 'enum' : '');
  }
  // "a date field named Last QBR", "a number field called Seats", "a boolean Data Loss field", "an enum field Region".
  const before = new RegExp(`^(?:an?\\s+|the\\s+)?(${typeWordSource})\\s+(?:field\\s+)?(?:(?:named|called)\\s+)?(.+?)(?:\\s+field)?$`, 'i').exec(text);
  if (before && !/^date$/i.test(before[1]!) || (before && /\bfield\b/i.test(text))) return typed(before![2]!, before![1]!);
  // "a Last Contacted date", "an Onboarded checkbox", "priority enum", "escalated boolean"; "opened date" keeps its Date.
  const after = new RegExp(`^(an?\\s+|the\\s+)?(.+?)\\s+(${typeWordSource})(?:\\s+field)?$`, 'i').exec(text);
  if (after && (after[1] || !/^date$/i.test(after[3]!))) return typed(after[2]!, after[3]!);
  if (after) return typed(`${after[2]} ${after[3]}`, 'date');
  const name = text.replace(/^(?:an?\s+|the\s+)?(?:new\s+)?(?:field\s+)?(?:(?:for|named|called)\s+(?:the\s+)?)?/i, '').replace(/\s+field$/i, '');
  return typed(name, outside.options ? 'enum' : '');
}

function stripTypeWords(name: string): { name: string } {
  return { name: name.replace(/^(?:an?\s+|the\s+)/i, '').replace(new RegExp(`^(?:${typeWordSource})\\s+field\\s+(?:(?:named|called)\\s+)?`, 'i'), '').replace(/\s+field$/i, '').replace(/\s+(?:enum|single\s+select|select|dropdown|picklist|choice|checkbox|boolean)$/i, '').trim() };
}

function enumWordBefore(text: string): boolean {
  const last = /(\S+)\s*$/.exec(text.replace(/\s+field\s*$/i, ''));
  return Boolean(last && enumWords.test(last[1]!));
}

function fieldOf(workspace: Workspace, name: string, rawSpec: string, options: string[] | undefined, extraOptions: Map<string, string[]>): ParsedField {
  const spec = rawSpec.trim().replace(/^(?:an?\s+)/i, '');
  if (!spec) {
    if (options?.length) return { input: { name, type: 'enum', options } };
    return { input: { name, type: 'text' }, note: `${name} as text (no type given)` };
  }
  const lower = spec.toLowerCase();
  for (const [pattern, type] of typeWords) if (pattern.test(lower)) return { input: { name, type } };
  const relation = /^(?:relation|link|linked|reference|ref|lookup|belongs)\s*(?:to|->|→|:)?\s*(.+)$/i.exec(spec) ?? /^(?:relation|link)\s+(.+)$/i.exec(spec);
  if (relation) {
    const related = relatedObjectName(workspace, relation[1]!);
    if (!related) return { input: { name, type: 'relation' }, problem: `${name} relates to "${relation[1]}", which is not an object here (objects: ${[...workspace.objects.keys()].join(', ')})` };
    return { input: { name, type: 'relation', related_object: related } };
  }
  const enumSpec = /^(?:enum|select|single\s+select|dropdown|choice|choices|picklist|options|one\s+of)\b\s*(?:with\s+(?:the\s+)?options\s+|of\s+|:\s*|=\s*)?(.*)$/i.exec(spec);
  if (enumSpec) {
    const listed = enumSpec[1]!.trim();
    const found = listed ? optionList(listed) : (options ?? extraOptions.get(name.toLowerCase()) ?? []);
    if (found.length) return { input: { name, type: 'enum', options: found } };
    const known = knownOptions(name);
    if (known) return { input: { name, type: 'enum', options: known }, note: `${name} options from the standard definition: ${known.join(', ')}` };
    return { input: { name, type: 'enum' }, needsOptions: true };
  }
  return { input: { name, type: 'text' }, problem: `"${spec}" is not a field type I know for ${name} (text, richtext, number, boolean, date, enum, relation to <object>, email, url, phone)` };
}

/** Lines "Options for Priority: Low, High" that answer a question about enum options. */
export function optionAnswers(text: string): Map<string, string[]> {
  const answers = new Map<string, string[]>();
  for (const match of text.matchAll(/^options\s+for\s+(.+?):\s*(.+)$/gim)) {
    // A bare yes/no/ok is an answer to a different question (a piped "yes" meant for the say-back), never the options:
    // left out, the field still needs them and the question is asked again.
    if (/^\s*(?:y|yes|yeah|yep|ok|okay|sure|no|nope|n)\s*[.!]?\s*$/i.test(match[2]!)) continue;
    answers.set(displayFieldName(match[1]!).toLowerCase(), optionList(match[2]!.replace(/^(?:the\s+)?(?:options?|choices?|values?)\s*(?:are|:|=)?\s*|^(?:they\s+are|it'?s|use)\s+/i, '')));
  }
  return answers;
}
