// Names of related entries the offline brain recognises in text ("Acme Corp", "Initech"): the display names of the
// entries each relation field of an object points at.
import { findField, quoteIdentifier, tableName } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import type { EntityNames } from './conditions';

/** Display names of the entries related objects hold, per relation field of `objectName`. */
export async function entityNames(workspace: Workspace, objectName: string): Promise<EntityNames[]> {
  const definition = workspace.object(objectName);
  const result: EntityNames[] = [];
  for (const field of definition.fields) {
    if (field.type !== 'relation' || !field.relatedObject) continue;
    const names = await displayNames(workspace, field.relatedObject);
    if (names.length) result.push({ path: field.name, names });
  }
  return result;
}

/** The display names of an object's entries (at most 2000, which is plenty for account names). */
export async function displayNames(workspace: Workspace, objectName: string): Promise<string[]> {
  const related = workspace.objects.get(objectName);
  const display = related ? findField(related, related.displayField) : undefined;
  if (!related || !display || display.type === 'action') return [];
  const rows = await workspace.db.query<{ name: string }>(
    `SELECT DISTINCT ${quoteIdentifier(display.column)} AS name FROM ${tableName(related.name)} WHERE ${quoteIdentifier(display.column)} IS NOT NULL AND length(${quoteIdentifier(display.column)}) > 1 LIMIT 2000`,
  );
  return rows.map((row) => String(row.name));
}
