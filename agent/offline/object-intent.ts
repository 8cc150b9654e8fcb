// Offline: objects and fields. "Create a support_tickets object with these fields: title (text), …" and
// "Add a "Backup Owner" field to your company object" (with the FAQ's "notify both the owner and backup").
import { findField } from '../../objects/object-schema';
import { errorMessage } from '../../objects/errors';
import type { FieldInput } from '../../tools/field-input';
import { displayFieldName } from '../../tools/field-input';
import { loadJobs } from '../../jobs/job-files';
import type { JobAction } from '../../jobs/job-schema';
import { previewJob, previewText } from '../../tools/job-preview';
import { type ParsedField, optionAnswers, parseField, protectOptionLists, relatedObjectName, splitOptions, splitTopLevel } from './field-list';
import { mentionedObjects } from './object-mention';
import { editDistance } from './parts/typos';
import type { Workspace } from '../../objects/workspace';
import { callTool, reply, sayBack, type ChatMemory, type IntentResult, type Turn } from './turn';
import { tierOption, vocabularyOf } from './vocabulary';

const objectWord = '(?:object|obj|table|entity|record\\s+type)';
const createPattern = new RegExp(
  `\\b(?:create|make|add|set\\s+up|build|define|new)\\s+(?:me\\s+)?(?:an?\\s+|the\\s+|new\\s+)*(?:${objectWord}\\s+(?:called\\s+|named\\s+)?["'\`]?([a-z][a-z0-9_ ]*?)["'\`]?(?=\\s+(?:with|having|that|:)|\\s*[:,(]|\\s*$)|["'\`]?([a-z][a-z0-9_]*(?:\\s+[a-z][a-z0-9_]*)?)["'\`]?\\s+${objectWord}\\b)([\\s\\S]*)$`,
  'i',
);

export function looksLikeCreateObject(text: string): boolean {
  return createPattern.test(text) && /\b(fields?|columns?|with)\b|:/i.test(text) && !/\bviews?\b/i.test(text.split(/[:\n]/)[0]!);
}

export async function createObjectIntent(turn: Turn, text: string): Promise<IntentResult> {
  const match = createPattern.exec(text)!;
  const name = (match[1] ?? match[2])!.trim().toLowerCase().replace(/\s+/g, '_');
  const body = match[3]!.replace(/^\s*(?:with|having|that\s+has)\s*(?:these\s+|the\s+following\s+)?(?:fields?|columns?)?\s*[:\-]?\s*/i, '').replace(/^\s*[:\-]\s*/, '');
  const fieldText = protectOptionLists(body.replace(/^options\s+for\s+.+$/gim, ''));
  const items = splitTopLevel(fieldText.replace(/^\s*["']|["']\s*$/g, ''));
  if (items.length === 0) return { kind: 'ask', question: `Which fields should ${name} have? For example "title (text), priority (enum: P1, P2, P3), opened_date (date)".`, resume: (answer) => `Create a ${name} object with these fields: ${answer}` };
  const extra = optionAnswers(text);
  const fields = items.map((item) => parseField(turn.workspace, item, extra));
  const problems = fields.filter((field) => field.problem).map((field) => field.problem!);
  if (problems.length) return reply(`${problems.map((problem) => `- ${problem}`).join('\n')}\nNothing was created.`);
  const missing = fields.find((field) => field.needsOptions);
  if (missing) {
    return { kind: 'ask', question: `What options should ${missing.input.name} have? For example "Low, Medium, High".`, resume: (answer) => `${text}\nOptions for ${missing.input.name}: ${answer}` };
  }
  const notes = fields.filter((field) => field.note).map((field) => field.note!);
  const existing = turn.workspace.objects.get(name);
  if (existing) {
    const absent = fields.filter((field) => !findField(existing, field.input.name));
    if (absent.length === 0) return extendExisting(turn, name, fields, notes);
    return sayBack(`the fields for ${name}`, `${name} already exists; I would add the fields it lacks: ${absent.map(describeField).join(', ')}.`, () => extendExisting(turn, name, fields, notes));
  }
  return sayBack(
    `the ${name} object`,
    [`I would create the ${name} object with ${fields.length} fields:`, ...fields.map((field) => `  ${describeField(field)}`), ...(notes.length ? [`Note: ${notes.join('; ')}.`] : [])].join('\n'),
    () => createObject(turn, name, fields, notes),
  );
}

/** "Priority (enum: P1 - Critical, …)", "Customer (relation to company)". */
function describeField(field: ParsedField): string {
  const input = field.input;
  return `${displayFieldName(input.name)} (${input.type}${input.options ? `: ${input.options.join(', ')}` : ''}${input.related_object ? ` to ${input.related_object}` : ''})`;
}

async function createObject(turn: Turn, name: string, fields: ParsedField[], notes: string[]): Promise<IntentResult> {
  const status = fields.find((field) => field.input.type === 'enum' && /^(status|state|stage)$/i.test(field.input.name));
  const input: Record<string, unknown> = { name, fields: fields.map((field) => field.input) };
  if (status) input.kanban_field = status.input.name;
  const result = await callTool(turn, 'create_object', input);
  turn.memory.lastObject = name;
  const created = result.created as { fields: { name: string; type: string; options?: string[]; related_object?: string }[] };
  const lines = [
    `Created the ${name} object (${String(result.file)}) with ${created.fields.length} fields:`,
    ...created.fields.map((field) => `  ${field.name}: ${field.type}${field.options ? ` [${field.options.join(', ')}]` : ''}${field.related_object ? ` → ${field.related_object}` : ''}`),
  ];
  if (status) lines.push(`Its board shows one column per ${status.input.name}.`);
  if (notes.length) lines.push(`Note: ${notes.join('; ')}.`);
  return reply(lines.join('\n'));
}

async function extendExisting(turn: Turn, name: string, fields: ParsedField[], notes: string[]): Promise<IntentResult> {
  const definition = turn.workspace.object(name);
  const missing: FieldInput[] = [];
  const differ: string[] = [];
  for (const field of fields) {
    const current = findField(definition, field.input.name);
    if (!current) missing.push(field.input);
    else if (current.type !== field.input.type) differ.push(`${current.name} is ${current.type} here, not ${field.input.type}`);
  }
  const lines: string[] = [];
  if (missing.length) {
    await callTool(turn, 'add_fields', { object: name, fields: missing });
    lines.push(`${name} already exists; I added the fields it lacked: ${missing.map((field) => field.name).join(', ')}.`);
  } else lines.push(`${name} already exists with all ${fields.length} of those fields; nothing to change.`);
  if (differ.length) lines.push(`Kept as they are (a field's type is not changed over existing data): ${differ.join('; ')}.`);
  if (notes.length) lines.push(`Note: ${notes.join('; ')}.`);
  return reply(lines.join('\n'));
}

const needsPattern = /^\s*(?:the\s+|our\s+|my\s+)?([a-z][a-z0-9_ ]*?)\s+(?:object\s+)?(?:needs?|should\s+have|gets?|requires?)\s+(?:an?\s+|the\s+)?([\s\S]+?)\s*$/i;
const targetPattern = /\s(?:to|on|onto|into|in)\s+(?:the\s+|your\s+|my\s+|our\s+|this\s+|that\s+)?["'`]?([a-z][a-z0-9_]*(?:\s+(?!(?:with|as|and|of|options?)\b)[a-z][a-z0-9_]*)?)["'`]?(?:\s+(?:object|obj|table|records?))?(?=\s*(?:[.;!:,]|$)|\s+(?:as|with|options?|and|of)\b)/gi;

export function looksLikeAddFields(text: string): boolean {
  const first = text.split(/(?<=[.!?])\s+(?=[A-Z])/)[0]!;
  if (/^\s*(?:please\s+)?(?:add|put|create|include|give)\b/i.test(first) && /\bfields?\b|\((?:text|number|date|boolean|enum|relation)|\b(?:enum|checkbox|dropdown|picklist|boolean|date|number)\b/i.test(first) && addTarget(undefined, first)) return true;
  return /\bfields?\b/i.test(first) && needsPattern.test(first.replace(/\bfields?\b[\s\S]*$/i, 'field'));
}

/** The object a phrase names: "company", "companies", "support tickets", "tickets", "compnay", or "it" (the one just made). */
export function objectFromPhrase(workspace: Workspace, phrase: string, memory?: ChatMemory): string | undefined {
  const text = phrase.trim().toLowerCase().replace(/^(?:the|your|my|our)\s+/, '').replace(/\s+(?:object|obj|table|records?)$/, '');
  if (/^(?:it|this|that|this\s+one|that\s+one)$/.test(text)) return memory?.lastObject;
  const direct = relatedObjectName(workspace, text);
  if (direct) return direct;
  const mentioned = mentionedObjects(workspace, text)[0];
  if (mentioned && text.split(/\s+/).length <= 2) return mentioned;
  const close = [...workspace.objects.keys()].filter((name) => text.length >= 4 && editDistance(text.replace(/\s+/g, '_'), name) <= (name.length >= 8 ? 2 : 1));
  return close.length === 1 ? close[0] : undefined;
}

/** Where "… to <object>" is in the first sentence, and which object it names (the last such phrase that names one). */
function addTarget(turn: Turn | undefined, text: string): { object: string; start: number; end: number } | { phrase: string } | undefined {
  let found: { object: string; start: number; end: number } | undefined;
  let phrase: string | undefined;
  for (const match of text.matchAll(targetPattern)) {
    const workspace = turn?.workspace;
    phrase = match[1]!;
    if (!workspace) return { phrase };
    const object = objectFromPhrase(workspace, match[1]!, turn.memory);
    if (object) found = { object, start: match.index, end: match.index + match[0].length };
  }
  return found ?? (phrase ? { phrase } : undefined);
}

export async function addFieldsIntent(turn: Turn, text: string): Promise<IntentResult> {
  const first = text.split(/(?<=[.!?])\s+(?=[A-Z])|\n/)[0]!;
  let objectName: string | undefined;
  let listText: string;
  const verb = /^\s*(?:please\s+)?(?:add|put|create|include|give)\s+/i.exec(first);
  const target = verb ? addTarget(turn, first) : undefined;
  if (verb && target && 'object' in target) {
    objectName = target.object;
    const before = first.slice(verb[0].length, target.start);
    // "add a dropdown "Severity" to tickets: Sev1, Sev2, Sev3": after the object, a colon and a list are the options of
    // the one choice field named before it.
    const listed = /^\s*:\s*(\S[\s\S]*)$/.exec(first.slice(target.end));
    listText =
      listed && /\b(?:enum|dropdown|picklist|select|choice)\b/i.test(before) && !/[,;(]/.test(before)
        ? `${before.replace(/^\s*(?:an?\s+)?(?:new\s+)?(?:enum|dropdown|picklist|select|choice)(?:\s+field)?\s+(?=\S)/i, '')} with options ${listed[1]}`
        : `${before} ${first.slice(target.end)}`.replace(/^\s*[,:]\s*/, ' ');
  } else {
    const needs = needsPattern.exec(first);
    const phrase = target && 'phrase' in target ? target.phrase : needs?.[1];
    if (!phrase) return reply('Say which field to add to which object, like: add a "Backup Owner" field (text) to company.');
    objectName = objectFromPhrase(turn.workspace, phrase, turn.memory);
    if (!objectName) return reply(`There is no object "${phrase.replace(/\s+(?:object|table)$/i, '')}" (objects: ${[...turn.workspace.objects.keys()].join(', ')}).`);
    listText = needs && !(target && 'phrase' in target) ? needs[2]! : first.slice(verb?.[0].length ?? 0);
  }
  listText = listText.replace(/^\s*(?:an?\s+|the\s+)?(?:new\s+)?fields?\s+(?=\S)/i, '').replace(/\s+/g, ' ').trim();
  // Options beside one field ("…: an enum of A, B", "with options A, B", "an enum field Region … with A, B").
  const single = splitOptions(listText);
  let items: string[];
  if (single.options) items = [`${single.rest.replace(/(?:\s+(?:as\s+)?(?:an?\s+)?(?:enum|field|dropdown|picklist|select))+\s*$/i, '').trim()} (enum: ${single.options.join(', ')})`];
  else {
    const bare = /^(.*\b(?:enum|dropdown|picklist|select)\b.*?)\s+with\s+([A-Z0-9][\s\S]*)$/.exec(listText);
    items = bare ? [`${bare[1]} (enum: ${bare[2]})`] : splitTopLevel(protectOptionLists(listText));
  }
  const fields = items.map((item) => parseField(turn.workspace, item.replace(/\s+fields?(?=\s*\(|\s*$)/i, ''), optionAnswers(text)));
  const problems = fields.filter((field) => field.problem).map((field) => field.problem!);
  if (problems.length) return reply(`${problems.map((problem) => `- ${problem}`).join('\n')}\nNothing was changed.`);
  const missing = fields.find((field) => field.needsOptions);
  if (missing) return { kind: 'ask', question: `What options should ${missing.input.name} have? For example "Low, Medium, High".`, resume: (answer) => `${text}\nOptions for ${missing.input.name}: ${answer}` };
  turn.memory.lastObject = objectName;
  const chosen = objectName;
  const definition = turn.workspace.object(chosen);
  if (fields.every((field) => findField(definition, field.input.name))) return addFields(turn, text, chosen, fields);
  return sayBack(`the fields for ${chosen}`, `I would add to ${chosen}: ${fields.map(describeField).join(', ')}.`, () => addFields(turn, text, chosen, fields));
}

async function addFields(turn: Turn, text: string, objectName: string, fields: ParsedField[]): Promise<IntentResult> {
  const result = await callTool(turn, 'add_fields', { object: objectName, fields: fields.map((field) => field.input) });
  const lines: string[] = [];
  const addedNames = (result.added as string[]) ?? [];
  if (addedNames.length) lines.push(`Added to ${objectName}: ${addedNames.map((field) => `${field} (${fields.find((candidate) => displayFieldName(candidate.input.name) === field)?.input.type ?? 'text'})`).join(', ')}.`);
  if (result.options_added) lines.push(`New options: ${(result.options_added as string[]).join('; ')}.`);
  if (result.already_there) lines.push(`${objectName} already has ${(result.already_there as string[]).join(', ')}; kept as is.`);
  const notes = fields.filter((field) => field.note).map((field) => field.note!);
  if (notes.length) lines.push(`Note: ${notes.join('; ')} — say so if it should be another type.`);
  if (/\bnotif(?:y|ies|ied)\b[\s\S]*\b(?:both|backup)\b|\b(?:both|backup)\b[\s\S]*\bnotif/i.test(text)) return notifyBothOwners(turn, text, objectName, lines);
  return reply(lines.join('\n'));
}

/** The FAQ: "The escalation cron job … notifies both the primary owner and backup. For Tier 3 escalations, always notify both." */
async function notifyBothOwners(turn: Turn, text: string, objectName: string, lines: string[]): Promise<IntentResult> {
  const { workspace } = turn;
  const company = workspace.object(objectName);
  const owner = company.fields.find((field) => /^(?:account\s+|primary\s+)?owner$/i.test(field.name));
  const backup = company.fields.find((field) => /^backup\s+owner$/i.test(field.name));
  if (!owner || !backup) {
    lines.push(`To notify both owners, ${objectName} needs an Account Owner and a Backup Owner field.`);
    return reply(lines.join('\n'));
  }
  let jobs;
  try {
    jobs = await loadJobs(workspace);
  } catch (error) {
    lines.push(`I could not read the jobs to add the owners to them: ${errorMessage(error)}`);
    return reply(lines.join('\n'));
  }
  const tierWanted = /\btier\s*(\d|one|two|three)\b|\bexecutive\b|\bengineering\b/i.exec(text);
  for (const job of jobs) {
    if (job.report) continue; // a report job has no rules to add owners to
    const definition = workspace.object(job.object);
    const relation = definition.fields.find((field) => field.type === 'relation' && field.relatedObject === objectName);
    if (!relation) continue;
    const vocabulary = vocabularyOf(definition, workspace.objects);
    const tier = tierWanted ? tierOption(vocabulary, tierWanted[0]) : undefined;
    const specs = [`field:${relation.name}.${owner.name}`, `field:${relation.name}.${backup.name}`];
    let touched = 0;
    const rules = job.rules.map((rule) => {
      const escalation = rule.then.find((action): action is Extract<JobAction, { escalate: unknown }> => 'escalate' in action);
      if (!escalation || (tier && escalation.escalate.tier !== tier)) return rule;
      const notified = rule.then.flatMap((action) => ('notify' in action ? action.notify.to : []));
      const add = specs.filter((spec) => !notified.includes(spec));
      if (add.length === 0) return rule;
      touched++;
      return { ...rule, then: [...rule.then, { notify: { to: add, template: 'escalation' } }] };
    });
    if (touched === 0) {
      lines.push(`The job "${job.name}" already notifies both owners${tier ? ` on ${tier} escalations` : ''}.`);
      continue;
    }
    const data = { ...job, rules };
    const preview = await previewJob(workspace, data);
    lines.push(`I can make the job "${job.name}" notify the ${owner.name} and ${backup.name} on ${tier ? `${tier} escalations` : 'every escalation'} (${touched} rule${touched === 1 ? '' : 's'}):`, previewText(preview, { saved: false }), 'Reply "yes" to save that change.');
    return {
      kind: 'confirm',
      what: `the change to job "${job.name}"`,
      text: lines.join('\n'),
      confirm: async () => {
        const result = await callTool(turn, 'update_job', { name: job.name, rules: data.rules, confirm: true });
        return { text: `Saved: the job "${String(result.job)}" now notifies both owners${tier ? ` on ${tier} escalations` : ''}.` };
      },
    };
  }
  lines.push('There is no escalation job to add the owners to yet; when you create one, say "notify the account owner and backup owner".');
  return reply(lines.join('\n'));
}
