// People as recipients and scheduled report jobs in words, offline: each said back through schedule_job's / update_job's
// preview (schedule, next runs, recipients, the terminal-only warning), nothing written before "yes", and the job file
// holding it afterwards; a saved report sends what it said at its slot.
import { existsSync } from 'node:fs';
import { jobNames, readJob } from '../jobs/job-files';
import { listOutbox } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { startsNewRequest } from '../agent/offline-brain';
import { offlineChat, type OfflineChat } from './offline-chat';

let chat: OfflineChat;
beforeEach(async () => {
  chat = await offlineChat();
});
afterEach(async () => chat.cleanup());

const jobFile = (name: string) => chat.workspace.path('jobs', `${name}.job.yaml`);

describe('offline: people as recipients', () => {
  it('notifies a person by name (person:<name>) and warns that they are reachable only in the terminal', async () => {
    const proposal = await chat.say('Every 30 minutes, escalate P1 tickets with no first response after 30 minutes to Tier 2 and message Priya');
    expect(proposal.text).toMatch(/Priya Patel has no Telegram chat/);
    expect(existsSync(jobFile('support-escalation'))).toBe(false);
    await chat.say('yes');
    const job = await readJob(chat.workspace, 'support-escalation');
    expect(job.rules[0]!.then).toContainEqual({ notify: { to: ['person:Priya Patel'], template: 'escalation' } });
    await runJob(chat.workspace, 'support-escalation');
    const messages = await listOutbox(chat.workspace);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((message) => message.channel === 'terminal' && message.recipient === 'Priya Patel')).toBe(true);
  });

  it('adds a person to the last job ("also tell Marcus") and refuses a name nobody has, naming who it can notify', async () => {
    await chat.write('Every 30 minutes, escalate P1 tickets open more than 30 minutes without a first response to Tier 2 and notify me');
    const proposal = await chat.say('also tell Marcus');
    expect(proposal.text).toMatch(/Marcus Reid has no Telegram chat/);
    await chat.say('yes');
    expect((await readJob(chat.workspace, 'support-escalation')).rules[0]!.then).toContainEqual({ notify: { to: ['me', 'person:Marcus Reid'], template: 'escalation' } });
    const refused = await chat.say('Every hour escalate P2 tickets open more than 4 hours to Tier 1 and message Bob Smith');
    expect(refused.text).toMatch(/I don't know who "Bob Smith" is; .*Priya Patel/);
    await chat.say('yes');
    expect(existsSync(jobFile('support-escalation-2'))).toBe(false);
  });
});

describe('offline: report jobs', () => {
  it('says a monthly escalation report back (schedule, next runs, recipients, what it holds) and saves it on yes', async () => {
    const proposal = await chat.say('on the 1st of every month at 9am send me and Priya the escalation report with a chart');
    expect(proposal.text).toMatch(/report job I would save as "escalation-report-monthly"/);
    expect(proposal.text).toMatch(/Next runs: 2026-05-01 09:00, 2026-06-01 09:00, 2026-07-01 09:00/);
    expect(proposal.text).toMatch(/the escalation report \(v_escalations\), with a chart, to me, person:Priya Patel/);
    expect(proposal.text).toMatch(/Priya Patel has no Telegram chat/);
    expect(proposal.text).toMatch(/\d+ escalations? \(\d+ the period before\)/);
    expect(existsSync(jobFile('escalation-report-monthly'))).toBe(false);
    await chat.say('yes');
    const job = await readJob(chat.workspace, 'escalation-report-monthly');
    expect(job).toMatchObject({ schedule: '0 9 1 * *', report: { builtin: 'escalations', chart: true, to: ['me', 'person:Priya Patel'] } });
  });

  it('reads "Enterprise accounts with escalations last week" as a weekly SQL report of those accounts only', async () => {
    await chat.write('every Monday at 8: Enterprise accounts with escalations last week');
    const job = await readJob(chat.workspace, 'enterprise-escalations-weekly');
    expect(job.schedule).toBe('0 8 * * 1');
    expect(job.report!.sql).toMatch(/"Account Tier" = 'Enterprise'/);
    // Its rows name only Enterprise customers (Globex, Stark … escalations of other tiers are left out).
    const rows = await chat.workspace.db.query<{ customer: string }>(job.report!.sql!.replace('{period_start}', "TIMESTAMPTZ '2026-01-01'").replace('{period_end}', "TIMESTAMPTZ '2026-04-15'"));
    const tiers = await chat.workspace.db.query<{ tier: string }>(`SELECT DISTINCT "Account Tier" AS tier FROM v_company WHERE "Name" IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [JSON.stringify(rows.map((row) => row.customer))]);
    expect(rows.length).toBeGreaterThan(0);
    expect(tiers.map((row) => row.tier)).toEqual(['Enterprise']);
  });

  it('pauses a report and makes it weekly through the job edit path, the title following the cadence', async () => {
    await chat.write('send the monthly escalation report to Jordan Lee');
    await chat.write('pause the monthly report');
    expect((await readJob(chat.workspace, 'escalation-report-monthly')).enabled).toBe(false);
    const proposal = await chat.say('make the report weekly');
    expect(proposal.text).toContain('schedule: 0 9 1 * * → 0 9 * * 1');
    await chat.say('yes');
    expect((await readJob(chat.workspace, 'escalation-report-monthly')).report).toMatchObject({ title: 'Weekly escalation report', to: ['person:Jordan Lee'] });
    expect((await readJob(chat.workspace, 'escalation-report-monthly')).schedule).toBe('0 9 * * 1');
  });

  it('never pauses a monitoring job for "pause the report" when there is no report job', async () => {
    await chat.write('Every 30 minutes, escalate P1 tickets open more than 30 minutes without a first response to Tier 2 and notify me');
    await chat.write('pause the monthly report');
    expect((await readJob(chat.workspace, 'support-escalation')).enabled).toBe(true);
  });

  it('still answers "monthly escalation report for the last 6 months" now, without a job', async () => {
    const reply = await chat.say('monthly escalation report for the last 6 months');
    expect(reply.text).not.toMatch(/Reply "yes"/);
    expect(reply.text).toMatch(/^20\d\d-\d\d\s/m);
    await chat.say('yes');
    expect(jobNames(chat.workspace)).toEqual([]);
  });
});

describe('offline: a new request while a question waits', () => {
  it('reads a full new request as new, and a short answer as the answer', async () => {
    expect(startsNewRequest('stop the alerts for Acme Corp for 2 hours')).toBe(true);
    expect(startsNewRequest('every 30 minutes')).toBe(false);
    expect(startsNewRequest('stop it')).toBe(false);
    const asked = await chat.say('Escalate P1 tickets with no first response after 30 minutes to Tier 2');
    expect(asked.text).toMatch(/No schedule was named/);
    const muted = await chat.say('stop the alerts for Acme Corp for 2 hours');
    expect(muted.text).toMatch(/I did not save the job[\s\S]*mute Acme Corp/);
    await chat.say('yes');
    const rows = await chat.workspace.db.query(`SELECT 1 FROM mutes WHERE object = 'company'`);
    expect(rows).toHaveLength(1);
  });
});
