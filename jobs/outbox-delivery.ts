// Delivering the outbox: each recipient's oldest pending message, marked "sending" before it leaves and recorded
// right after on the outbox's own connection (never behind a job run); outcomes that cannot be written are kept and
// retried as records; pacing, 429 holds and channel probes come from the DeliveryPacer.
import type { Clock } from '../objects/clock';
import type { Database, Sql } from '../objects/database';
import { errorMessage } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { takeDigest, writeDigest } from './outbox-digest';
import { PermanentDeliveryError, RetryableDeliveryError, resentNotice, rowToMessage, type Deliverer, type OutboxMessage } from './outbox-message';
import { DeliveryPacer } from './outbox-pacing';
import { ensureJobTables } from './tables';
import { realTimers, type Timers } from './timers';

const kickers = new WeakMap<Workspace, Set<() => void>>();

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
  /** After a failure, the recipient (and a failing channel's probe) waits this long, doubling up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  /** Default 30 s: a recovered channel is noticed within this long. */
  maxBackoffMs?: number;
  /** After this many failed attempts of one message a retryable failure becomes permanent. Default 100. */
  maxAttempts?: number;
  /**
   * How long a digest waits for more of its storm while the scheduler still drains that storm (from the digest's
   * creation; default 15 s): the runs of one burst share one digest, and a storm that never ends still gets digests.
   */
  digestHoldMs?: number;
  /**
   * Where attempts and outcomes are written and due messages read. Default: the outbox's own connection to the
   * workspace database, so recording a delivery never waits behind a job run or ingestion holding the main one.
   */
  recorder?: Sql;
}

/** An outcome the recorder could not write yet (disk full, I/O error): retried as a record, never as a send. */
interface UnrecordedOutcome {
  message: OutboxMessage;
  statement: string;
  params: unknown[];
  /** Whether it says the message went out (then the recipient's next message may go). */
  sent: boolean;
  failures: number;
  retryAt: number;
}

/** Ids being sent by any outbox in this process, per database file: a restart recovery must leave them alone. */
const sendingHere = new Map<string, Set<string>>();

/**
 * Delivers queued messages. Per (channel, recipient) only the oldest pending message is tried, so messages to one
 * recipient leave in order; recipients are independent of each other (one held by a 429 holds no other).
 */
export class Outbox {
  private readonly workspace: Workspace;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly deliverers = new Map<string, Deliverer>();
  private readonly log: (line: string) => void;
  private readonly maxAttempts: number;
  private readonly digestHoldMs: number;
  private readonly pacer: DeliveryPacer;
  private readonly injectedRecorder: Sql | undefined;
  private connection: Database | undefined;
  private running = false;
  private draining = 0;
  private recovered = false;
  private pass: Promise<void> | undefined;
  private again = false;
  private timer: unknown;
  private timersReached = 0;
  private readonly workers = new Set<Promise<void>>();
  private readonly unrecorded = new Map<string, UnrecordedOutcome>();
  private readonly kick = () => this.wake();

  constructor(options: OutboxOptions) {
    this.workspace = options.workspace;
    this.clock = options.clock ?? options.workspace.clock;
    this.timers = options.timers ?? realTimers;
    this.log = options.log ?? (() => undefined);
    this.maxAttempts = options.maxAttempts ?? 100;
    this.digestHoldMs = options.digestHoldMs ?? 15_000;
    this.pacer = new DeliveryPacer({ baseBackoffMs: options.baseBackoffMs ?? 5_000, maxBackoffMs: options.maxBackoffMs ?? 30_000 });
    this.injectedRecorder = options.recorder;
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

  /** Starts delivering: now, whenever a message is queued, and when a retry or a paced message falls due. */
  async start(): Promise<void> {
    await this.open();
    this.running = true;
    let set = kickers.get(this.workspace);
    if (!set) kickers.set(this.workspace, (set = new Set()));
    set.add(this.kick);
    this.wake();
  }

  /** Stops waking; waits for the deliveries in flight, then closes its connection. */
  async stop(): Promise<void> {
    this.running = false;
    kickers.get(this.workspace)?.delete(this.kick);
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.idle();
    for (const outcome of [...this.unrecorded.values()]) await this.writeOutcome(outcome);
    // Records never written: their rows stay "sending", so the next outbox (here or after a restart) sends them again, marked.
    for (const id of this.unrecorded.keys()) this.inFlight.delete(id);
    if (this.unrecorded.size > 0) this.log(`outbox: ${this.unrecorded.size} delivery record(s) could not be written; those messages will be sent again, marked, after a restart`);
    this.close();
  }

  /** Resolves when no delivery is running or requested (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.pass) await this.pass;
      else if (this.workers.size > 0) await Promise.all([...this.workers]);
      else return;
    }
  }

  /** Delivers everything due now, whether started or not; resolves when done. */
  async drain(): Promise<void> {
    await this.open();
    this.draining += 1;
    try {
      this.wake(true);
      await this.idle();
    } finally {
      this.draining -= 1;
      if (!this.running && this.draining === 0) this.close();
    }
  }

  private async open(): Promise<void> {
    await ensureJobTables(this.workspace.db);
    if (!this.injectedRecorder && !this.connection) this.connection = await this.workspace.db.connectAnother();
  }

  private close(): void {
    this.connection?.close();
    this.connection = undefined;
  }

  private get sql(): Sql {
    return this.injectedRecorder ?? this.connection ?? this.workspace.db;
  }

  private get inFlight(): Set<string> {
    let set = sendingHere.get(this.workspace.db.path);
    if (!set) sendingHere.set(this.workspace.db.path, (set = new Set()));
    return set;
  }

  private wake(force = false): void {
    if (!this.running && this.draining === 0 && !force) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = (async () => {
      try {
        do {
          this.again = false;
          await this.scan();
        } while (this.again);
      } catch (error) {
        this.log(`outbox: ${errorMessage(error)}`);
      } finally {
        this.pass = undefined;
      }
    })();
  }

  /** One look at the queue: retries records, probes failing channels, starts every recipient that may send now. */
  private async scan(): Promise<void> {
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const outcome of [...this.unrecorded.values()]) {
      if (outcome.retryAt <= now) await this.writeOutcome(outcome);
      if (this.unrecorded.has(outcome.message.id)) next = Math.min(next, outcome.retryAt);
    }
    const channels = [...this.deliverers.keys()];
    if (channels.length === 0) return this.arm(next);
    if (!this.recovered) await this.recoverInterrupted();
    for (const channel of channels) {
      const probe = this.deliverers.get(channel)!.probe;
      if (probe && this.pacer.probeDue(channel, now)) this.track(this.runProbe(channel, probe));
    }
    const heads = await this.sql.query<Record<string, unknown>>(
      `SELECT * FROM (
         SELECT *, row_number() OVER (PARTITION BY channel, recipient ORDER BY sequence) AS position
         FROM outbox WHERE state = 'pending' AND channel IN (SELECT unnest(from_json($1, '["VARCHAR"]')))
       ) WHERE position = 1 ORDER BY sequence`,
      [JSON.stringify(channels)],
    );
    const held = new Set([...this.unrecorded.values()].filter((outcome) => !outcome.sent).map((outcome) => recipientKey(outcome.message)));
    for (const row of heads) {
      const message = rowToMessage(row);
      const key = recipientKey(message);
      if (held.has(key) || this.pacer.busy(key)) continue;
      const deliverer = this.deliverers.get(message.channel)!;
      const due = Math.max((row.next_attempt_at as Date).getTime(), this.pacer.recipientFreeAt(message.channel, key), this.pacer.channelFreeAt(message.channel, deliverer.rate));
      const asProbe = this.pacer.channelFailing(message.channel);
      if (asProbe) {
        // A failing channel with a probe call waits for it; one without is probed with one of its due messages.
        if (deliverer.probe || this.pacer.probing(message.channel)) continue;
        const at = Math.max(due, this.pacer.probeAt(message.channel));
        if (at > now) {
          next = Math.min(next, at);
          continue;
        }
        this.pacer.startProbe(message.channel);
      } else if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      if (message.payload.kind === 'digest') {
        // Taken only when no run of its storm can still merge into it (decided and marked in this same tick).
        const stormId = typeof message.payload.stormId === 'string' ? message.payload.stormId : undefined;
        const verdict = takeDigest(this.workspace, { id: message.id, stormId, createdAt: message.createdAt.getTime() }, now, this.digestHoldMs);
        if (verdict !== true) {
          if (asProbe) this.pacer.probeAbandoned(message.channel);
          next = Math.min(next, verdict);
          continue;
        }
      }
      this.pacer.setBusy(message.channel, key, true);
      // Counted now, in this loop, so the recipients started in one look together stay within the channel's rate.
      this.pacer.channelSending(message.channel, now, deliverer.rate);
      this.track(this.deliverOne(deliverer, message, asProbe));
    }
    for (const [channel, deliverer] of this.deliverers) {
      if (deliverer.probe && this.pacer.channelFailing(channel) && !this.pacer.probing(channel)) next = Math.min(next, this.pacer.probeAt(channel));
    }
    this.arm(next);
  }

  /** Messages a dead process was sending go again, marked: the person may have seen them. */
  private async recoverInterrupted(): Promise<void> {
    const mine = [...this.inFlight];
    const rows = await this.sql.query<{ id: string }>(
      `UPDATE outbox SET state = 'pending', restart_resends = COALESCE(restart_resends, 0) + 1, next_attempt_at = $2::TIMESTAMPTZ
       WHERE state = 'sending' AND id NOT IN (SELECT unnest(from_json($1, '["VARCHAR"]'))) RETURNING id`,
      [JSON.stringify(mine), this.clock.now()],
    );
    this.recovered = true;
    if (rows.length > 0) this.log(`outbox: ${rows.length} message(s) were being sent when the last process stopped; sending them again, marked as such`);
  }

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((error: unknown) => this.log(`outbox: ${errorMessage(error)}`))
      .finally(() => {
        this.workers.delete(tracked);
        this.wake();
      });
    this.workers.add(tracked);
  }

  private async runProbe(channel: string, probe: () => Promise<void>): Promise<void> {
    this.pacer.startProbe(channel);
    try {
      await probe();
      this.log(`outbox: ${channel} answers again; delivering what waited`);
      this.pacer.channelRecovered(channel);
    } catch (error) {
      const delay = this.pacer.channelFailed(channel, this.now(), true);
      this.log(`outbox: ${channel} still failing (${errorMessage(error)}); next check in ${Math.round(delay / 1000)} s`);
    }
  }

  private async deliverOne(deliverer: Deliverer, message: OutboxMessage, asProbe: boolean): Promise<void> {
    const key = recipientKey(message);
    try {
      // The attempt is on disk before the message leaves: a process that dies now leaves a row marked "sending".
      let marked: unknown[];
      try {
        marked = await this.sql.query(`UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = $1 AND state = 'pending' RETURNING id`, [message.id]);
      } catch (error) {
        const delay = this.pacer.recipientFailed(message.channel, key, this.now());
        if (asProbe) this.pacer.probeAbandoned(message.channel);
        this.log(`outbox: cannot record an attempt of message ${message.id} (${errorMessage(error)}); not sending it, trying again in ${Math.round(delay / 1000)} s`);
        return;
      }
      if (marked.length === 0) {
        if (asProbe) this.pacer.probeAbandoned(message.channel);
        return;
      }
      this.inFlight.add(message.id);
      if (message.payload.kind === 'digest') {
        // Later runs of its storm merged into it: its text is completed now, from every alert it covers.
        try {
          message = await this.completeDigest(message);
        } catch (error) {
          const delay = this.pacer.recipientFailed(message.channel, key, this.now());
          if (asProbe) this.pacer.probeAbandoned(message.channel);
          this.log(`outbox: cannot write digest ${message.id} (${errorMessage(error)}); trying again in ${Math.round(delay / 1000)} s`);
          await this.writeOutcome(this.outcome(message, false, `UPDATE outbox SET state = 'pending', last_error = $2 WHERE id = $1`, [message.id, errorMessage(error)]));
          return;
        }
      }
      this.pacer.sending(message.channel, key, this.now(), deliverer.spacingMs?.(message.recipient) ?? 0);
      let outcome: UnrecordedOutcome;
      try {
        const result = await deliverer.deliver(message);
        outcome = this.outcome(message, true, `UPDATE outbox SET state = 'sent', delivered_at = $2::TIMESTAMPTZ, remote_id = $3, last_error = NULL WHERE id = $1`, [
          message.id,
          this.clock.now(),
          result.remoteId ?? null,
        ]);
        this.pacer.delivered(message.channel, key, asProbe);
      } catch (error) {
        outcome = this.failure(message, key, error, asProbe);
      }
      await this.writeOutcome(outcome);
    } finally {
      this.pacer.setBusy(message.channel, key, false);
    }
  }

  /** The digest with its text and count written from all the alerts it covers (on the outbox's connection). */
  private async completeDigest(message: OutboxMessage): Promise<OutboxMessage> {
    await writeDigest(this.sql, this.workspace, message.id);
    const [row] = await this.sql.query<{ text: string; payload: string }>('SELECT text, payload FROM outbox WHERE id = $1', [message.id]);
    if (!row) return message;
    return { ...message, text: message.resentAfterRestart ? `${resentNotice}\n${row.text}` : row.text, payload: JSON.parse(row.payload) as OutboxMessage['payload'] };
  }

  private failure(message: OutboxMessage, key: string, error: unknown, asProbe: boolean): UnrecordedOutcome {
    const attempts = message.attempts + 1;
    const reason = errorMessage(error);
    const now = this.now();
    if (error instanceof PermanentDeliveryError || attempts >= this.maxAttempts) {
      this.log(`outbox: message ${message.id} to ${message.channel}:${message.recipient} failed for good: ${reason}`);
      if (asProbe) this.pacer.channelRecovered(message.channel);
      return this.outcome(message, false, `UPDATE outbox SET state = 'failed', last_error = $2 WHERE id = $1`, [message.id, reason]);
    }
    const retryAfter = error instanceof RetryableDeliveryError ? error.retryAfterMs : undefined;
    let retryAt = now;
    if (retryAfter !== undefined) {
      // Telegram asked this chat to wait: only this recipient waits; the channel works.
      this.pacer.holdRecipient(message.channel, key, now + retryAfter);
      if (asProbe) this.pacer.channelRecovered(message.channel);
      retryAt = now + retryAfter;
      this.log(`outbox: message ${message.id} to ${message.channel}:${message.recipient} waits ${Math.round(retryAfter / 1000)} s as asked: ${reason}`);
    } else {
      this.pacer.recipientFailed(message.channel, key, now);
      const delay = this.pacer.channelFailed(message.channel, now, asProbe);
      this.log(`outbox: message ${message.id} to ${message.channel}:${message.recipient} will be retried once ${message.channel} answers (checked again in ${Math.round(delay / 1000)} s): ${reason}`);
    }
    return this.outcome(message, false, `UPDATE outbox SET state = 'pending', last_error = $2, next_attempt_at = $3::TIMESTAMPTZ WHERE id = $1`, [
      message.id,
      reason,
      new Date(retryAt),
    ]);
  }

  private outcome(message: OutboxMessage, sent: boolean, statement: string, params: unknown[]): UnrecordedOutcome {
    return { message, sent, statement, params, failures: 0, retryAt: 0 };
  }

  /** Writes an outcome; when the write fails, keeps it and tries again later (never sending the message again). */
  private async writeOutcome(outcome: UnrecordedOutcome): Promise<void> {
    try {
      await this.sql.run(outcome.statement, outcome.params);
      this.unrecorded.delete(outcome.message.id);
      this.inFlight.delete(outcome.message.id);
      if (outcome.failures > 0) this.log(`outbox: the record of message ${outcome.message.id} is written now`);
    } catch (error) {
      outcome.failures += 1;
      const delay = Math.min(1_000 * 2 ** (outcome.failures - 1), 30_000);
      outcome.retryAt = this.now() + delay;
      this.unrecorded.set(outcome.message.id, outcome);
      this.log(
        `outbox: message ${outcome.message.id} ${outcome.sent ? 'was delivered' : 'was tried'} but recording it failed (${errorMessage(error)}); retrying the record in ${Math.round(delay / 1000)} s, not the send`,
      );
    }
  }

  private arm(next: number): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running || !Number.isFinite(next)) return;
    const delay = Math.max(0, Math.min(next - this.now(), 60 * 60_000));
    const target = this.now() + delay;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.timersReached = Math.max(this.timersReached, target);
      this.wake();
    }, delay);
  }

  /**
   * Now, in ms, for pacing and waits: the clock, or the moment the last timer was armed for when that is later (a
   * clock frozen by ESCALATOR_NOW still lets paced messages out as real time passes).
   */
  private now(): number {
    return Math.max(this.clock.now().getTime(), this.timersReached);
  }
}

function recipientKey(message: Pick<OutboxMessage, 'channel' | 'recipient'>): string {
  return `${message.channel}\u0000${message.recipient}`;
}
