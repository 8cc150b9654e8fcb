// Offline: objects and fields. "Create a support_tickets object with these fields: title (text), …" and
// "Add a "Backup Owner" field to your company object" (with the FAQ's "notify both the owner and backup").
import { findField } from '../../objects/object-schema';
import { errorMessage } from '../../objects/errors';
import type { FieldInput } from '../../tools/field-input';
import { displayFieldName } from '../../tools/field-input';
import { loadJobs } from '../../jobs/job-files';
import type { JobAction } from '../../jobs/job-schema';
import { previewJob, previewText } from '../../tools/job-preview';
import { type ParsedField, optionAnswers, parseField, relatedObjectName, splitTopLevel } from './field-list';
import { callTool, reply, type IntentResult, type Turn } from './turn';
import { tierOption, vocabularyOf } from './vocabulary';

const createPattern =
  /\b(?:create|make|add|set\s+up|build|define)\s+(?:me\s+)?(?:an?\s+|the\s+|new\s+)*(?:(?:object|table)\s+(?:called|named)\s+["'`]?([a-z][a-z0-9_ ]*?)["'`]?|["'`]?([a-z][a-z0-9_]*(?:\s+[a-z][a-z0-9_]*)?)["'`]?\s+(?:object|table))\b([\s\S]*)$/i;

export function looksLikeCreateObject(text: string): boolean {
  return createPattern.test(text) && /\b(fields?|columns?|with)\b/i.test(text);
}

export async function createObjectIntent(turn: Turn, text: string): Promise<IntentResult> {
  const match = createPattern.exec(text)!;
  const name = (match[1] ?? match[2])!.trim().toLowerCase().replace(/\s+/g, '_');
  const body = match[3]!.replace(/^\s*(?:with|having|that\s+has)\s*(?:these\s+|the\s+following\s+)?(?:fields?|columns?)?\s*[:\-]?\s*/i, '').replace(/^\s*[:\-]\s*/, '');
  const fieldText = body.replace(/^options\s+for\s+.+$/gim, '');
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
  if (existing) return extendExisting(turn, name, fields, notes);
  const status = fields.find((field) => field.input.type === 'enum' && /^(status|state|stage)$/i.test(field.input.name));
  const input: Record<string, unknown> = { name, fields: fields.map((field) => field.input) };
  if (status) input.kanban_field = status.input.name;
  const result = await callTool(turn, 'create_object', input);
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

const addPattern =
  /\b(?:add|put|create|include)\s+(?:an?\s+|the\s+|new\s+|a\s+new\s+)*(?:fields?\s+(?:called\s+|named\s+)?)?([\s\S]+?)\s+(?:fields?\s+)?(?:to|on|in|into)\s+(?:your\s+|the\s+|my\s+|our\s+)?["'`]?([a-z][a-z0-9_]*(?:\s+(?!object\b|table\b|records?\b)[a-z][a-z0-9_]*)?)["'`]?(?:\s+(?:object|table|records?))?\s*(?=[.;!]|$)/im;
const needsPattern = /\b([a-z][a-z0-9_]*)\s+(?:object\s+)?(?:needs|should\s+have|gets)\s+(?:an?\s+)?([\s\S]+?)\s+fields?\b/i;

export function looksLikeAddFields(text: string): boolean {
  return (/\bfields?\b/i.test(text) && (addPattern.test(text) || needsPattern.test(text))) || /\badd\s+[\s\S]+?\((?:text|number|date|boolean|enum|relation)/i.test(text);
}

export async function addFieldsIntent(turn: Turn, text: string): Promise<IntentResult> {
  const first = text.split(/(?<=[.!?])\s+(?=[A-Z])/)[0]!;
  const added = addPattern.exec(first);
  const needs = added ? undefined : needsPattern.exec(first);
  if (!added && !needs) return reply('Say which field to add to which object, like: add a "Backup Owner" field (text) to company.');
  const objectPhrase = (added ? added[2] : needs![1])!;
  const objectName = relatedObjectName(turn.workspace, objectPhrase);
  if (!objectName) return reply(`There is no object "${objectPhrase}" (objects: ${[...turn.workspace.objects.keys()].join(', ')}).`);
  const listText = (added ? added[1] : needs![2])!.replace(/\bfields?\b/gi, ' ').replace(/\s+/g, ' ').trim();
  const items = splitTopLevel(listText.replace(/\s+and\s+(?=[^()]*(?:\(|$))/gi, ', '));
  const fields = items.map((item) => parseField(turn.workspace, item, optionAnswers(text)));
  const problems = fields.filter((field) => field.problem).map((field) => field.problem!);
  if (problems.length) return reply(`${problems.map((problem) => `- ${problem}`).join('\n')}\nNothing was changed.`);
  const missing = fields.find((field) => field.needsOptions);
  if (missing) return { kind: 'ask', question: `What options should ${missing.input.name} have? For example "Low, Medium, High".`, resume: (answer) => `${text}\nOptions for ${missing.input.name}: ${answer}` };
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
