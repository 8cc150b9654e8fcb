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
    .flatMap((part) => (/\)\s+and\s+/i.test(part) ? part.split(/(?<=\))\s+and\s+/i) : [part]))
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

/** Parses one "name (type …)" item. */
export function parseField(workspace: Workspace, item: string, extraOptions: Map<string, string[]>): ParsedField {
  const match = /^(?:an?\s+|the\s+)?["'`]?([^("'`:]+?)["'`]?(?:\s+field)?\s*(?:\((.+)\)|:\s*(.+)|\s+as\s+(?:an?\s+)?(.+)|\s+(?:of\s+type|type)\s+(.+))?$/i.exec(item.trim());
  if (!match) return { input: { name: displayFieldName(item), type: 'text' }, problem: `I cannot read the field "${item}"` };
  const name = displayFieldName(match[1]!.trim());
  const spec = (match[2] ?? match[3] ?? match[4] ?? match[5])?.trim();
  if (!spec) return { input: { name, type: 'text' }, note: `${name} as text (no type given)` };
  const lower = spec.toLowerCase();
  for (const [pattern, type] of typeWords) if (pattern.test(lower)) return { input: { name, type } };
  const relation = /^(?:relation|link|reference|ref|lookup|belongs)\s*(?:to|->|→|:)?\s*(.+)$/i.exec(spec) ?? /^(?:relation|link)\s+(.+)$/i.exec(spec);
  if (relation) {
    const related = relatedObjectName(workspace, relation[1]!);
    if (!related) return { input: { name, type: 'relation' }, problem: `${name} relates to "${relation[1]}", which is not an object here (objects: ${[...workspace.objects.keys()].join(', ')})` };
    return { input: { name, type: 'relation', related_object: related } };
  }
  const enumSpec = /^(?:enum|select|single\s+select|dropdown|choice|choices|picklist|options|one\s+of)\b\s*(?:with\s+options\s+|of\s+|:\s*|=\s*)?(.*)$/i.exec(spec);
  if (enumSpec) {
    const listed = enumSpec[1]!.replace(/^\[|\]$/g, '').trim();
    const options = listed ? splitList(listed.replace(/\s*\/\s*|\s*\|\s*/g, ', ')) : extraOptions.get(name.toLowerCase()) ?? [];
    if (options.length) return { input: { name, type: 'enum', options } };
    const known = knownOptions(name);
    if (known) return { input: { name, type: 'enum', options: known }, note: `${name} options from the standard definition: ${known.join(', ')}` };
    return { input: { name, type: 'enum' }, needsOptions: true };
  }
  return { input: { name, type: 'text' }, problem: `"${spec}" is not a field type I know for ${name} (text, richtext, number, boolean, date, enum, relation to <object>, email, url, phone)` };
}

/** Lines "Options for Priority: Low, High" that answer a question about enum options. */
export function optionAnswers(text: string): Map<string, string[]> {
  const answers = new Map<string, string[]>();
  for (const match of text.matchAll(/^options\s+for\s+(.+?):\s*(.+)$/gim)) answers.set(displayFieldName(match[1]!).toLowerCase(), splitList(match[2]!));
  return answers;
}
