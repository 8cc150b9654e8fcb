// An alert as the outbox recorded it (text, entry, chat, Telegram message id) and as it is shown after buttons were
// pressed: the original text, what was done by whom and when, the ticket's state now, and the buttons still useful.
import type { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { getEntry } from '../../objects/entries';
import { formatTime } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import { ensureJobTables } from '../../jobs/tables';
import { alertActionLog, offeredActions, type AlertRef } from './alert-actions';
import { alertKeyboard } from './alert-keyboard';
import { escapeHtml, messageLimit } from './html';

export interface StoredAlert extends AlertRef {
  text: string;
  /** The Telegram message id the outbox stored when it delivered the alert. */
  remoteId: string | null;
  payload: Record<string, unknown>;
}

/** The alert behind an outbox message id, or undefined when it is not an alert about an entry. */
export async function loadAlert(workspace: Workspace, alertId: string): Promise<StoredAlert | undefined> {
  await ensureJobTables(workspace.db);
  const [row] = await workspace.db.query<{ channel: string; recipient: string; text: string; payload: string; remote_id: string | null }>(
    'SELECT channel, recipient, text, payload, remote_id FROM outbox WHERE id = $1',
    [alertId],
  );
  if (!row || row.channel !== 'telegram') return undefined;
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  if (payload.kind !== 'alert' || typeof payload.object !== 'string' || typeof payload.entryId !== 'string') return undefined;
  return { alertId, object: payload.object, entryId: payload.entryId, chatId: row.recipient, text: row.text, remoteId: row.remote_id, payload };
}

/** The alert's text and buttons as they should look now. */
export async function currentAlertView(workspace: Workspace, alert: StoredAlert): Promise<{ text: string; keyboard: InlineKeyboardMarkup | undefined }> {
  const log = await alertActionLog(workspace.db, alert.alertId);
  const lines = [escapeHtml(alert.text)];
  if (log.length > 0) {
    lines.push('', ...log.map((entry) => `<b>${escapeHtml(entry.summary)}</b>`));
    const now = await stateLine(workspace, alert);
    if (now) lines.push(escapeHtml(now));
  }
  let text = lines.join('\n');
  if (text.length > messageLimit) text = `${escapeHtml(alert.text.slice(0, 1500))}…\n\n${lines.slice(1).join('\n')}`.slice(0, messageLimit);
  return { text, keyboard: alertKeyboard(alert.alertId, await offeredActions(workspace, alert)) };
}

/** Edits the alert message in place; an edit that changes nothing is not an error. */
export async function refreshAlertMessage(api: Api, workspace: Workspace, alert: StoredAlert, messageId: number): Promise<void> {
  const view = await currentAlertView(workspace, alert);
  try {
    await api.editMessageText(Number(alert.chatId), messageId, view.text, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(view.keyboard ? { reply_markup: view.keyboard } : {}),
    });
  } catch (error) {
    if (!/message is not modified/.test(String((error as Error).message))) throw error;
  }
}

/** "Now: In Progress · first response 10:05 · assigned to Priya Patel · Tier 2 - Engineering". */
async function stateLine(workspace: Workspace, alert: AlertRef): Promise<string | undefined> {
  const entry = await getEntry(workspace, alert.object, alert.entryId);
  if (!entry) return undefined;
  const parts: string[] = [];
  if (entry.Status) parts.push(String(entry.Status));
  if (entry['First Response Date'] instanceof Date) parts.push(`first response ${formatTime(entry['First Response Date'], workspace.timeZone)}`);
  if ('Assigned To' in entry) parts.push(entry['Assigned To'] ? `assigned to ${String(entry['Assigned To'])}` : 'unassigned');
  if (entry['Escalation Tier']) parts.push(String(entry['Escalation Tier']));
  return parts.length ? `Now: ${parts.join(' · ')}` : undefined;
}
