// create_entries: new entries (tickets, companies, people) in one transaction.
import { z } from 'zod';
import { createEntries, getEntry } from '../objects/entries';
import type { Workspace } from '../objects/workspace';
import { fieldValuesSchema } from './entry-values';
import { compactRow } from './results';
import { changedBy, defineTool } from './tool';

export const createEntriesInput = z.object({
  object: z.string().describe('The object, e.g. "support_tickets"'),
  entries: z.array(fieldValuesSchema).min(1).max(500).describe('One field-value map per new entry'),
});

export function createEntriesTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'create_entries',
    description:
      'Create entries of an object, e.g. a new ticket ("new P1 ticket from Acme Corp: Unable to export data"). All are created or none. For tickets, set Opened Date (now unless told otherwise) and Status (Open).',
    inputSchema: createEntriesInput,
    outsideText: ['entries'],
    async run(input, context) {
      const { workspace } = deps;
      const definition = workspace.object(input.object);
      const ids = await createEntries(workspace, definition.name, input.entries, { by: changedBy(context) });
      const shown = await Promise.all(ids.slice(0, 10).map((id) => getEntry(workspace, definition.name, id)));
      return {
        object: definition.name,
        created: ids.length,
        entries: shown.map((row) => compactRow(row ?? {}, workspace.timeZone, 120)),
        ...(ids.length > 10 ? { more_ids: ids.slice(10) } : {}),
      };
    },
  });
}
