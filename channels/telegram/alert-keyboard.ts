// The inline buttons under an alert and what their callback data says: "al:<action>:<outbox message id>" (at most
// 64 bytes, as Telegram requires).
import type { InlineKeyboardMarkup } from 'grammy/types';
import { alertActions, type AlertAction } from '../../jobs/alert-actions';

export { alertActions, type AlertAction };

const labels: Record<AlertAction, string> = { ack: 'Acknowledge', resolve: 'Resolve', snooze: 'Snooze 1 h', escalate: 'Escalate', mute: 'Mute 24h' };

/** The buttons for an alert; `offered` leaves out actions that no longer make sense (none once resolved). */
export function alertKeyboard(alertId: string, offered: readonly AlertAction[] = alertActions): InlineKeyboardMarkup | undefined {
  const buttons = alertActions.filter((action) => offered.includes(action)).map((action) => ({ text: labels[action], callback_data: `al:${action}:${alertId}` }));
  if (buttons.length === 0) return undefined;
  const rows = [];
  for (let index = 0; index < buttons.length; index += 2) rows.push(buttons.slice(index, index + 2));
  return { inline_keyboard: rows };
}

/** The action and alert a button press names, or undefined for data that is not an alert button's. */
export function parseAlertButton(data: string): { action: AlertAction; alertId: string } | undefined {
  const match = /^al:([a-z]+):([A-Za-z0-9_-]{1,56})$/.exec(data);
  if (!match || !(alertActions as readonly string[]).includes(match[1]!)) return undefined;
  return { action: match[1] as AlertAction, alertId: match[2]! };
}
