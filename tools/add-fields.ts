// add_fields: new fields on an existing object (ALTER TABLE ADD COLUMN), or new options on an existing enum field.
import { z } from 'zod';
import { EscalatorError } from '../objects/errors';
import { findField } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { describeObject } from '../objects/describe-object';
import { displayFieldName, fieldFileEntry, fieldInputSchema, provideScripts } from './field-input';
import { defineTool } from './tool';

export const addFieldsInput = z.object({
  object: z.string().describe('The object to change, e.g. "company"'),
  fields: z.array(fieldInputSchema).min(1).describe('Fields to add; an existing enum field listed with options gets the new options appended'),
});

export function addFieldsTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'add_fields',
    description:
      'Add fields to an existing object (e.g. a "Backup Owner" field on company), or append options to an existing enum field. Existing data is kept. An action field runs a built-in script (sla-status.py: the seed\'s SLA check) or one already under actions/; a missing script is refused.',
    inputSchema: addFieldsInput,
    async run(input) {
      const { workspace } = deps;
      const definition = workspace.object(input.object);
      const raw = structuredClone(definition.raw);
      const fileFields = raw.fields as Record<string, unknown>[];
      const added: string[] = [];
      const unchanged: string[] = [];
      const extended: string[] = [];
      for (const field of input.fields) {
        const name = displayFieldName(field.name);
        const existing = findField(definition, name);
        if (!existing) {
          fileFields.push(fieldFileEntry(field));
          added.push(name);
          continue;
        }
        if (existing.type !== field.type) {
          throw new EscalatorError(`${definition.name} already has a field "${existing.name}" of type ${existing.type} (not ${field.type}); pick another name`);
        }
        const newOptions = (field.options ?? []).filter((option) => !(existing.options ?? []).some((known) => known.toLowerCase() === option.toLowerCase()));
        if (existing.type === 'enum' && newOptions.length > 0) {
          const entry = fileFields.find((candidate) => String(candidate.name).toLowerCase() === existing.name.toLowerCase());
          if (!entry) throw new EscalatorError(`cannot find ${existing.name} in ${definition.name}'s file`);
          const key = ['options', 'values', 'enum_values'].find((candidate) => Array.isArray(entry[candidate])) ?? 'options';
          entry[key] = [...((entry[key] as unknown[] | undefined) ?? []), ...newOptions];
          extended.push(`${existing.name} (+ ${newOptions.join(', ')})`);
        } else {
          unchanged.push(existing.name);
        }
      }
      if (added.length === 0 && extended.length === 0) return { object: definition.name, added, already_there: unchanged };
      const installed = provideScripts(workspace, input.fields.filter((field) => added.includes(displayFieldName(field.name))));
      const saved = await workspace.saveObject(raw);
      return {
        object: saved.name,
        added,
        ...(extended.length ? { options_added: extended } : {}),
        ...(unchanged.length ? { already_there: unchanged } : {}),
        ...(installed.length ? { installed_builtin_actions: installed } : {}),
        definition: describeObject(saved),
      };
    },
  });
}
