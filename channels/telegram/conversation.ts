// Messages to the agent: a typing indicator while it works, the reply in HTML parse mode (everything escaped, long
// replies split at line boundaries within Telegram's limit) and its charts as photos.
import { realpathSync } from 'node:fs';
import { relative, resolve, isAbsolute } from 'node:path';
import { Composer, InputFile, type Context } from 'grammy';
import { captionLimit, escapeHtml, splitPlainText } from './html';
import type { TelegramAgent } from './agent-port';
import { displayName } from './people';

export interface ConversationOptions {
  agent: TelegramAgent;
  /** Only files under this folder are sent as photos (the workspace). */
  attachmentRoot: string;
  /** How often the typing indicator is renewed while the agent works (Telegram shows it for 5 s). */
  typingEveryMs?: number;
  /** Turns run without blocking the bot's update loop (button presses stay instant); the service awaits them. */
  track: (turn: Promise<unknown>) => void;
  log?: (line: string) => void;
}

export function conversationComposer(options: ConversationOptions): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message:text', (ctx) => {
    options.track(
      answer(ctx, options).catch((error: unknown) => {
        options.log?.(`telegram: reply to chat ${ctx.chat.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }),
    );
  });
  return composer;
}

async function answer(ctx: Context & { chat: { id: number }; message: { text: string } }, options: ConversationOptions): Promise<void> {
  const stopTyping = keepTyping(ctx, options.typingEveryMs ?? 4000);
  let reply;
  try {
    reply = await options.agent.handle({ chat: { channel: 'telegram', id: String(ctx.chat.id) }, user: displayName(ctx.from), text: ctx.message.text });
  } finally {
    stopTyping();
  }
  for (const chunk of splitPlainText(reply.text)) {
    await ctx.reply(chunk, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
  }
  for (const attachment of reply.attachments ?? []) {
    const path = insideRoot(attachment.path, options.attachmentRoot);
    if (!path) {
      await ctx.reply(escapeHtml(`(a picture outside the workspace was not sent: ${attachment.path})`), { parse_mode: 'HTML' });
      continue;
    }
    const caption = attachment.caption ? splitPlainText(attachment.caption, { limit: captionLimit })[0] : undefined;
    await ctx.replyWithPhoto(new InputFile(path), caption ? { caption, parse_mode: 'HTML' } : {});
  }
}

/** Sends "typing…" now and every `everyMs` until stopped; a failed indicator never fails the turn. */
function keepTyping(ctx: Context, everyMs: number): () => void {
  const send = () => void ctx.replyWithChatAction('typing').catch(() => undefined);
  send();
  const timer = setInterval(send, everyMs);
  return () => clearInterval(timer);
}

/** The real path of `path` when it lies inside `root`, else undefined. */
function insideRoot(path: string, root: string): string | undefined {
  try {
    const real = realpathSync(resolve(root, path));
    const from = relative(realpathSync(root), real);
    return from && !from.startsWith('..') && !isAbsolute(from) ? real : undefined;
  } catch {
    return undefined;
  }
}
