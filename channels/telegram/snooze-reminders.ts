// Snooze 1 h: when the hour is up and the ticket is still open, the alert comes back as a new message through the
// outbox (in order with other alerts to that chat). Runs on the injected clock and timers.
import type { Clock } from '../../objects/clock';
import { errorMessage } from '../../objects/errors';
import { getEntry } from '../../objects/entries';
import type { Workspace } from '../../objects/workspace';
import { enqueueMessage } from '../../jobs/outbox';
import { realTimers, type Timers } from '../../jobs/timers';
import { ensureAlertTables } from './alert-actions';
import { loadAlert } from './alert-messages';

export interface SnoozeRemindersOptions {
  workspace: Workspace;
  clock?: Clock;
  timers?: Timers;
  log?: (line: string) => void;
}

export class SnoozeReminders {
  private timer: unknown;
  private running = false;
  private pass: Promise<void> = Promise.resolve();

  constructor(private readonly options: SnoozeRemindersOptions) {}

  private get clock(): Clock {
    return this.options.clock ?? this.options.workspace.clock;
  }

  private get timers(): Timers {
    return this.options.timers ?? realTimers;
  }

  async start(): Promise<void> {
    await ensureAlertTables(this.options.workspace.db);
    this.running = true;
    this.wake();
    await this.pass;
  }

  /** Re-arms the timer for the earliest snooze (after a new one) and sends what is due. */
  wake(): void {
    if (!this.running) return;
    this.pass = this.pass.then(() => this.sendDue()).catch((error: unknown) => this.options.log?.(`telegram: snooze reminders: ${errorMessage(error)}`));
  }

  /** Resolves when the pass under way is done (tests, shutdown). */
  idle(): Promise<void> {
    return this.pass;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  private async sendDue(): Promise<void> {
    const { workspace } = this.options;
    const now = this.clock.now();
    const due = await workspace.db.query<{ alert_id: string; entry_id: string; object: string; until: Date; snoozed_by: string }>(
      'SELECT * FROM telegram_snoozes WHERE NOT reminded AND until <= $1::TIMESTAMPTZ ORDER BY until',
      [now],
    );
    for (const snooze of due) {
      await workspace.db.transaction(async (sql) => {
        await sql.run('UPDATE telegram_snoozes SET reminded = TRUE WHERE alert_id = $1', [snooze.alert_id]);
        const alert = await loadAlert(workspace, snooze.alert_id);
        const entry = alert ? await getEntry(workspace, alert.object, alert.entryId) : undefined;
        if (!alert || !entry || ['Resolved', 'Closed'].includes(String(entry.Status ?? ''))) return;
        await enqueueMessage(workspace, {
          to: { channel: 'telegram', recipient: alert.chatId },
          text: `⏰ Reminder (snoozed by ${snooze.snoozed_by}):\n${alert.text}`,
          payload: { ...alert.payload, kind: 'alert', reminderOf: alert.alertId },
          idempotencyKey: `snooze:${alert.alertId}:${snooze.until.toISOString()}`,
        });
      });
    }
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running) return;
    const [next] = await workspace.db.query<{ until: Date | null }>('SELECT min(until) AS until FROM telegram_snoozes WHERE NOT reminded');
    if (next?.until) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.wake();
      }, Math.max(0, next.until.getTime() - this.clock.now().getTime()));
    }
  }
}
