// The Telegram deliverer of the jobs outbox: sends each message to its chat in HTML (escaped), with Acknowledge /
// Resolve / Snooze / Escalate buttons under alerts, and returns the Telegram message id, which the outbox stores
// against the row. 5xx, 429 and network failures are retryable (a 429 holds that chat for its retry_after; the others
// make the outbox probe Telegram with getMe until it answers); other refusals are permanent. Messages to one chat are
// spaced as Telegram allows (about one a second in a private chat, twenty a minute in a group), and the bot as a whole
// sends at most about thirty a second.
import { existsSync } from 'node:fs';
import { autoRetry } from '@grammyjs/auto-retry';
import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import { PermanentDeliveryError, RetryableDeliveryError, type Deliverer, type OutboxMessage } from '../../jobs/outbox';
import { alertKeyboard } from './alert-keyboard';
import { captionLimit, messageLimit, splitPlainText } from './html';

export interface TelegramDelivererOptions {
  token: string;
  apiRoot?: string;
  /**
   * 429 answers asking to wait at most this long are waited out in place by @grammyjs/auto-retry; longer ones go back
   * to the outbox, which holds that chat (only) for retry_after on its own clock. Default 0: the outbox does it all.
   */
  inlineRetryAfterSeconds?: number;
  /** Least time between two messages to one private chat. Default 1000 ms. */
  chatSpacingMs?: number;
  /** Least time between two messages to one group (negative chat id). Default 3000 ms (20 a minute). */
  groupSpacingMs?: number;
  /** Most messages the bot sends in any one second, across all chats (Telegram's broadcast limit). Default 30. */
  botMessagesPerSecond?: number;
}

/** Whether a message is an alert about an entry (and so gets buttons). */
export function isEntryAlert(message: Pick<OutboxMessage, 'payload'>): boolean {
  return message.payload.kind === 'alert' && typeof message.payload.object === 'string' && typeof message.payload.entryId === 'string';
}

export function telegramDeliverer(options: TelegramDelivererOptions): Deliverer {
  const api = new Api(options.token, options.apiRoot ? { apiRoot: options.apiRoot } : {});
  // 5xx and network errors are not retried here: they return to the outbox, whose backoff survives restarts.
  api.config.use(autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: options.inlineRetryAfterSeconds ?? 0, rethrowInternalServerErrors: true, rethrowHttpErrors: true }));
  const chatSpacing = options.chatSpacingMs ?? 1_000;
  const groupSpacing = options.groupSpacingMs ?? 3_000;
  return {
    channel: 'telegram',
    spacingMs: (recipient) => (recipient.trim().startsWith('-') ? groupSpacing : chatSpacing),
    rate: { messages: options.botMessagesPerSecond ?? 30, perMs: 1_000 },
    async probe() {
      try {
        await api.getMe();
      } catch (error) {
        throw deliveryError(error);
      }
    },
    async deliver(message) {
      const chatId = Number(message.recipient);
      if (!Number.isInteger(chatId) || chatId === 0) {
        throw new PermanentDeliveryError(`"${message.recipient}" is not a Telegram chat id (a number such as 123456789)`);
      }
      const photo = typeof message.payload.photo === 'string' && existsSync(message.payload.photo) ? message.payload.photo : undefined;
      if (photo) {
        // A report with a chart: one sendPhoto, the text as its caption (cut to the caption limit), so a retry never
        // sends the photo without its text or the text twice.
        const parts = splitPlainText(message.text, { limit: captionLimit - 40 });
        const caption = `${parts[0] ?? ''}${parts.length > 1 ? '\n… (cut: see escalator outbox)' : ''}`;
        try {
          const sent = await api.sendPhoto(chatId, new InputFile(photo), { caption, parse_mode: 'HTML' });
          return { remoteId: String(sent.message_id) };
        } catch (error) {
          throw deliveryError(error);
        }
      }
      // One message per outbox row, so a retry can never repeat half of it: a text past Telegram's limit is cut.
      const chunks = splitPlainText(message.text, { limit: messageLimit - 40 });
      if (chunks.length === 0) throw new PermanentDeliveryError('the message is empty');
      const text = chunks.length === 1 ? chunks[0]! : `${chunks[0]!}\n… (cut: see escalator outbox)`;
      const keyboard = isEntryAlert(message) ? alertKeyboard(message.id) : undefined;
      let sent;
      try {
        sent = await api.sendMessage(chatId, text, { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(keyboard ? { reply_markup: keyboard } : {}) });
      } catch (error) {
        throw deliveryError(error);
      }
      return { remoteId: String(sent.message_id) };
    },
  };
}

/** Sorts a failed call into what the outbox should do with it. */
export function deliveryError(error: unknown): Error {
  if (error instanceof GrammyError) {
    const detail = `Telegram answered ${error.error_code}: ${error.description}`;
    if (error.error_code === 429) {
      const retryAfter = error.parameters.retry_after;
      return new RetryableDeliveryError(detail, retryAfter === undefined ? undefined : retryAfter * 1000, { cause: error });
    }
    if (error.error_code >= 500) return new RetryableDeliveryError(detail, undefined, { cause: error });
    if (error.error_code === 401) return new RetryableDeliveryError(`${detail} (check TELEGRAM_BOT_TOKEN)`, undefined, { cause: error });
    return new PermanentDeliveryError(detail, { cause: error });
  }
  if (error instanceof HttpError) return new RetryableDeliveryError(`cannot reach Telegram: ${error.message}`, undefined, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
