// What the ticket page shows, read from the workspace: the entry, its account and the account's other open
// tickets, SLA clocks, field history, and which alert actions still make sense.
import { ensureAlertTables, offeredActions, type AlertRef } from '../channels/telegram/alert-actions';
import type { AlertAction } from '../channels/telegram/alert-keyboard';
import { loadAlert } from '../channels/telegram/alert-messages';
import { ensureJobTables } from '../jobs/tables';
import { slaPolicy } from '../jobs/sla-config';
import type { Row } from '../objects/database';
import { readDocument } from '../objects/documents';
import { getEntry } from '../objects/entries';
import { quoteIdentifier, tableName, viewName, findField, type ObjectDefinition } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { customerRelation } from './board-data';
import { slaForRows, type CardSla } from './card-sla';
import type { HistoryRow } from './pages/entry-page';

export interface EntryData {
  definition: ObjectDefinition;
  entry: Row;
  account?: { object: ObjectDefinition; entry: Row; otherOpen: Row[] };
  sla: CardSla | undefined;
  history: HistoryRow[];
  actions: AlertAction[];
  /** The entry's document (post-escalation review, account history), markdown as written. */
  document?: string;
}

/**
 * The alert the page's buttons act on: the entry's latest Telegram alert when there is one (so a snooze reminds
 * that chat, and the alert's log shows the web action), else a web-only reference (no snooze: nobody to remind).
 */
export async function alertFor(workspace: Workspace, object: string, entryId: string): Promise<{ ref: AlertRef; fromTelegram: boolean }> {
  await ensureJobTables(workspace.db);
  const [latest] = await workspace.db.query<{ id: string }>(
    `SELECT id FROM outbox WHERE channel = 'telegram' AND json_extract_string(payload, '$.kind') = 'alert'
       AND json_extract_string(payload, '$.object') = $1 AND json_extract_string(payload, '$.entryId') = $2 ORDER BY sequence DESC LIMIT 1`,
    [object, entryId],
  );
  const alert = latest ? await loadAlert(workspace, latest.id) : undefined;
  if (alert) return { ref: { alertId: alert.alertId, object, entryId, chatId: alert.chatId }, fromTelegram: true };
  return { ref: { alertId: `web:${object}:${entryId}`, object, entryId, chatId: '' }, fromTelegram: false };
}

/** The ticket page's data, or undefined when the entry does not exist. */
export async function loadEntry(workspace: Workspace, objectName: string, id: string): Promise<EntryData | undefined> {
  const definition = workspace.object(objectName);
  const relation = customerRelation(definition);
  const [base] = await workspace.db.query(`SELECT * FROM ${tableName(definition.name)} WHERE id = $1`, [id]);
  if (!base) return undefined;
  const entry = (await getEntry(workspace, definition.name, id))!;
  let account: EntryData['account'];
  const accountId = relation ? (base[relation.column] as string | null) : null;
  if (relation?.relatedObject && accountId) {
    const object = workspace.object(relation.relatedObject);
    const accountEntry = await getEntry(workspace, object.name, accountId);
    if (accountEntry) {
      entry['__customer tier'] = accountEntry['Account Tier'] ?? null;
      const status = findField(definition, slaPolicy(workspace).fields.status);
      const closed = slaPolicy(workspace).closed_statuses;
      const openCondition = status ? `AND coalesce(e.${quoteIdentifier(status.column)}, '') NOT IN (SELECT unnest(from_json($3, '["VARCHAR"]')))` : 'AND $3::VARCHAR IS NOT NULL';
      const otherOpen = await workspace.db.query(
        `SELECT v.* FROM ${tableName(definition.name)} AS e JOIN ${viewName(definition.name)} AS v ON v.id = e.id
         WHERE e.${quoteIdentifier(relation.column)} = $1 AND e.id <> $2 ${openCondition} ORDER BY e.created_at, e.id LIMIT 50`,
        [accountId, id, JSON.stringify(closed)],
      );
      account = { object, entry: accountEntry, otherOpen };
    }
  }
  const sla = (await slaForRows(workspace, definition.name, [entry], workspace.clock.now())).get(id);
  const history = await workspace.db.query<HistoryRow & Row>(
    `SELECT field, old_value, new_value, changed_at, changed_by FROM field_changes WHERE object = $1 AND entry_id = $2 ORDER BY changed_at DESC, rowid DESC LIMIT 200`,
    [definition.name, id],
  );
  await ensureAlertTables(workspace.db);
  await nameRelations(workspace, definition, history);
  const { ref, fromTelegram } = await alertFor(workspace, definition.name, id);
  const actions = (await offeredActions(workspace, ref)).filter((action) => action !== 'snooze' || fromTelegram);
  const data: EntryData = { definition, entry, sla, history, actions };
  if (account) data.account = account;
  const document = readDocument(workspace, definition.name, id);
  if (document !== undefined) data.document = document.length > 200_000 ? `${document.slice(0, 200_000)}\n…` : document;
  return data;
}

/** Replaces the entry ids that relation fields' history holds with the related entries' display names. */
async function nameRelations(workspace: Workspace, definition: ObjectDefinition, history: HistoryRow[]): Promise<void> {
  for (const field of definition.fields) {
    if (field.type !== 'relation' || !field.relatedObject) continue;
    const changes = history.filter((change) => change.field === field.name);
    const ids = [...new Set(changes.flatMap((change) => [change.old_value, change.new_value]).filter((id): id is string => id !== null))];
    if (ids.length === 0) continue;
    const related = workspace.object(field.relatedObject);
    const display = findField(related, related.displayField);
    if (!display || display.type === 'action' || display.type === 'relation') continue;
    const rows = await workspace.db.query<{ id: string; name: string | null }>(
      `SELECT id, ${quoteIdentifier(display.column)} AS name FROM ${tableName(related.name)} WHERE id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`,
      [JSON.stringify(ids)],
    );
    const names = new Map(rows.map((row) => [row.id, row.name ?? row.id]));
    for (const change of changes) {
      if (change.old_value !== null) change.old_value = names.get(change.old_value) ?? change.old_value;
      if (change.new_value !== null) change.new_value = names.get(change.new_value) ?? change.new_value;
    }
  }
}
