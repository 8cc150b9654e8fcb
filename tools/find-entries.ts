// find_entries: entries matching a filter and/or a saved view, as compact rows with display names.
import { z } from 'zod';
import { countEntries, findEntries } from '../objects/entries';
import { canonicalFilterSchema, type Filter } from '../objects/filter';
import type { Workspace } from '../objects/workspace';
import { sortInputSchema } from './create-view';
import { compactRow } from './results';
import { defineTool } from './tool';

export const findEntriesInput = z.object({
  object: z.string().describe('The object, e.g. "support_tickets"'),
  filter: canonicalFilterSchema.optional().describe('Which entries; "open" tickets are Status none of Resolved, Closed'),
  view: z.string().optional().describe('A saved view of the object whose filter and sort apply'),
  sort: z.array(sortInputSchema).optional().describe('Sort order (the view\'s when omitted)'),
  fields: z.array(z.string()).optional().describe('Only these fields in each row (id is always included)'),
  limit: z.number().int().min(1).max(200).default(25).describe('At most this many rows (default 25)'),
});

export function findEntriesTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'find_entries',
    description:
      'List entries of an object matching a filter or a saved view, with the total count. Use for "escalated tickets for Acme Corp", "open P1 tickets", and to find ids before update_entries. For counts per group or joins, use query.',
    inputSchema: findEntriesInput,
    outsideText: ['entries'],
    async run(input) {
      const { workspace } = deps;
      const definition = workspace.object(input.object);
      const query: Parameters<typeof findEntries>[2] = { limit: input.limit };
      if (input.filter) query.filter = input.filter as Filter;
      if (input.view) query.view = input.view;
      if (input.sort) query.sort = input.sort;
      const rows = await findEntries(workspace, definition.name, query);
      let total = rows.length;
      if (rows.length >= input.limit) {
        const view = input.view ? definition.views.find((candidate) => candidate.name.toLowerCase() === input.view!.toLowerCase()) : undefined;
        const filters = [view?.filter, input.filter as Filter | undefined].filter((filter): filter is Filter => filter !== undefined);
        total = await countEntries(workspace, definition.name, filters.length > 1 ? { all: filters } : filters[0]);
      }
      const pick = input.fields?.length ? new Set(['id', ...input.fields.map((field) => field.toLowerCase())]) : undefined;
      return {
        object: definition.name,
        total,
        shown: rows.length,
        entries: rows.map((row) => {
          const compact = compactRow(row, workspace.timeZone, 160);
          if (!pick) return compact;
          return Object.fromEntries(Object.entries(compact).filter(([key]) => pick.has(key.toLowerCase())));
        }),
      };
    },
  });
}
