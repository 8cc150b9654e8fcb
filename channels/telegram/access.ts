// The bot's door: allow-listed and approved chats pass; any other chat gets a pairing code and nothing else — no
// data, no command output, and its button presses change nothing.
import { Composer, type Context } from 'grammy';
import { printable } from '../../objects/printable';
import { escapeHtml } from './html';
import type { PairingStore } from './pairings';

export interface AccessOptions {
  /** TELEGRAM_ALLOWED_CHATS: always let in. */
  allowedChats: ReadonlySet<number>;
  pairings: PairingStore;
  /** Called when a new chat asks to pair (the server log). */
  log?: (line: string) => void;
}

/** Whether a chat may use the bot. */
export async function chatIsAllowed(chatId: number, options: Pick<AccessOptions, 'allowedChats' | 'pairings'>): Promise<boolean> {
  return options.allowedChats.has(chatId) || (await options.pairings.isApproved(chatId));
}

export function accessComposer(options: AccessOptions): Composer<Context> {
  const composer = new Composer<Context>();
  composer.use(async (ctx, next) => {
    const chat = ctx.chat;
    if (!chat) return; // inline queries and the like: the bot offers nothing there
    if (await chatIsAllowed(chat.id, options)) return next();
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: 'This chat is not paired with escalator, so buttons here do nothing.', show_alert: true });
      return;
    }
    if (!ctx.message) return;
    const name = chat.type === 'private' ? [chat.first_name, chat.last_name].filter(Boolean).join(' ') || chat.username || null : chat.title;
    const code = await options.pairings.requestCode(chat.id, name ?? null);
    if (!code) return next(); // approved between the two look-ups
    // The name is the stranger's own text: printed escaped, so it cannot start a line of its own in the log.
    options.log?.(`telegram: chat ${chat.id}${name ? ` (${printable(name, { max: 130 })})` : ''} asks to pair with code ${code}`);
    await ctx.reply(
      [
        'This chat is not paired with escalator yet.',
        `Pairing code: <code>${escapeHtml(code)}</code>`,
        `Ask the workspace owner to run <code>escalator pair approve ${escapeHtml(code)}</code>, then write again.`,
      ].join('\n'),
      { parse_mode: 'HTML' },
    );
  });
  return composer;
}
