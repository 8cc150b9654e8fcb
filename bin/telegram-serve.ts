// The Telegram bot as a service of `escalator serve`, started when TELEGRAM_BOT_TOKEN is set: the bot (long polling,
// or a webhook when TELEGRAM_WEBHOOK_URL is set), the Telegram deliverer of the outbox, and snooze reminders.
import { alertButtonsComposer } from '../channels/telegram/alert-buttons';
import { buildAgent } from '../agent/build-agent';
import { createTelegramBot } from '../channels/telegram/bot';
import { telegramDeliverer } from '../channels/telegram/deliverer';
import { PairingStore } from '../channels/telegram/pairings';
import { TelegramService, type TelegramMode } from '../channels/telegram/service';
import { SnoozeReminders } from '../channels/telegram/snooze-reminders';
import { EscalatorError } from '../objects/errors';
import type { Env } from './env';
import { agentSettings } from './commands/chat';
import type { ServeService } from './services';

/** TELEGRAM_ALLOWED_CHATS as numbers. */
export function allowedChats(env: Env): Set<number> {
  return new Set((env.TELEGRAM_ALLOWED_CHATS ?? '').split(',').map((id) => id.trim()).filter(Boolean).map(Number));
}

/** Long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set (then TELEGRAM_WEBHOOK_SECRET is required). */
export function telegramMode(env: Env): TelegramMode {
  if (!env.TELEGRAM_WEBHOOK_URL) return { kind: 'polling' };
  if (!env.TELEGRAM_WEBHOOK_SECRET) throw new EscalatorError('TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: choose a secret (A-Z, a-z, 0-9, _ and -) so only Telegram can post updates');
  const mode: TelegramMode = { kind: 'webhook', url: env.TELEGRAM_WEBHOOK_URL, secretToken: env.TELEGRAM_WEBHOOK_SECRET };
  if (env.TELEGRAM_WEBHOOK_PORT) mode.port = Number(env.TELEGRAM_WEBHOOK_PORT);
  return mode;
}

export const telegramServeService: ServeService = {
  name: 'telegram',
  async start(context) {
    const { env, workspace, clock, runtime, log } = context;
    const token = env.TELEGRAM_BOT_TOKEN;
    if (!token) return undefined;
    const apiRoot = env.TELEGRAM_API_ROOT?.replace(/\/+$/, '');
    const mode = telegramMode(env);
    const reminders = new SnoozeReminders({ workspace, clock, log });
    // The same agent as the terminal chat: Claude with ANTHROPIC_API_KEY, the offline brain without.
    const built = buildAgent(workspace, agentSettings(env, { offline: false, log }));
    const agent = built.agent;
    const telegram = createTelegramBot({
      token,
      ...(apiRoot ? { apiRoot } : {}),
      workspace,
      ...(agent ? { agent } : {}),
      allowedChats: allowedChats(env),
      pairings: new PairingStore(workspace.db, clock),
      alertButtons: alertButtonsComposer({ workspace, onSnoozed: () => reminders.wake(), log }),
      log,
    });
    const service = new TelegramService({ telegram, mode, log });
    await service.start();
    runtime.outbox.register(telegramDeliverer({ token, ...(apiRoot ? { apiRoot } : {}) }));
    await reminders.start();
    return {
      description: `Telegram bot @${telegram.bot.botInfo.username} (${mode.kind === 'webhook' ? `webhook ${mode.url}` : 'long polling'}; agent: ${built.description})`,
      async stop() {
        await reminders.stop();
        await service.stop();
      },
    };
  },
};
