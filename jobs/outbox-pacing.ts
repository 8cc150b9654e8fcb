// When the outbox may send next, in memory: per recipient (pacing, a 429's retry_after, backoff after a failure)
// and per channel (a rate across all its recipients — Telegram's ~30 messages a second per bot; failing → probed with
// growing but capped waits; recovered → every recipient may go at once).
// Times are milliseconds on the outbox's injected clock. A restart forgets it all, which is right: a restart is a
// fresh look at the channel.

interface RecipientPace {
  /** Pacing: not before this (the last send plus the channel's spacing, or a 429's retry_after). */
  nextSendAt: number;
  /** Backoff after failures that were not a 429; released when the channel recovers. */
  backoffUntil: number;
  failures: number;
  busy: boolean;
}

interface ChannelHealth {
  failing: boolean;
  failures: number;
  probeAt: number;
  probing: boolean;
  /** Start times of the latest sends, oldest first (at most the rate's message count), for the channel-wide rate. */
  recentSends: number[];
}

/** A channel-wide limit: at most `messages` sends start in any `perMs` window, whoever they go to. */
export interface ChannelRate {
  messages: number;
  perMs: number;
}

export interface PacerOptions {
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export class DeliveryPacer {
  private readonly recipients = new Map<string, RecipientPace & { channel: string }>();
  private readonly channels = new Map<string, ChannelHealth>();

  constructor(private readonly options: PacerOptions) {}

  /** The earliest time this recipient may be sent to. */
  recipientFreeAt(channel: string, key: string): number {
    const pace = this.recipient(channel, key);
    return Math.max(pace.nextSendAt, pace.backoffUntil);
  }

  busy(key: string): boolean {
    return this.recipients.get(key)?.busy === true;
  }

  setBusy(channel: string, key: string, busy: boolean): void {
    this.recipient(channel, key).busy = busy;
  }

  /** A send to this recipient starts now: the next may start `spacingMs` later. */
  sending(channel: string, key: string, now: number, spacingMs: number): void {
    const pace = this.recipient(channel, key);
    pace.nextSendAt = Math.max(pace.nextSendAt, now + spacingMs);
  }

  /** A delivery went through: this recipient's queue goes on at its pace; a probe's success revives the channel. */
  delivered(channel: string, key: string, asProbe: boolean): void {
    const pace = this.recipient(channel, key);
    pace.failures = 0;
    pace.backoffUntil = 0;
    if (asProbe) this.channelRecovered(channel);
    else {
      const health = this.channels.get(channel);
      if (health && !health.probing) Object.assign(health, { failing: false, failures: 0 });
    }
  }

  /** The earliest time the channel's rate lets another send start (0 when it has no rate or room now). */
  channelFreeAt(channel: string, rate: ChannelRate | undefined): number {
    if (!rate) return 0;
    const recent = this.channels.get(channel)?.recentSends ?? [];
    if (recent.length < rate.messages) return 0;
    return recent[recent.length - rate.messages]! + rate.perMs;
  }

  /** A send on the channel starts now (counted against its rate, whoever it goes to). */
  channelSending(channel: string, now: number, rate: ChannelRate | undefined): void {
    if (!rate) return;
    const recent = this.health(channel).recentSends;
    recent.push(now);
    if (recent.length > rate.messages) recent.splice(0, recent.length - rate.messages);
  }

  /** Telegram asked this chat to wait (429 retry_after): only it waits. */
  holdRecipient(channel: string, key: string, until: number): void {
    const pace = this.recipient(channel, key);
    pace.nextSendAt = Math.max(pace.nextSendAt, until);
  }

  /** A failure that may be the channel's: the recipient backs off; returns its wait. */
  recipientFailed(channel: string, key: string, now: number): number {
    const pace = this.recipient(channel, key);
    pace.failures += 1;
    const delay = this.backoff(pace.failures);
    pace.backoffUntil = now + delay;
    return delay;
  }

  channelFailing(channel: string): boolean {
    return this.channels.get(channel)?.failing === true;
  }

  probing(channel: string): boolean {
    return this.channels.get(channel)?.probing === true;
  }

  probeAt(channel: string): number {
    return this.channels.get(channel)?.probeAt ?? 0;
  }

  /** Whether a failing channel should be probed now (and no probe is under way). */
  probeDue(channel: string, now: number): boolean {
    const health = this.channels.get(channel);
    return health !== undefined && health.failing && !health.probing && health.probeAt <= now;
  }

  startProbe(channel: string): void {
    this.health(channel).probing = true;
  }

  /** The probe was not made after all (the message was no longer waiting). */
  probeAbandoned(channel: string): void {
    this.health(channel).probing = false;
  }

  /** The channel failed (a probe, or a delivery): it is probed again after a growing, capped wait. Returns it. */
  channelFailed(channel: string, now: number, fromProbe: boolean): number {
    const health = this.health(channel);
    // Many deliveries failing in one outage count once: only the probe's own failures lengthen the wait.
    if (health.failing && !fromProbe) return Math.max(0, health.probeAt - now);
    health.failing = true;
    health.failures += 1;
    if (fromProbe) health.probing = false;
    const delay = this.backoff(health.failures);
    health.probeAt = now + delay;
    return delay;
  }

  /** The channel answers again: every recipient held back by its failures may go at once. */
  channelRecovered(channel: string): void {
    Object.assign(this.health(channel), { failing: false, failures: 0, probing: false, probeAt: 0 });
    for (const pace of this.recipients.values()) if (pace.channel === channel) pace.backoffUntil = 0;
  }

  private backoff(failures: number): number {
    return Math.min(this.options.baseBackoffMs * 2 ** (failures - 1), this.options.maxBackoffMs);
  }

  private recipient(channel: string, key: string): RecipientPace & { channel: string } {
    let pace = this.recipients.get(key);
    if (!pace) this.recipients.set(key, (pace = { channel, nextSendAt: 0, backoffUntil: 0, failures: 0, busy: false }));
    return pace;
  }

  private health(channel: string): ChannelHealth {
    let health = this.channels.get(channel);
    if (!health) this.channels.set(channel, (health = { failing: false, failures: 0, probeAt: 0, probing: false, recentSends: [] }));
    return health;
  }
}
