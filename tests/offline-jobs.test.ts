// The offline brain on monitoring jobs: the seed's Step 4 as written and variations — said back with next runs and a
// dry run before saving, saved only after "yes", and checked by what the saved rules do to demo data.
import { existsSync } from 'node:fs';
import { readJob } from '../jobs/job-files';
import { listOutbox } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { nextRuns } from '../jobs/schedule';
import type { Row } from '../objects/database';
import { createEntries, findEntries } from '../objects/entries';
import { offlineChat, type OfflineChat } from './offline-chat';
import { seedBackupOwner, seedStep4 } from './fixtures/seed-instructions';

let chat: OfflineChat;
beforeEach(async () => {
  chat = await offlineChat();
});
afterEach(async () => chat.cleanup());

async function ticket(title: string, customer: string): Promise<Row> {
  const open = { field: 'Status', operator: 'is_none_of', value: ['Resolved', 'Closed'] } as const;
  const rows = await findEntries(chat.workspace, 'support_tickets', { filter: { all: [{ field: 'Title', operator: 'is', value: title }, { field: 'Customer', operator: 'is', value: customer }, open] } });
  if (rows.length !== 1) throw new Error(`expected one "${title}" for ${customer}, found ${rows.length}`);
  return rows[0]!;
}

async function tierOf(title: string, customer: string): Promise<unknown> {
  return (await ticket(title, customer))['Escalation Tier'];
}

const jobFile = (name: string) => chat.workspace.path('jobs', `${name}.job.yaml`);

describe('offline brain: monitoring jobs', () => {
  it("says the seed's Step 4 back with next runs and a dry run, saves it on yes, and its rules escalate the right tickets", async () => {
    const preview = await chat.say(seedStep4);
    expect(existsSync(jobFile('support-escalation'))).toBe(false);
    expect(preview.text).toContain('Next runs: 2026-04-14 10:30, 2026-04-14 11:00, 2026-04-14 11:30.');
    expect(preview.text).toMatch(/Right now it would escalate 7 support tickets:/);
    expect(preview.text).toContain('Unable to export data · Acme Corp · P1 · open 47 minutes');
    expect(await tierOf('Unable to export data', 'Acme Corp')).toBe('None');

    await chat.say('yes');
    const job = await readJob(chat.workspace, 'support-escalation');
    expect(job).toMatchObject({ schedule: 'every 30 minutes', object: 'support_tickets', created_by: { channel: 'terminal', chat: 'local' } });
    expect(job.rules.map((rule) => rule.then)).toEqual([
      [{ escalate: { tier: 'Tier 2 - Engineering' } }, { notify: { to: ['me'], template: 'escalation' } }],
      [{ escalate: { tier: 'Tier 1 - Support Lead' } }, { notify: { to: ['me'], template: 'escalation' } }],
      [{ escalate: { tier: 'Tier 3 - Executive' } }, { notify: { to: ['me'], template: 'escalation' } }],
    ]);
    expect(nextRuns(job, chat.workspace.clock.now(), 2, 'UTC').map((at) => at.toISOString())).toEqual(['2026-04-14T10:30:00.000Z', '2026-04-14T11:00:00.000Z']);

    await runJob(chat.workspace, 'support-escalation');
    expect(await tierOf('Unable to export data', 'Acme Corp')).toBe('Tier 2 - Engineering'); // P1, 47 min, no response
    expect(await tierOf('API rate limits hit after upgrade', 'Umbrella Health')).toBe('None'); // P1 but only 25 min
    expect(await tierOf('SSO login loop for EU users', 'Globex Industries')).toBe('Tier 1 - Support Lead'); // Enterprise P2, 5 h
    expect(await tierOf('Webhook deliveries delayed', 'Stark Logistics')).toBe('None'); // Mid-Market P2
    expect(await tierOf('Invoices show wrong currency', 'Initech')).toBe('Tier 3 - Executive'); // 52 h unresolved
    expect((await ticket('Unable to export data', 'Acme Corp')).Status).toBe('Escalated');
    const alerts = await listOutbox(chat.workspace);
    expect(alerts.some((message) => message.channel === 'terminal' && message.recipient === 'local' && /Acme Corp — 'Unable to export data' \(P1\)[\s\S]*Account Value: \$180k/.test(message.text))).toBe(true);
  });

  it('saves nothing when the answer is no', async () => {
    await chat.say(seedStep4);
    const reply = await chat.say('no');
    expect(reply.text).toMatch(/did not save the job "support-escalation"/);
    expect(existsSync(jobFile('support-escalation'))).toBe(false);
    // The discarded proposal is gone: a follow-up finds no job to change and saves nothing on yes.
    const later = await chat.say('make it hourly instead');
    expect(later.text).not.toMatch(/support-escalation/);
    await chat.say('yes');
    expect(existsSync(jobFile('support-escalation'))).toBe(false);
  });

  it('reads "every half hour", "critical", "haven\'t been answered" and "engineering" in one sentence', async () => {
    await chat.say("Every half hour, escalate critical tickets that haven't been answered for 30 minutes to engineering and notify me");
    await chat.say('yes');
    const job = await readJob(chat.workspace, 'support-escalation');
    expect(job.schedule).toBe('every 30 minutes');
    await runJob(chat.workspace, job);
    expect(await tierOf('Unable to export data', 'Acme Corp')).toBe('Tier 2 - Engineering');
    expect(await tierOf('Checkout page returns 500', 'Bluth Foods')).toBe('Tier 2 - Engineering');
    expect(await tierOf('API rate limits hit after upgrade', 'Umbrella Health')).toBe('None');
    expect(await tierOf('SSO login loop for EU users', 'Globex Industries')).toBe('None');
  });

  it('reads "hourly", "if … from an Enterprise customer … bump it to Tier 1" and notifies a role', async () => {
    await chat.say('Hourly: if a P2 ticket from an Enterprise customer has been open for over 4 hours, bump it to Tier 1 and alert the support lead');
    await chat.say('yes');
    const job = await readJob(chat.workspace, 'support-escalation');
    expect(nextRuns(job, chat.workspace.clock.now(), 2, 'UTC').map((at) => at.toISOString())).toEqual(['2026-04-14T11:00:00.000Z', '2026-04-14T12:00:00.000Z']);
    expect(job.rules[0]!.then).toContainEqual({ notify: { to: ['role:support_lead'], template: 'escalation' } });
    await runJob(chat.workspace, job);
    expect(await tierOf('SSO login loop for EU users', 'Globex Industries')).toBe('Tier 1 - Support Lead');
    expect(await tierOf('Webhook deliveries delayed', 'Stark Logistics')).toBe('None');
    expect(await tierOf('Unable to export data', 'Acme Corp')).toBe('None');
  });

  it('reads "every day at 9am", an inline bullet, "unresolved for more than 2 days" and the account owner and backup owner', async () => {
    await chat.say('every day at 9am check support tickets: - unresolved for more than 2 days: escalate to tier 3, notify the account owner and backup owner');
    await chat.say('yes');
    const job = await readJob(chat.workspace, 'support-escalation');
    expect(nextRuns(job, chat.workspace.clock.now(), 1, 'UTC')[0]!.toISOString()).toBe('2026-04-15T09:00:00.000Z');
    expect(job.rules[0]!.then).toContainEqual({ notify: { to: ['field:Customer.Account Owner', 'field:Customer.Backup Owner'], template: 'escalation' } });
    await runJob(chat.workspace, job);
    expect(await tierOf('Invoices show wrong currency', 'Initech')).toBe('Tier 3 - Executive');
    expect(await tierOf('Dashboard widgets blank', 'Wayne Analytics')).toBe('None'); // 30 h only
    const recipients = (await listOutbox(chat.workspace)).filter((message) => /Invoices show wrong currency/.test(message.text)).map((message) => message.recipientName);
    expect(recipients.sort()).toEqual(['Diego Alvarez', 'Sarah Chen']);
  });

  it('takes other thresholds and a closing "Notify me." that applies to every rule', async () => {
    await chat.say(`Every 15 minutes, check for tickets that meet these criteria:
- P1 tickets open more than 20 minutes without a first response: escalate to Tier 2
- P2 tickets from Enterprise accounts open more than 6 hours: escalate to Tier 1
Notify me.`);
    await chat.say('yes');
    const job = await readJob(chat.workspace, 'support-escalation');
    expect(job.rules.every((rule) => rule.then.some((action) => 'notify' in action && action.notify.to.includes('me')))).toBe(true);
    await runJob(chat.workspace, job);
    expect(await tierOf('API rate limits hit after upgrade', 'Umbrella Health')).toBe('Tier 2 - Engineering'); // 25 min > 20
    expect(await tierOf('SSO login loop for EU users', 'Globex Industries')).toBe('None'); // 5 h < 6
  });

  it('says back every 15 minutes when the schedule is missing, and a bare schedule before the yes changes it', async () => {
    const question = await chat.say('check for P1 tickets without a first response: escalate to Tier 2');
    expect(question.text).toMatch(/No schedule was named, so it checks every 15 minutes/);
    const preview = await chat.say('every 10 minutes');
    expect(preview.text).toMatch(/every 10 minutes/);
    await chat.say('yes');
    expect((await readJob(chat.workspace, 'support-escalation')).schedule).toBe('every 10 minutes');
  });

  it('asks what to do when a rule has no action, and runs on weekdays at 8:30 when told so', async () => {
    const question = await chat.say('Every weekday at 8:30, check tickets for P1s without a first response');
    expect(question.text).toMatch(/What should happen/);
    await chat.say('escalate to Tier 2 and notify me');
    await chat.say('yes');
    const job = await readJob(chat.workspace, 'support-escalation');
    expect(job.schedule).toBe('30 8 * * 1-5');
    expect(job.rules[0]!.then[0]).toEqual({ escalate: { tier: 'Tier 2 - Engineering' } });
  });

  it('names a job when told, and says plainly what it did not understand without saving', async () => {
    await chat.say('Every hour, escalate P1 tickets open more than 2 hours to Tier 3 and notify me. Call it "p1-watch"');
    await chat.say('yes');
    expect(existsSync(jobFile('p1-watch'))).toBe(true);
    const unclear = await chat.say('Every hour, check for tickets with purple flags: escalate to Tier 2');
    expect(unclear.text).toMatch(/did not understand "purple", "flags"/);
    expect(unclear.text).toMatch(/Nothing was saved/);
    const badTier = await chat.say('Every hour, check for P1 tickets open more than 1 hour: escalate to Tier 7');
    expect(badTier.text).toMatch(/"tier 7" is not an escalation tier/);
    expect(existsSync(jobFile('support-escalation'))).toBe(false);
  });

  it('watches other objects and fields: a bug_reports job that sets a status and notifies, run on its own data', async () => {
    await chat.write('Create a bug_reports object with these fields: title (text), severity (enum: Sev1, Sev2, Sev3), reported_date (date), customer (relation to company), status (enum: New, Triaged, Fixed)');
    await createEntries(chat.workspace, 'bug_reports', [
      { Title: 'Data loss on save', Severity: 'Sev1', 'Reported Date': '2026-04-14 07:00', Customer: 'Acme Corp', Status: 'New' },
      { Title: 'Typo in footer', Severity: 'Sev3', 'Reported Date': '2026-04-14 07:00', Customer: 'Acme Corp', Status: 'New' },
      { Title: 'Crash on login', Severity: 'Sev1', 'Reported Date': '2026-04-14 07:00', Customer: 'Pied Piper', Status: 'New' },
    ], { by: 'test' });
    await chat.say('Every hour, check bug reports: - Sev1 bugs from Enterprise accounts open more than 2 hours: set Status to Triaged and notify me');
    await chat.say('yes');
    await runJob(chat.workspace, 'bug-monitor');
    const statuses = Object.fromEntries((await findEntries(chat.workspace, 'bug_reports')).map((row) => [row.Title, row.Status]));
    expect(statuses).toEqual({ 'Data loss on save': 'Triaged', 'Typo in footer': 'New', 'Crash on login': 'New' });
    const nothing = await chat.say('yes');
    expect(nothing.text).toMatch(/Nothing is waiting for a yes/);
  });

  it("adds the account owner and backup owner to Tier 3 escalations when told the FAQ's Backup Owner instruction", async () => {
    await chat.say(seedStep4);
    await chat.say('yes');
    const proposal = await chat.say(seedBackupOwner);
    expect(proposal.text).toMatch(/Reply "yes" to save that change/);
    await chat.say('yes');
    const job = await readJob(chat.workspace, 'support-escalation');
    const tier3 = job.rules.find((rule) => rule.then.some((action) => 'escalate' in action && action.escalate.tier === 'Tier 3 - Executive'))!;
    expect(tier3.then).toContainEqual({ notify: { to: ['field:Customer.Account Owner', 'field:Customer.Backup Owner'], template: 'escalation' } });
    const tier2 = job.rules.find((rule) => rule.then.some((action) => 'escalate' in action && action.escalate.tier === 'Tier 2 - Engineering'))!;
    expect(tier2.then.flatMap((action) => ('notify' in action ? action.notify.to : []))).toEqual(['me']);
  });
});
