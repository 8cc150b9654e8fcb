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
import { documentAuthor, type DocumentAuthor } from './document-authors';
import type { HistoryRow } from './pages/entry-page';

export interface EntryData {
  definition: ObjectDefinition;
  entry: Row;
  account?: AccountContext;
  sla: CardSla | undefined;
  history: HistoryRow[];
  actions: AlertAction[];
  /** The entry's document (post-escalation review, account history), markdown as written. */
  document?: string;
  /** Who last saved the document on the board, if anyone did. */
  documentAuthor?: DocumentAuthor;
}

/** The customer behind an entry: its fields, its other open tickets and the latest escalations of its tickets. */
export interface AccountContext {
  object: ObjectDefinition;
  entry: Row;
  otherOpen: Row[];
  escalations: EscalationRow[];
}

/** One row of v_escalations for the ticket page, with the title of the ticket it raised. */
export interface EscalationRow {
  entry_id: string;
  title: string | null;
  from_tier: string | null;
  to_tier: string;
  escalated_at: Date;
  /** "job support-escalation, rule p1-no-first-response", "Priya Patel (web)", "webhook zendesk". */
  by: string;
}

/** How many of an account's escalations the ticket page lists. */
export const escalationsShown = 10;

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
      account = { object, entry: accountEntry, otherOpen, escalations: await accountEscalations(workspace, definition, relation.column, accountId) };
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
  if (document !== undefined) {
    data.document = document.length > 200_000 ? `${document.slice(0, 200_000)}\n…` : document;
    const author = await documentAuthor(workspace.db, definition.name, id, document);
    if (author) data.documentAuthor = author;
  }
  return data;
}

/** The latest escalations of the account's entries of this object (the entry's own included), newest first. */
async function accountEscalations(workspace: Workspace, definition: ObjectDefinition, customerColumn: string, accountId: string): Promise<EscalationRow[]> {
  const title = findField(definition, definition.displayField);
  const titleSql = title && title.type !== 'action' && title.type !== 'relation' ? `t.${quoteIdentifier(title.column)}` : 'NULL';
  const rows = await workspace.db.query<Row & Omit<EscalationRow, 'by'> & { by_kind: string | null; job: string | null; rule: string | null; person: string | null; channel: string | null; changed_by: string }>(
    `SELECT x.entry_id, ${titleSql}::VARCHAR AS title, x.from_tier, x.to_tier, x.escalated_at, x.by_kind, x.job, x.rule, x.person, x.channel, x.changed_by
       FROM v_escalations AS x JOIN ${tableName(definition.name)} AS t ON t.id = x.entry_id
      WHERE x.object = $1 AND t.${quoteIdentifier(customerColumn)} = $2
      ORDER BY x.escalated_at DESC, x.entry_id LIMIT ${escalationsShown}`,
    [definition.name, accountId],
  );
  return rows.map((row) => ({ entry_id: row.entry_id, title: row.title, from_tier: row.from_tier, to_tier: row.to_tier, escalated_at: row.escalated_at, by: escalatedBy(row) }));
}

/** Who raised the tier, in words: the job and its rule, a person and their channel, or the raw changed_by. */
function escalatedBy(row: { job: string | null; rule: string | null; person: string | null; channel: string | null; changed_by: string }): string {
  if (row.job) return `job ${row.job}${row.rule ? `, rule ${row.rule}` : ''}`;
  if (row.person) return `${row.person}${row.channel ? ` (${row.channel})` : ''}`;
  return row.changed_by;
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
