// What the outbox carries and what deliverers see: a message, its states, the deliverer interface and the two kinds
// of delivery failure.
import type { Address } from './recipients';

/** What a message is about, for channels that attach controls (Telegram's Acknowledge/Resolve/Snooze/Escalate). */
export interface MessagePayload {
  kind: 'alert' | 'digest' | 'message' | 'job_failure' | (string & {});
  object?: string;
  entryId?: string;
  job?: string;
  rule?: string;
  [key: string]: unknown;
}

/**
 * pending → sending (attempt recorded) → sent | pending (retry) | failed. `covered`: an alert of a storm that went
 * out inside a digest message (`coveredBy`) instead of on its own.
 */
export type MessageState = 'pending' | 'sending' | 'sent' | 'failed' | 'covered';

export const messageStates: readonly MessageState[] = ['pending', 'sending', 'sent', 'failed', 'covered'];

/** The line put above a message that a process died while sending. */
export const resentNotice = '↻ Sent again after a restart — you may have seen this already.';

/** One outgoing message as a deliverer receives it. */
export interface OutboxMessage {
  id: string;
  /** Stable across retries and restarts: a remote that dedupes by it never shows a message twice. */
  idempotencyKey: string;
  channel: string;
  recipient: string;
  recipientName: string | null;
  /** What to send; starts with `resentNotice` when `resentAfterRestart`. */
  text: string;
  payload: MessagePayload;
  createdAt: Date;
  /** Delivery attempts before this one. */
  attempts: number;
  /** A process died while sending it: the person may have it already. */
  resentAfterRestart: boolean;
}

/** Sends messages of one channel. Throw RetryableDeliveryError for 5xx/429/network, PermanentDeliveryError otherwise. */
export interface Deliverer {
  channel: string;
  deliver(message: OutboxMessage): Promise<{ remoteId?: string }>;
  /**
   * A cheap call that succeeds once the channel works again (Telegram's getMe). While a channel is failing only the
   * probe is tried; without one, the oldest waiting message is the probe.
   */
  probe?(): Promise<void>;
  /** The least time between two messages to one recipient (Telegram: ~1 s in a private chat, 3 s in a group). */
  spacingMs?(recipient: string): number;
  /** The most sends the channel takes across all recipients in a window (Telegram: about 30 a second per bot). */
  rate?: { messages: number; perMs: number };
}

/**
 * A failure worth retrying later (5xx, 429, network). `retryAfterMs` (a 429's retry_after) holds this recipient for
 * that long; without it the whole channel is treated as failing and probed.
 */
export class RetryableDeliveryError extends Error {
  override name = 'RetryableDeliveryError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A failure that retrying cannot fix (chat not found, bot blocked, bad request): the message is marked failed. */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

export interface EnqueueInput {
  to: Address;
  text: string;
  payload?: MessagePayload;
  /** Defaults to a fresh one: give one to make queuing itself idempotent (a job gives job/rule/entry/target). */
  idempotencyKey?: string;
}

/** A stored outbox row as a deliverer receives it (marked when a dead process was sending it). */
export function rowToMessage(row: Record<string, unknown>): OutboxMessage {
  const resent = Number(row.restart_resends ?? 0) > 0;
  const text = String(row.text);
  return {
    id: String(row.id),
    idempotencyKey: String(row.idempotency_key),
    channel: String(row.channel),
    recipient: String(row.recipient),
    recipientName: row.recipient_name === null || row.recipient_name === undefined ? null : String(row.recipient_name),
    text: resent ? `${resentNotice}\n${text}` : text,
    payload: JSON.parse(String(row.payload)) as MessagePayload,
    createdAt: row.created_at as Date,
    attempts: Number(row.attempts),
    resentAfterRestart: resent,
  };
}
