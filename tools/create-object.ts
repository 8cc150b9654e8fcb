// create_object: a new object (a typed table and its .object.yaml) from a field list.
import { z } from 'zod';
import { EscalatorError } from '../objects/errors';
import { describeObject } from '../objects/describe-object';
import type { Workspace } from '../objects/workspace';
import { fieldFileEntry, fieldInputSchema, provideScripts } from './field-input';
import { defineTool } from './tool';

export const createObjectInput = z.object({
  name: z.string().describe('Object name in lower_snake_case, e.g. "support_tickets"'),
  fields: z.array(fieldInputSchema).min(1).describe('The fields, in the order they should appear'),
  description: z.string().optional().describe('What the object holds'),
  icon: z.string().optional().describe('An icon name, e.g. "alert-circle"'),
  kanban_field: z.string().optional().describe('An enum field to show the object as a kanban board on, e.g. "Status"'),
  display_field: z.string().optional().describe('The field that names an entry (defaults to Name/Title or the first text field)'),
});


export function createObjectTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'create_object',
    description:
      'Create a new object (a kind of record, like support_tickets or company) with its fields. Use only for objects that do not exist yet; to add fields to an existing object use add_fields.',
    inputSchema: createObjectInput,
    async run(input) {
      const { workspace } = deps;
      const name = input.name.trim().toLowerCase().replace(/[\s-]+/g, '_');
      if (workspace.objects.has(name)) throw new EscalatorError(`object "${name}" already exists; use add_fields to add fields to it`);
      const raw: Record<string, unknown> = { name };
      if (input.description) raw.description = input.description;
      if (input.icon) raw.icon = input.icon;
      if (input.display_field) raw.display_field = input.display_field;
      if (input.kanban_field) {
        raw.default_view = 'kanban';
        raw.view_settings = { kanbanField: input.kanban_field };
      }
      raw.fields = input.fields.map(fieldFileEntry);
      const installed = provideScripts(workspace, input.fields);
      const definition = await workspace.saveObject(raw);
      return { created: describeObject(definition), file: `objects/${name}/.object.yaml`, ...(installed.length ? { installed_builtin_actions: installed } : {}) };
    },
  });
}
