// update_entries: change fields of entries named by id or display name; every change is recorded. More than a few
// entries at once change only with confirm=true after a preview the person agreed to.
import { z } from 'zod';
import { getEntry, resolveEntryId, updateEntries } from '../objects/entries';
import type { Workspace } from '../objects/workspace';
import { Confirmations } from './confirmations';
import { fieldValuesSchema } from './entry-values';
import { changedBy, defineTool } from './tool';

/** Entries one call may change without the person's confirmation. */
export const unconfirmedEntryLimit = 5;

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
  confirm: z
    .boolean()
    .default(false)
    .describe(`Needed when more than ${unconfirmedEntryLimit} entries change: false previews (count and titles), true applies once the person agreed in their own message`),
});

export function updateEntriesTool(deps: { workspace: Workspace; confirmations?: Confirmations }) {
  const confirmations = deps.confirmations ?? new Confirmations();
  return defineTool({
    name: 'update_entries',
    description: `Change fields of existing entries: resolve a ticket (Status Resolved + Resolved Date now), record a first response (First Response Date now), assign it (Assigned To). Find ids first with find_entries when a name is ambiguous. Changing more than ${unconfirmedEntryLimit} entries previews first: say the count and titles back, and call again with confirm=true only after the person agrees.`,
    inputSchema: updateEntriesInput,
    outsideText: ['changed', 'examples'],
    async run(input, context) {
      const { workspace } = deps;
      const definition = workspace.object(input.object);
      const updates = [];
      for (const update of input.updates) {
        updates.push({ id: await resolveEntryId(workspace.db, definition, update.entry), values: update.values });
      }
      const ids = [...new Set(updates.map((update) => update.id))];
      let action: string | undefined;
      if (ids.length > unconfirmedEntryLimit) {
        action = `update_entries ${JSON.stringify([definition.name, [...updates].sort((a, b) => a.id.localeCompare(b.id))])}`;
        if (!input.confirm || !confirmations.allows(context, action)) {
          confirmations.previewed(context, action);
          const examples = [];
          for (const id of ids.slice(0, 5)) examples.push({ id, [definition.displayField]: (await getEntry(workspace, definition.name, id))?.[definition.displayField] ?? null });
          const fields = [...new Set(updates.flatMap((update) => Object.keys(update.values)))];
          return {
            object: definition.name,
            changed: [],
            preview: `This would change ${ids.length} ${definition.name} entries (${fields.join(', ')}). Nothing is changed yet.`,
            entries: ids.length,
            values: sameValues(updates.map((update) => update.values)),
            examples,
            next_step: input.confirm
              ? 'Nothing changed: confirm=true counts only after the person agreed to this preview in a later message. Say it back and ask them.'
              : `Nothing changed yet. Tell the person the count and a few titles; call again with the same updates and confirm=true after they agree.`,
          };
        }
      }
      const changes = await updateEntries(workspace, definition.name, updates, { by: changedBy(context) });
      if (action) confirmations.used(context, action);
      return {
        object: definition.name,
        changed: changes.map((change) => ({ entry: change.entryId, field: change.field, from: change.oldValue, to: change.newValue })),
        ...(changes.length === 0 ? { note: 'nothing changed: the entries already had these values' } : {}),
      };
    },
  });
}

/** Each field's new value when every update sets it the same, "(differs per entry)" otherwise. */
function sameValues(values: readonly Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of new Set(values.flatMap((value) => Object.keys(value)))) {
    const set = new Set(values.map((value) => JSON.stringify(value[field] ?? null)));
    out[field] = set.size === 1 ? (values.find((value) => field in value)?.[field] ?? null) : '(differs per entry)';
  }
  return out;
}
