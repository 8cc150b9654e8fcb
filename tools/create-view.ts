// create_view: a saved view (filter and sort) on an object, written into its .object.yaml.
import { z } from 'zod';
import { filterInputSchema, toolFilter } from '../objects/filter';
import { countEntries } from '../objects/entries';
import { findField } from '../objects/object-schema';
import { resolveField } from '../objects/filter-compiler';
import { EscalatorError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { defineTool } from './tool';

export const sortInputSchema = z.object({
  field: z.string().describe('Field to sort by (enums sort by option order: P1 before P2)'),
  direction: z.enum(['asc', 'desc']).default('asc').describe('asc or desc'),
});

export const createViewInput = z.object({
  object: z.string().describe('The object the view is on, e.g. "support_tickets"'),
  name: z.string().min(1).describe('The view\'s name, e.g. "Open Tickets with Account Context"'),
  filter: filterInputSchema.optional().describe('Which entries the view shows'),
  sort: z.array(sortInputSchema).optional().describe('Sort order, first key first'),
  columns: z.array(z.string()).optional().describe('Fields to show, in order (all when omitted); may reach through a relation'),
  description: z.string().optional().describe('What the view is for'),
});

export function createViewTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'create_view',
    description: 'Save a named view (filter + sort) on an object, or replace the view of the same name. Use find_entries with view to read it.',
    inputSchema: createViewInput,
    async run(input) {
      const { workspace } = deps;
      const definition = workspace.object(input.object);
      for (const column of input.columns ?? []) {
        if (findField(definition, column) || column.trim().toLowerCase() === 'id') continue;
        try {
          resolveField(definition, column.trim(), workspace.objects);
        } catch (error) {
          throw new EscalatorError(`columns: ${(error as Error).message}`, { cause: error });
        }
      }
      const raw = structuredClone(definition.raw);
      const views = ((raw.views as Record<string, unknown>[] | undefined) ?? []).filter(
        (view) => String(view.name).toLowerCase() !== input.name.trim().toLowerCase(),
      );
      const replaced = views.length < ((raw.views as unknown[] | undefined)?.length ?? 0);
      const view: Record<string, unknown> = { name: input.name.trim() };
      if (input.description) view.description = input.description;
      if (input.filter) view.filters = toolFilter(input.filter);
      if (input.sort?.length) view.sort = input.sort;
      if (input.columns?.length) view.columns = input.columns;
      raw.views = [...views, view];
      const saved = await workspace.saveObject(raw);
      const savedView = saved.views.find((candidate) => candidate.name === view.name)!;
      return {
        object: saved.name,
        view: view.name,
        ...(replaced ? { replaced: true } : {}),
        filter: savedView.filter ?? null,
        sort: savedView.sort,
        matching_now: await countEntries(workspace, saved.name, savedView.filter),
      };
    },
  });
}
