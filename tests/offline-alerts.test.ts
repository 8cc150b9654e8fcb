// The offline brain acting on alerts by text through jobs/alert-actions.ts — the code behind the Telegram buttons: the
// action is said back and waits for a yes, lands in the same action log and snooze table the Telegram alert view
// reads, and is refused for the same reasons a stale button press is.
import { currentAlertView, loadAlert } from '../channels/telegram/alert-messages';
import { alertActionLog } from '../jobs/alert-actions';
import { loadJobs } from '../jobs/job-files';
import { listMutes } from '../jobs/mutes';
import { runJob } from '../jobs/runner';
import { offlineChat, type OfflineChat } from './offline-chat';

let chat: OfflineChat;
beforeEach(async () => {
  chat = await offlineChat();
  await chat.write('Every hour, alert me about open tickets with no first response');
  for (const job of await loadJobs(chat.workspace)) await runJob(chat.workspace, job.name);
});
afterEach(async () => chat.cleanup());

async function alertOn(title: string): Promise<{ id: string; entryId: string }> {
  const [row] = await chat.workspace.db.query<{ id: string; entry_id: string }>(
    `SELECT o.id, json_extract_string(o.payload, '$.entryId') AS entry_id FROM outbox o JOIN v_support_tickets t ON t.id = json_extract_string(o.payload, '$.entryId')
     WHERE json_extract_string(o.payload, '$.kind') = 'alert' AND t."Title" = $1 ORDER BY o.sequence DESC LIMIT 1`,
    [title],
  );
  return { id: row!.id, entryId: row!.entry_id };
}

describe('offline alert actions', () => {
  it('says an acknowledgement back, writes nothing before yes, then logs it as the buttons do', async () => {
    const alert = await alertOn('SSO login loop for EU users');
    const proposal = await chat.say('ack the Globex SSO alert');
    expect(proposal.text).toMatch(/Reply "yes"/);
    expect(await alertActionLog(chat.workspace.db, alert.id)).toEqual([]);
    await chat.say('yes');
    const log = await alertActionLog(chat.workspace.db, alert.id);
    expect(log.map((entry) => entry.action)).toEqual(['ack']);
    const [ticket] = await chat.workspace.db.query<{ responded: Date | null }>(`SELECT "First Response Date" AS responded FROM v_support_tickets WHERE id = $1`, [alert.entryId]);
    expect(ticket!.responded).toBeInstanceOf(Date);
  });

  it('snoozes an alert until the time said, and a second snooze is refused by the same check as a second press', async () => {
    const alert = await alertOn('Webhook deliveries delayed');
    await chat.write('snooze the Stark webhook alert for 2 hours');
    const [snooze] = await chat.workspace.db.query<{ until: Date }>(`SELECT until FROM telegram_snoozes WHERE alert_id = $1`, [alert.id]);
    expect(snooze!.until.getTime()).toBe(chat.workspace.clock.now().getTime() + 2 * 3_600_000);
    const again = await chat.write('snooze the Stark webhook alert for 1 hour');
    expect(again.text).toMatch(/Already snoozed until 12:00/);
    expect((await alertActionLog(chat.workspace.db, alert.id)).map((entry) => entry.action)).toEqual(['snooze']);
  });

  it('escalates to a named tier, and never lowers one', async () => {
    const alert = await alertOn('Unable to export data');
    await chat.write('escalate the Acme export alert to tier 2');
    const tier = async () => (await chat.workspace.db.query<{ tier: string }>(`SELECT "Escalation Tier" AS tier FROM v_support_tickets WHERE id = $1`, [alert.entryId]))[0]!.tier;
    expect(await tier()).toBe('Tier 2 - Engineering');
    const lower = await chat.write('escalate the Acme export alert to tier 1');
    expect(lower.text).toMatch(/never lowers/);
    expect(await tier()).toBe('Tier 2 - Engineering');
  });

  it('shows an alert acted on by text in the Telegram alert view: the action line, and no Acknowledge button', async () => {
    const alert = await alertOn('Checkout page returns 500');
    await chat.write('acknowledge the Bluth checkout alert');
    const stored = await loadAlert(chat.workspace, alert.id);
    // Alerts to "me" in the terminal are not Telegram messages; the view is built from the same log either way.
    const view = await currentAlertView(chat.workspace, stored ?? { alertId: alert.id, object: 'support_tickets', entryId: alert.entryId, chatId: 'local', text: 'alert', remoteId: null, payload: {} });
    expect(view.text).toMatch(/✅ Acknowledged/);
    expect(JSON.stringify(view.keyboard ?? {})).not.toContain('al:ack:');
  });

  it('reads "snooze alerts for Initech until tomorrow 9am" as a mute of the company until then', async () => {
    await chat.write('snooze alerts for Initech until tomorrow 9am');
    const mutes = await listMutes(chat.workspace);
    expect(mutes.map((mute) => [mute.object, mute.name, mute.until.toISOString()])).toEqual([['company', 'Initech', '2026-04-15T09:00:00.000Z']]);
  });
});
