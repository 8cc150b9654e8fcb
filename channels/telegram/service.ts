// The bot as a service of `escalator serve`: registers the commands, then long-polls (the default) or serves a
// webhook, and stops cleanly (the poll cancelled, turns under way answered).
import { GrammyError, HttpError } from 'grammy';
import { EscalatorError } from '../../objects/errors';
import { botCommands } from './commands';
import type { TelegramBot } from './bot';
import { WebhookServer } from './webhook-server';

export type TelegramMode = { kind: 'polling' } | { kind: 'webhook'; url: string; secretToken: string; host?: string; port?: number };

export interface TelegramServiceOptions {
  telegram: TelegramBot;
  mode: TelegramMode;
  log?: (line: string) => void;
}

export class TelegramService {
  private polling: Promise<void> | undefined;
  private webhook: WebhookServer | undefined;

  constructor(private readonly options: TelegramServiceOptions) {}

  /** Connects to Telegram; a refused token or an unreachable server is an error that says what to check. */
  async start(): Promise<void> {
    const { bot } = this.options.telegram;
    const log = this.options.log;
    try {
      await bot.init();
      await bot.api.setMyCommands([...botCommands]);
    } catch (error) {
      throw explain(error);
    }
    if (this.options.mode.kind === 'webhook') {
      const mode = this.options.mode;
      const webhookOptions: ConstructorParameters<typeof WebhookServer>[0] = { bot, secretToken: mode.secretToken, path: new URL(mode.url).pathname };
      if (mode.host) webhookOptions.host = mode.host;
      if (mode.port !== undefined) webhookOptions.port = mode.port;
      if (log) webhookOptions.log = log;
      this.webhook = new WebhookServer(webhookOptions);
      const address = await this.webhook.listen();
      await bot.api.setWebhook(mode.url, { secret_token: mode.secretToken, allowed_updates: ['message', 'callback_query'] }).catch((error: unknown) => {
        throw explain(error);
      });
      log?.(`telegram: @${bot.botInfo.username} receives updates at ${mode.url} (listening on ${address.address}:${address.port})`);
      return;
    }
    let started!: () => void;
    const ready = new Promise<void>((resolve) => (started = resolve));
    this.polling = bot.start({ allowed_updates: ['message', 'callback_query'], onStart: () => started() });
    await Promise.race([ready, this.polling.then(() => undefined, (error: unknown) => Promise.reject(explain(error)))]);
    void this.polling.catch((error: unknown) => log?.(`telegram: polling stopped: ${explain(error).message}`));
    log?.(`telegram: @${bot.botInfo.username} is listening (long polling)`);
  }

  async stop(): Promise<void> {
    const { bot } = this.options.telegram;
    if (this.webhook) await this.webhook.close();
    if (this.polling && bot.isRunning()) {
      await bot.stop().catch(() => undefined);
      await this.polling.catch(() => undefined);
    }
    await this.options.telegram.idle();
  }
}

/** Telegram's refusals in words a person can act on. */
function explain(error: unknown): Error {
  if (error instanceof GrammyError && error.error_code === 401) {
    return new EscalatorError('Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token BotFather gave you again', { cause: error });
  }
  if (error instanceof GrammyError && error.error_code === 409) {
    return new EscalatorError('another program is already receiving this bot\'s updates (409 Conflict): stop it, or use another bot token', { cause: error });
  }
  if (error instanceof HttpError) return new EscalatorError(`cannot reach the Telegram Bot API (${error.message}); check the network or TELEGRAM_API_ROOT`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
