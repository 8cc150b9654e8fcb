// update_entries: change fields of entries named by id or display name; every change is recorded.
import { z } from 'zod';
import { resolveEntryId, updateEntries } from '../objects/entries';
import type { Workspace } from '../objects/workspace';
import { fieldValuesSchema } from './entry-values';
import { changedBy, defineTool } from './tool';

export const updateEntriesInput = z.object({
  object: z.string().describe('The object, e.g. "support_tickets"'),
  updates: z
    .array(
      z.object({
        entry: z.string().describe('The entry\'s id, or its display name (a ticket\'s Title) when that is unique'),
        values: fieldValuesSchema,
      }),
    )
    .min(1)
    .max(500)
    .describe('The changes, one per entry'),
});

export function updateEntriesTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'update_entries',
    description:
      'Change fields of existing entries: resolve a ticket (Status Resolved + Resolved Date now), record a first response (First Response Date now), assign it (Assigned To). Find ids first with find_entries when a name is ambiguous.',
    inputSchema: updateEntriesInput,
    async run(input, context) {
      const { workspace } = deps;
      const definition = workspace.object(input.object);
      const updates = [];
      for (const update of input.updates) {
        updates.push({ id: await resolveEntryId(workspace.db, definition, update.entry), values: update.values });
      }
      const changes = await updateEntries(workspace, definition.name, updates, { by: changedBy(context) });
      return {
        object: definition.name,
        changed: changes.map((change) => ({ entry: change.entryId, field: change.field, from: change.oldValue, to: change.newValue })),
        ...(changes.length === 0 ? { note: 'nothing changed: the entries already had these values' } : {}),
      };
    },
  });
}
