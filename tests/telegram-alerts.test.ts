// Escalation alerts in Telegram: delivered from the jobs outbox with the seed's content and four buttons, acted on
// by code, edited in place, never doubled — through 429s, 5xx runs and long outages on fake time.
import { Api } from 'grammy';
import { alertButtonsComposer } from '../channels/telegram/alert-buttons';
import { createTelegramBot } from '../channels/telegram/bot';
import { telegramDeliverer } from '../channels/telegram/deliverer';
import { PairingStore } from '../channels/telegram/pairings';
import { TelegramService } from '../channels/telegram/service';
import { SnoozeReminders } from '../channels/telegram/snooze-reminders';
import { saveJob } from '../jobs/job-files';
import { listMutes } from '../jobs/mutes';
import { enqueueMessage, listOutbox, Outbox } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { seedEscalationJob } from '../jobs/seed-job';
import { loadDemo } from '../objects/demo';
import { findEntries } from '../objects/entries';
import { FakeTimers } from './fake-time';
import { FakeBotApi, type FakeMessage, type FakeUser } from './fakes/telegram-bot-api';
import { createTestWorkspace, type TestWorkspace } from './helpers';

const lead = 1001;
const priya: FakeUser = { id: lead, first_name: 'Priya', last_name: 'Patel' };
const minute = 60_000;

describe('escalation alerts in Telegram', () => {
  let test: TestWorkspace;
  let fake: FakeBotApi;
  let timers: FakeTimers;
  let outbox: Outbox;
  let reminders: SnoozeReminders;
  let service: TelegramService | undefined;

  beforeEach(async () => {
    test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
    fake = await FakeBotApi.start({ now: () => test.clock.now() });
    timers = new FakeTimers(test.clock, async () => {
      await outbox.idle();
      await reminders.idle();
    });
    outbox = new Outbox({
      workspace: test.workspace,
      timers,
      // Pacing per chat is tested in reliability-outbox; here the alerts go out at once.
      deliverers: [telegramDeliverer({ token: fake.token, apiRoot: fake.apiRoot, inlineRetryAfterSeconds: 0, chatSpacingMs: 0 })],
      baseBackoffMs: 5_000,
      maxBackoffMs: 2 * minute,
    });
    reminders = new SnoozeReminders({ workspace: test.workspace, timers });
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await reminders.stop();
    await outbox.stop();
    await fake.close();
    await test.cleanup();
  });

  async function startBot(): Promise<void> {
    const telegram = createTelegramBot({
      token: fake.token,
      apiRoot: fake.apiRoot,
      workspace: test.workspace,
      agent: { handle: async () => ({ text: 'not used here' }) },
      allowedChats: new Set([lead]),
      pairings: new PairingStore(test.workspace.db, test.clock),
      alertButtons: alertButtonsComposer({ workspace: test.workspace, onSnoozed: () => reminders.wake() }),
    });
    service = new TelegramService({ telegram, mode: { kind: 'polling' } });
    await service.start();
    await reminders.start();
  }

  /** Runs the seed's escalation job (alerts to the lead's chat) and delivers what it queued. */
  async function runSeedJob(): Promise<void> {
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: lead }));
    await runJob(test.workspace, 'support-escalation');
    await outbox.start();
    await outbox.idle();
  }

  function acmeAlert(): FakeMessage {
    const found = fake.botMessages(lead).find((message) => message.text?.includes("Acme Corp — 'Unable to export data' (P1)"));
    if (!found) throw new Error(`no Acme alert among ${fake.botMessages(lead).length} messages`);
    return found;
  }

  async function acmeTicket() {
    const [row] = await findEntries(test.workspace, 'support_tickets', {
      filter: { all: [{ field: 'Title', operator: 'is', value: 'Unable to export data' }, { field: 'Customer', operator: 'is', value: 'Acme Corp' }, { field: 'Opened Date', operator: 'newer_than', value: '1d' }] },
    });
    return row!;
  }

  /** Presses a button and waits until the press is answered and, when it reached an alert, the alert refreshed. */
  async function press(message: FakeMessage, button: string | { data: string }, from: FakeUser = priya) {
    const edits = fake.calls.filter((call) => call.method === 'editMessageText').length;
    const id = fake.pressButton(message.chat.id, message.message_id, button, from);
    const answer = await fake.waitFor(() => fake.callbackAnswers.get(id));
    if (!/^(These buttons|This alert|This chat)/.test(answer.text ?? '')) {
      await fake.waitFor(() => fake.calls.filter((call) => call.method === 'editMessageText').length > edits);
    }
    return answer;
  }

  it("delivers the seed's alert with account context and its five buttons, and stores the Telegram message id", async () => {
    await runSeedJob();
    const alert = acmeAlert();
    expect(alert.text).toBe(
      [
        "🚨 ESCALATION: Acme Corp — 'Unable to export data' (P1)",
        'Open for: 47 minutes | No first response yet',
        'Account Value: $180k | Renewal: 62 days | Health: Yellow',
        'Escalation Tier: 2 (Engineering)',
        'Assigned to: (unassigned) — ACTION NEEDED',
      ].join('\n'),
    );
    expect(alert.reply_markup!.inline_keyboard.map((row) => row.map((button) => button.text))).toEqual([['Acknowledge', 'Resolve'], ['Snooze 1 h', 'Escalate'], ['Mute 24h']]);
    const rows = await listOutbox(test.workspace);
    const row = rows.find((candidate) => candidate.text.includes("Acme Corp — 'Unable to export data'"))!;
    expect(row).toMatchObject({ state: 'sent', remoteId: String(alert.message_id), channel: 'telegram', recipient: String(lead) });
    // The seed job's 7 alerts: 5 on their own, the other 2 inside one digest message.
    const sent = rows.filter((candidate) => candidate.state !== 'covered');
    expect(sent.every((candidate) => candidate.state === 'sent')).toBe(true);
    expect(rows.filter((candidate) => candidate.state === 'covered')).toHaveLength(2);
    expect(fake.succeeded('sendMessage')).toHaveLength(sent.length);
  });

  it('Acknowledge sets the first response and assignee, edits the alert in place, and a second press changes nothing', async () => {
    await runSeedJob();
    await startBot();
    test.clock.advance(5 * minute);
    const alert = acmeAlert();
    const first = await press(alert, 'Acknowledge');
    expect(first.text).toBe('✅ Acknowledged by Priya Patel at 10:05, assigned to Priya Patel');
    const ticket = await acmeTicket();
    expect(ticket['First Response Date']).toEqual(new Date('2026-04-14T10:05:00Z'));
    expect(ticket['Assigned To']).toBe('Priya Patel');
    const history = await test.workspace.db.query(`SELECT field, changed_by FROM field_changes WHERE entry_id = $1 AND changed_by LIKE 'telegram:%' ORDER BY field`, [ticket.id]);
    expect(history).toEqual([
      { field: 'Assigned To', changed_by: 'telegram:Priya Patel (1001)' },
      { field: 'First Response Date', changed_by: 'telegram:Priya Patel (1001)' },
    ]);
    const edited = fake.message(lead, alert.message_id);
    expect(edited.text).toContain("🚨 ESCALATION: Acme Corp — 'Unable to export data' (P1)");
    expect(edited.text).toContain('<b>✅ Acknowledged by Priya Patel at 10:05, assigned to Priya Patel</b>');
    expect(edited.text).toContain('Now: Escalated · first response 2026-04-14 10:05 · assigned to Priya Patel · Tier 2 - Engineering');
    expect(edited.reply_markup!.inline_keyboard.flat().map((button) => button.text)).toEqual(['Resolve', 'Snooze 1 h', 'Escalate', 'Mute 24h']);

    test.clock.advance(minute);
    const second = await press(alert, { data: alert.history[0]!.reply_markup!.inline_keyboard[0]![0]!.callback_data! });
    expect(second).toEqual({ text: 'Already acknowledged: first response recorded at 2026-04-14 10:05 by Priya Patel.', show_alert: true });
    expect((await acmeTicket())['First Response Date']).toEqual(new Date('2026-04-14T10:05:00Z'));
    const changes = await test.workspace.db.query(`SELECT count(*) AS count FROM field_changes WHERE entry_id = $1 AND changed_by LIKE 'telegram:%'`, [ticket.id]);
    expect(changes).toEqual([{ count: 2 }]);
  });

  it('Escalate moves the ticket one tier up; Resolve closes it and a later press on the stale alert says why', async () => {
    await runSeedJob();
    await startBot();
    const alert = acmeAlert();
    expect((await press(alert, 'Escalate')).text).toBe('⬆️ Escalated to Tier 3 - Executive by Priya Patel at 10:00');
    expect(await acmeTicket()).toMatchObject({ 'Escalation Tier': 'Tier 3 - Executive', Status: 'Escalated' });
    expect(fake.message(lead, alert.message_id).reply_markup!.inline_keyboard.flat().map((button) => button.text)).toEqual(['Acknowledge', 'Resolve', 'Snooze 1 h', 'Mute 24h']);

    test.clock.advance(20 * minute);
    expect((await press(alert, 'Resolve')).text).toBe('✔️ Resolved by Priya Patel at 10:20');
    expect(await acmeTicket()).toMatchObject({ Status: 'Resolved', 'Resolved Date': new Date('2026-04-14T10:20:00Z') });
    const resolved = fake.message(lead, alert.message_id);
    expect(resolved.reply_markup).toBeUndefined();
    expect(resolved.text).toContain('<b>⬆️ Escalated to Tier 3 - Executive by Priya Patel at 10:00</b>\n<b>✔️ Resolved by Priya Patel at 10:20</b>');

    const stale = await press(alert, { data: `al:ack:${(await listOutbox(test.workspace)).find((row) => row.remoteId === String(alert.message_id))!.id}` });
    expect(stale).toEqual({ text: 'Nothing done: the ticket is already Resolved at 2026-04-14 10:20 by Priya Patel.', show_alert: true });
    expect((await acmeTicket())['First Response Date']).toBeNull();
  });

  it('Snooze 1 h brings the alert back as a new message an hour later while the ticket is still open', async () => {
    await runSeedJob();
    await startBot();
    const alert = acmeAlert();
    const before = fake.botMessages(lead).length;
    expect((await press(alert, 'Snooze 1 h')).text).toBe('⏰ Snoozed by Priya Patel at 10:00 until 11:00');
    await reminders.idle();
    await timers.advance(59 * minute);
    expect(fake.botMessages(lead)).toHaveLength(before);
    await timers.advance(minute);
    const reminder = fake.botMessages(lead).at(-1)!;
    expect(fake.botMessages(lead)).toHaveLength(before + 1);
    expect(reminder.text).toMatch(/^⏰ Reminder \(snoozed by Priya Patel\):\n🚨 ESCALATION: Acme Corp/);
    expect(reminder.reply_markup!.inline_keyboard.flat()).toHaveLength(5);
    await timers.advance(3 * 60 * minute);
    expect(fake.botMessages(lead)).toHaveLength(before + 1);
  });

  it('Mute 24h mutes the ticket for a day, says until when, and a second press says it already is', async () => {
    await runSeedJob();
    await startBot();
    const alert = acmeAlert();
    const data = alert.reply_markup!.inline_keyboard.flat().find((button) => button.text === 'Mute 24h')!.callback_data!;
    expect((await press(alert, 'Mute 24h')).text).toBe('🔕 Muted by Priya Patel at 10:00 until 2026-04-15 10:00: no job acts on it or alerts until then');
    const ticket = await acmeTicket();
    expect(await listMutes(test.workspace)).toEqual([
      expect.objectContaining({ object: 'support_tickets', entryId: ticket.id, until: new Date('2026-04-15T10:00:00Z'), by: expect.stringContaining('Priya Patel') }),
    ]);
    expect(fake.message(lead, alert.message_id).reply_markup!.inline_keyboard.flat().map((button) => button.text)).not.toContain('Mute 24h');
    expect((await press(alert, { data })).text).toBe('Already muted until 2026-04-15 10:00.');
  });

  it('ignores buttons pressed in an unpaired chat and buttons that belong to another message', async () => {
    await runSeedJob();
    await startBot();
    const alert = acmeAlert();
    const data = alert.reply_markup!.inline_keyboard[0]![0]!.callback_data!;
    const other = fake.botMessages(lead).find((message) => message.message_id !== alert.message_id)!;
    expect(await press(other, { data })).toEqual({ text: 'These buttons belong to another alert message; nothing was changed. Use the buttons on the latest alert.', show_alert: true });

    const stranger = 555;
    const forwarded = await new Api(fake.token, { apiRoot: fake.apiRoot }).sendMessage(stranger, 'a message the stranger could press on');
    expect(await press(fake.message(stranger, forwarded.message_id), { data }, { id: stranger, first_name: 'Mallory' })).toEqual({
      text: 'This chat is not paired with escalator, so buttons here do nothing.',
      show_alert: true,
    });
    const ticket = await acmeTicket();
    expect(ticket).toMatchObject({ 'First Response Date': null, 'Assigned To': null });
    expect(fake.message(lead, alert.message_id).history).toEqual([]);
  });
});
