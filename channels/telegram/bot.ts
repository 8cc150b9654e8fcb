// The Telegram bot: grammY with one Composer per feature — access first (unpaired chats stop there), then
// commands, alert buttons, and the conversation with the agent.
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, type Composer, type Context } from 'grammy';
import type { Workspace } from '../../objects/workspace';
import { accessComposer } from './access';
import type { TelegramAgent } from './agent-port';
import { commandsComposer, type CommandsOptions } from './commands';
import { conversationComposer } from './conversation';
import type { PairingStore } from './pairings';

export interface TelegramBotOptions {
  token: string;
  /** Another Bot API server (TELEGRAM_API_ROOT): a local one, or the fake in tests. */
  apiRoot?: string;
  workspace: Workspace;
  /** The agent free text goes to; without one the bot answers commands and buttons and says chat is unavailable. */
  agent?: TelegramAgent;
  allowedChats: ReadonlySet<number>;
  pairings: PairingStore;
  /** The alert buttons' composer (channels/telegram/alert-buttons.ts), when alerts are wired. */
  alertButtons?: Composer<Context>;
  /** Commands from other layers (/sla, /jobs). */
  extraCommands?: CommandsOptions['extra'];
  /** Renewal period of the typing indicator. */
  typingEveryMs?: number;
  log?: (line: string) => void;
}

export interface TelegramBot {
  bot: Bot<Context>;
  /** Resolves when every conversation turn under way has been answered. */
  idle(): Promise<void>;
}

/** Retries for replies and edits: 429 waits its retry_after (up to 30 s), 5xx a few times; a dropped connection fails at once (auto-retry would otherwise retry it for ever). */
export const replyRetry = { maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true } as const;

export function createTelegramBot(options: TelegramBotOptions): TelegramBot {
  const bot = new Bot<Context>(options.token, options.apiRoot ? { client: { apiRoot: options.apiRoot } } : {});
  bot.api.config.use(autoRetry(replyRetry));
  const turns = new Set<Promise<unknown>>();
  const track = (turn: Promise<unknown>) => {
    turns.add(turn);
    void turn.finally(() => turns.delete(turn));
  };
  bot.use(accessComposer(options.log ? { allowedChats: options.allowedChats, pairings: options.pairings, log: options.log } : options));
  bot.use(commandsComposer(options.extraCommands ? { workspace: options.workspace, extra: options.extraCommands } : { workspace: options.workspace }));
  if (options.alertButtons) bot.use(options.alertButtons);
  if (options.agent) {
    const conversation: Parameters<typeof conversationComposer>[0] = { agent: options.agent, attachmentRoot: options.workspace.dir, track };
    if (options.typingEveryMs !== undefined) conversation.typingEveryMs = options.typingEveryMs;
    if (options.log) conversation.log = options.log;
    bot.use(conversationComposer(conversation));
  } else {
    bot.on('message:text', (ctx) => ctx.reply('Conversation is not available in this process (no agent is configured); the commands work: /help.'));
  }
  bot.catch((error) => options.log?.(`telegram: update ${error.ctx.update.update_id} failed: ${error.message}`));
  return {
    bot,
    idle: async () => {
      while (turns.size > 0) await Promise.allSettled([...turns]);
    },
  };
}
