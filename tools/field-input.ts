// The field list tools accept (create_object, add_fields) and how it becomes .object.yaml field entries.
import { z } from 'zod';
import { builtinActions, provideActionScript } from '../objects/builtin-actions';
import { EscalatorError } from '../objects/errors';
import { fieldTypes } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';

export const fieldInputSchema = z.object({
  name: z.string().min(1).describe('Display name in Title Case, e.g. "Opened Date" (snake_case is converted)'),
  type: z.enum(fieldTypes).describe('text, richtext, email, url, phone, number, boolean, date (a point in time), enum, relation or action'),
  options: z.array(z.string()).optional().describe('enum only: the options in order (order is also the sort and escalation order)'),
  related_object: z.string().optional().describe('relation only: the object it points to, e.g. "company"'),
  description: z.string().optional().describe('What the field means, for people reading the definition'),
  required: z.boolean().optional().describe('true when every entry must have a value'),
  script: z.string().optional().describe('action only: a built-in ("sla-status.py": the seed\'s Step 6 SLA check) or a script already under <workspace>/actions/; never write one'),
});

export type FieldInput = z.output<typeof fieldInputSchema>;

/** "opened_date" / "openedDate" / "opened date" → "Opened Date"; names already in Title Case stay as they are. */
export function displayFieldName(name: string): string {
  const trimmed = name.trim();
  if (/[A-Z]/.test(trimmed) && !trimmed.includes('_')) return trimmed;
  return trimmed
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((word) => (/^(id|url|sla|csat|nps|arr|mrr|qbr)$/i.test(word) ? word.toUpperCase() : word[0]!.toUpperCase() + word.slice(1)))
    .join(' ');
}

/** A field as its .object.yaml entry (the seed's format). */
export function fieldFileEntry(field: FieldInput): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: displayFieldName(field.name), type: field.type };
  if (field.options?.length) entry.options = field.options;
  if (field.related_object) entry.related_object = field.related_object;
  if (field.description) entry.description = field.description;
  if (field.required) entry.required = true;
  if (field.script) entry.script = field.script;
  return entry;
}

/** Checks (and installs built-ins for) the scripts of the action fields among `fields`; refuses a missing one. */
export function provideScripts(workspace: Workspace, fields: readonly FieldInput[]): string[] {
  for (const field of fields) if (field.type === 'action' && !field.script) throw new EscalatorError(`${displayFieldName(field.name)}: an action field needs script (a built-in: ${builtinActions().join(', ')}, or a file under actions/)`);
  const installed: string[] = [];
  for (const field of fields) {
    if (field.type !== 'action') continue;
    if (provideActionScript(workspace, displayFieldName(field.name), field.script) === 'installed') installed.push(`actions/${field.script}`);
  }
  return installed;
}
