// The outbox: messages committed with the change that caused them, then delivered per channel by registered
// deliverers — in order per recipient, with retries and backoff on the injected clock, an idempotency key each.
import type { Clock } from '../objects/clock';
import type { Sql } from '../objects/database';
import { errorMessage } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import type { Address } from './recipients';
import { ensureJobTables } from './tables';
import { realTimers, type Timers } from './timers';

/** What a message is about, for channels that attach controls (Telegram's Acknowledge/Resolve/Snooze/Escalate). */
export interface MessagePayload {
  kind: 'alert' | 'message' | 'job_failure' | (string & {});
  object?: string;
  entryId?: string;
  job?: string;
  rule?: string;
  [key: string]: unknown;
}

export type MessageState = 'pending' | 'sent' | 'failed';

/** One outgoing message as a deliverer receives it. */
export interface OutboxMessage {
  id: string;
  /** Stable across retries and restarts: a remote that dedupes by it never shows a message twice. */
  idempotencyKey: string;
  channel: string;
  recipient: string;
  recipientName: string | null;
  text: string;
  payload: MessagePayload;
  createdAt: Date;
  /** Delivery attempts before this one. */
  attempts: number;
}

/** Sends messages of one channel. Throw RetryableDeliveryError for 5xx/network, PermanentDeliveryError otherwise. */
export interface Deliverer {
  channel: string;
  deliver(message: OutboxMessage): Promise<{ remoteId?: string }>;
}

/** A failure worth retrying later (5xx, 429, network). `retryAfterMs` overrides the backoff when the remote says. */
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

const kickers = new WeakMap<Workspace, Set<() => void>>();

/**
 * Queues a message (inside the caller's transaction when there is one) and wakes the running outbox once it
 * commits. Returns the message id, or undefined when the idempotency key was already queued.
 */
export async function enqueueMessage(workspace: Workspace, input: EnqueueInput): Promise<string | undefined> {
  await ensureJobTables(workspace.db);
  const [id] = await insertMessages(workspace.db, workspace, [input]);
  workspace.db.afterCommit(() => wakeOutbox(workspace));
  return id;
}

/** Inserts messages with one statement; keys already present are skipped. Returns the ids inserted (or undefined). */
export async function insertMessages(sql: Sql, workspace: Workspace, inputs: readonly EnqueueInput[]): Promise<(string | undefined)[]> {
  if (inputs.length === 0) return [];
  const now = workspace.clock.now();
  const rows = inputs.map((input) => {
    const id = `m_${workspace.ids()}`;
    return {
      id,
      key: input.idempotencyKey ?? id,
      channel: input.to.channel,
      recipient: input.to.recipient,
      name: input.to.name ?? null,
      text: input.text,
      payload: JSON.stringify(input.payload ?? { kind: 'message' }),
    };
  });
  const existing = new Set(
    (
      await sql.query<{ key: string }>(`SELECT idempotency_key AS key FROM outbox WHERE idempotency_key IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [
        JSON.stringify(rows.map((row) => row.key)),
      ])
    ).map((row) => row.key),
  );
  const fresh = rows.filter((row) => {
    if (existing.has(row.key)) return false;
    existing.add(row.key);
    return true;
  });
  for (let start = 0; start < fresh.length; start += 5000) {
    const chunk = fresh.slice(start, start + 5000).map((row) => [row.id, row.key, row.channel, row.recipient, row.name, row.text, row.payload]);
    await sql.run(
      `INSERT INTO outbox (id, idempotency_key, channel, recipient, recipient_name, text, payload, created_at, next_attempt_at)
       SELECT r[1], r[2], r[3], r[4], r[5], r[6], r[7], $2::TIMESTAMPTZ, $2::TIMESTAMPTZ FROM (SELECT unnest(from_json($1, '["VARCHAR[]"]')) AS r)`,
      [JSON.stringify(chunk), now],
    );
  }
  const inserted = new Set(fresh.map((row) => row.id));
  return rows.map((row) => (inserted.has(row.id) ? row.id : undefined));
}

/** Tells running outboxes of this workspace that messages are waiting. */
export function wakeOutbox(workspace: Workspace): void {
  for (const kick of kickers.get(workspace) ?? []) kick();
}

export interface OutboxOptions {
  workspace: Workspace;
  clock?: Clock;
  timers?: Timers;
  deliverers?: Deliverer[];
  log?: (line: string) => void;
  /** First retry after this long, doubling up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** After this many failed attempts a retryable failure becomes permanent. */
  maxAttempts?: number;
}

/** One row of `escalator outbox`. */
export interface OutboxRow {
  id: string;
  idempotencyKey: string;
  channel: string;
  recipient: string;
  recipientName: string | null;
  text: string;
  payload: MessagePayload;
  state: MessageState;
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  remoteId: string | null;
  lastError: string | null;
}

/**
 * Delivers queued messages. Per (channel, recipient) only the oldest pending message is tried, so messages to one
 * recipient leave in order; a message waiting for its retry holds back the later ones to the same recipient.
 */
export class Outbox {
  private readonly workspace: Workspace;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly deliverers = new Map<string, Deliverer>();
  private readonly log: (line: string) => void;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxAttempts: number;
  private running = false;
  private pass: Promise<void> | undefined;
  private again = false;
  private timer: unknown;
  private readonly kick = () => this.wake();

  constructor(options: OutboxOptions) {
    this.workspace = options.workspace;
    this.clock = options.clock ?? options.workspace.clock;
    this.timers = options.timers ?? realTimers;
    this.log = options.log ?? (() => undefined);
    this.baseBackoffMs = options.baseBackoffMs ?? 5_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 20;
    for (const deliverer of options.deliverers ?? []) this.deliverers.set(deliverer.channel, deliverer);
  }

  /** Adds (or replaces) the deliverer of a channel; waiting messages of that channel go out. */
  register(deliverer: Deliverer): void {
    this.deliverers.set(deliverer.channel, deliverer);
    if (this.running) this.wake();
  }

  /** Channels with a deliverer. */
  channels(): string[] {
    return [...this.deliverers.keys()];
  }

  /** Starts delivering: now, whenever a message is queued, and when a retry falls due. */
  async start(): Promise<void> {
    await ensureJobTables(this.workspace.db);
    this.running = true;
    let set = kickers.get(this.workspace);
    if (!set) kickers.set(this.workspace, (set = new Set()));
    set.add(this.kick);
    this.wake();
  }

  /** Stops waking; waits for the delivery pass in flight. */
  async stop(): Promise<void> {
    this.running = false;
    kickers.get(this.workspace)?.delete(this.kick);
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  /** Resolves when no delivery pass is running or requested (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pass) await this.pass;
  }

  /** Delivers everything due now, whether started or not; resolves when done. */
  async drain(): Promise<void> {
    await ensureJobTables(this.workspace.db);
    this.wake(true);
    await this.idle();
  }

  private wake(force = false): void {
    if (!this.running && !force) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = (async () => {
      try {
        do {
          this.again = false;
          await this.deliverDue();
        } while (this.again);
        await this.armRetryTimer();
      } catch (error) {
        this.log(`outbox: ${errorMessage(error)}`);
      } finally {
        this.pass = undefined;
      }
    })();
  }

  private async deliverDue(): Promise<void> {
    const channels = [...this.deliverers.keys()];
    if (channels.length === 0) return;
    for (;;) {
      const now = this.clock.now();
      const heads = await this.workspace.db.query<Record<string, unknown>>(
        `SELECT * FROM (
           SELECT *, row_number() OVER (PARTITION BY channel, recipient ORDER BY sequence) AS position
           FROM outbox WHERE state = 'pending' AND channel IN (SELECT unnest(from_json($1, '["VARCHAR"]')))
         ) WHERE position = 1 AND next_attempt_at <= $2::TIMESTAMPTZ ORDER BY sequence LIMIT 100`,
        [JSON.stringify(channels), now],
      );
      if (heads.length === 0) return;
      // Different recipients are independent: deliver their heads concurrently, each recipient's in order.
      await Promise.all(heads.map((row) => this.deliverOne(rowToMessage(row))));
    }
  }

  private async deliverOne(message: OutboxMessage): Promise<void> {
    const deliverer = this.deliverers.get(message.channel);
    if (!deliverer) return;
    try {
      const result = await deliverer.deliver(message);
      await this.workspace.db.run(
        `UPDATE outbox SET state = 'sent', attempts = attempts + 1, delivered_at = $2::TIMESTAMPTZ, remote_id = $3, last_error = NULL WHERE id = $1`,
        [message.id, this.clock.now(), result.remoteId ?? null],
      );
    } catch (error) {
      const attempts = message.attempts + 1;
      const permanent = error instanceof PermanentDeliveryError || attempts >= this.maxAttempts;
      const reason = errorMessage(error);
      if (permanent) {
        this.log(`outbox: message ${message.id} to ${message.channel}:${message.recipient} failed for good: ${reason}`);
        await this.workspace.db.run(`UPDATE outbox SET state = 'failed', attempts = $2, last_error = $3 WHERE id = $1`, [message.id, attempts, reason]);
        return;
      }
      const hinted = error instanceof RetryableDeliveryError ? error.retryAfterMs : undefined;
      const delay = hinted ?? Math.min(this.baseBackoffMs * 2 ** (attempts - 1), this.maxBackoffMs);
      this.log(`outbox: message ${message.id} to ${message.channel}:${message.recipient} will be retried in ${Math.round(delay / 1000)} s: ${reason}`);
      await this.workspace.db.run(`UPDATE outbox SET attempts = $2, last_error = $3, next_attempt_at = $4::TIMESTAMPTZ WHERE id = $1`, [
        message.id,
        attempts,
        reason,
        new Date(this.clock.now().getTime() + delay),
      ]);
    }
  }

  private async armRetryTimer(): Promise<void> {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running || this.deliverers.size === 0) return;
    // Only each recipient's oldest pending message can go next; the ones behind it wait for it, not for a timer.
    const rows = await this.workspace.db.query<{ next: Date | null }>(
      `SELECT min(next_attempt_at) AS next FROM (
         SELECT next_attempt_at, row_number() OVER (PARTITION BY channel, recipient ORDER BY sequence) AS position
         FROM outbox WHERE state = 'pending' AND channel IN (SELECT unnest(from_json($1, '["VARCHAR"]')))
       ) WHERE position = 1`,
      [JSON.stringify([...this.deliverers.keys()])],
    );
    const next = rows[0]?.next;
    if (!next) return;
    const delay = Math.max(0, Math.min(next.getTime() - this.clock.now().getTime(), 60 * 60_000));
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, delay);
  }
}

function rowToMessage(row: Record<string, unknown>): OutboxMessage {
  return {
    id: String(row.id),
    idempotencyKey: String(row.idempotency_key),
    channel: String(row.channel),
    recipient: String(row.recipient),
    recipientName: row.recipient_name === null || row.recipient_name === undefined ? null : String(row.recipient_name),
    text: String(row.text),
    payload: JSON.parse(String(row.payload)) as MessagePayload,
    createdAt: row.created_at as Date,
    attempts: Number(row.attempts),
  };
}

/** The outbox, newest first (the CLI's `escalator outbox`). */
export async function listOutbox(
  workspace: Workspace,
  options: { limit?: number; state?: MessageState; /** Only messages about this entry (e.g. to edit its alerts in place). */ entryId?: string } = {},
): Promise<OutboxRow[]> {
  await ensureJobTables(workspace.db);
  const params: unknown[] = [];
  const tests = ['TRUE'];
  if (options.state) {
    params.push(options.state);
    tests.push(`state = $${params.length}`);
  }
  if (options.entryId) {
    params.push(options.entryId);
    tests.push(`json_extract_string(payload, '$.entryId') = $${params.length}`);
  }
  const where = tests.join(' AND ');
  const rows = await workspace.db.query(
    `SELECT * FROM outbox WHERE ${where} ORDER BY sequence DESC LIMIT ${Math.max(1, Math.floor(options.limit ?? 100))}`,
    params,
  );
  return rows.map((row) => ({
    ...rowToMessage(row),
    state: String(row.state) as MessageState,
    nextAttemptAt: row.state === 'pending' ? (row.next_attempt_at as Date) : null,
    deliveredAt: (row.delivered_at as Date | null) ?? null,
    remoteId: (row.remote_id as string | null) ?? null,
    lastError: (row.last_error as string | null) ?? null,
  }));
}

/** Prints messages to the terminal: the deliverer of the "terminal" channel. */
export function terminalDeliverer(write: (text: string) => void, clock?: Clock): Deliverer {
  return {
    channel: 'terminal',
    async deliver(message) {
      const to = message.recipientName ?? message.recipient;
      write(`── to ${to}${clock ? ` at ${clock.now().toISOString()}` : ''} ──\n${message.text}`);
      return {};
    },
  };
}
