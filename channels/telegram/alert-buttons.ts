// The alert buttons as a grammY Composer: a press is checked against the alert it names (this chat, this message),
// the action performed by code (alert-actions.ts), the press answered with what happened or why nothing did, and the
// alert edited in place.
import { Composer, type Context } from 'grammy';
import type { Workspace } from '../../objects/workspace';
import { performAlertAction } from './alert-actions';
import { parseAlertButton } from './alert-keyboard';
import { loadAlert, refreshAlertMessage } from './alert-messages';
import { changedBy, displayName } from './people';

export interface AlertButtonsOptions {
  workspace: Workspace;
  /** Told after a snooze, so the reminder timer is armed. */
  onSnoozed?: () => void;
  log?: (line: string) => void;
}

export function alertButtonsComposer(options: AlertButtonsOptions): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('callback_query:data', async (ctx, next) => {
    const pressed = parseAlertButton(ctx.callbackQuery.data);
    if (!pressed) return next();
    const { workspace } = options;
    const message = ctx.callbackQuery.message;
    const alert = await loadAlert(workspace, pressed.alertId);
    if (!alert || !message) {
      await ctx.answerCallbackQuery({ text: 'This alert is no longer known here; nothing was changed.', show_alert: true });
      return;
    }
    if (alert.chatId !== String(message.chat.id) || alert.remoteId !== String(message.message_id)) {
      await ctx.answerCallbackQuery({ text: 'These buttons belong to another alert message; nothing was changed. Use the buttons on the latest alert.', show_alert: true });
      return;
    }
    const outcome = await performAlertAction(workspace, alert, pressed.action, { name: displayName(ctx.from), by: changedBy(ctx.from) });
    await ctx.answerCallbackQuery(outcome.done ? { text: outcome.summary } : { text: outcome.reason, show_alert: true });
    if (outcome.done && pressed.action === 'snooze') options.onSnoozed?.();
    await refreshAlertMessage(ctx.api, workspace, alert, message.message_id).catch((error: unknown) => {
      options.log?.(`telegram: could not update alert ${alert.alertId}: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  return composer;
}
