// Report jobs: "on the 1st of every month at 9am send me the escalation report" — at the slot the scheduler reads the
// report from v_escalations, draws its chart, and the outbox delivers one photo with the report as its caption to the
// fake Bot API through the real grammY client; a restart, a catch-up or a second run for that slot sends nothing more.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { telegramDeliverer } from '../channels/telegram/deliverer';
import { readJob, saveJob } from '../jobs/job-files';
import { listOutbox, terminalDeliverer } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { startJobsRuntime, type JobsRuntime } from '../jobs/runtime';
import { createEntries, updateEntries } from '../objects/entries';
import { Workspace } from '../objects/workspace';
import { FakeTimers } from './fake-time';
import { FakeBotApi } from './fakes/telegram-bot-api';
import { createTestWorkspace, runEscalator, type TestWorkspace } from './helpers';

const chat = 1001;
const me = { channel: 'telegram', chat };

const monthlyReport = {
  name: 'monthly-escalations',
  description: 'The escalation report on the 1st of every month',
  schedule: '0 9 1 * *',
  created_by: me,
  report: { title: 'Monthly escalation report', builtin: 'escalations', chart: true, to: ['me'] },
};

/** Three escalations in March (two for Acme), one in February. */
async function escalate(test: TestWorkspace): Promise<void> {
  const { workspace } = test;
  const [acme, globex] = await createEntries(workspace, 'company', [{ Name: 'Acme Corp', 'Account Tier': 'Enterprise' }, { Name: 'Globex', 'Account Tier': 'SMB' }], { by: 'test' });
  const tickets = await createEntries(
    workspace,
    'support_tickets',
    [
      { Title: 'SSO down', Priority: 'P1', Status: 'Open', Customer: acme },
      { Title: 'Export fails', Priority: 'P2', Status: 'Open', Customer: acme },
      { Title: 'Billing wrong', Priority: 'P2', Status: 'Open', Customer: globex },
      { Title: 'Old one', Priority: 'P3', Status: 'Open', Customer: globex },
    ],
    { by: 'test' },
  );
  test.clock.set('2026-02-20T10:00:00Z');
  await updateEntries(workspace, 'support_tickets', [{ id: tickets[3]!, values: { 'Escalation Tier': 'Tier 1' } }], { by: 'person:Priya Patel' });
  test.clock.set('2026-03-10T10:00:00Z');
  await updateEntries(workspace, 'support_tickets', [{ id: tickets[0]!, values: { 'Escalation Tier': 'Tier 2' } }], { by: 'person:Priya Patel' });
  await updateEntries(workspace, 'support_tickets', [{ id: tickets[1]!, values: { 'Escalation Tier': 'Tier 2' } }], { by: 'person:Priya Patel' });
  await updateEntries(workspace, 'support_tickets', [{ id: tickets[2]!, values: { 'Escalation Tier': 'Tier 3' } }], { by: 'person:Priya Patel' });
  test.clock.set('2026-03-31T12:00:00Z');
}

describe('a report job', () => {
  let test: TestWorkspace;
  let fake: FakeBotApi;
  let runtime: JobsRuntime | undefined;
  let timers: FakeTimers;

  beforeEach(async () => {
    test = await createTestWorkspace({ now: '2026-02-01T08:00:00Z' });
    fake = await FakeBotApi.start({ now: () => test.clock.now() });
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await fake.close();
    await test.cleanup();
  });

  async function start(): Promise<void> {
    timers = new FakeTimers(test.clock, async () => {
      await runtime?.scheduler.idle();
      await runtime?.outbox.idle();
      await runtime?.scheduler.idle();
    });
    const deliverer = telegramDeliverer({ token: fake.token, apiRoot: fake.apiRoot, inlineRetryAfterSeconds: 0 });
    runtime = await startJobsRuntime({ workspace: test.workspace, clock: test.clock, timers, deliverers: [deliverer] });
    await timers.advance(0);
  }

  it('sends the monthly escalation report as one photo and text at 9:00 on the 1st, and a restart does not send it again', async () => {
    await escalate(test);
    await saveJob(test.workspace, monthlyReport);
    await start();
    await createEntries(test.workspace, 'support_tickets', [{ Title: 'New one', Priority: 'P1', Status: 'Open' }], { by: 'webhook:zendesk' });
    await timers.advanceTo('2026-04-01T08:59:00Z');
    expect(fake.botMessages(chat)).toEqual([]); // saving, starting and entry changes send nothing: the report waits for its slot
    expect(await test.workspace.db.query('SELECT * FROM job_runs')).toEqual([]);

    await timers.advanceTo('2026-04-01T09:05:00Z');
    const sent = fake.botMessages(chat);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.photo?.bytes.subarray(1, 4).toString()).toBe('PNG');
    const caption = String(sent[0]!.caption);
    expect(caption).toContain('📊 Monthly escalation report — 1 Mar 09:00 – 1 Apr 2026 09:00');
    expect(caption).toContain('3 escalations (1 the period before).');
    expect(caption).toContain('By customer: Acme Corp 2, Globex 1');
    expect(caption).toContain('By tier: Tier 2 - Engineering 2, Tier 3 - Executive 1');
    const [row] = await listOutbox(test.workspace);
    expect(row).toMatchObject({ state: 'sent', channel: 'telegram', recipient: String(chat), payload: expect.objectContaining({ kind: 'report', job: 'monthly-escalations' }) });
    expect(existsSync(String(row!.payload.photo))).toBe(true);

    // Restart after the slot: nothing is resent; a second run for the same slot finds it in the ledger.
    await runtime!.stop();
    runtime = undefined;
    await test.workspace.close();
    test.clock.set('2026-04-01T09:30:00Z');
    test.workspace = await Workspace.open(test.dir, { clock: test.clock });
    await start();
    await timers.advanceTo('2026-04-01T12:00:00Z');
    const again = await runJob(test.workspace, await readJob(test.workspace, 'monthly-escalations'), { trigger: 'catch-up', slot: new Date('2026-04-01T09:00:00Z') });
    expect(again).toMatchObject({ notified: 0, report: expect.objectContaining({ alreadySent: true }) });
    await runtime!.outbox.idle();
    expect(fake.botMessages(chat)).toHaveLength(1);
    expect(await listOutbox(test.workspace)).toHaveLength(1);
  });

  it('catches up a slot missed while down, once', async () => {
    await escalate(test);
    await saveJob(test.workspace, monthlyReport);
    await start();
    await timers.advanceTo('2026-04-01T09:01:00Z');
    expect(fake.botMessages(chat)).toHaveLength(1);
    await runtime!.stop();
    runtime = undefined;
    test.clock.set('2026-05-03T10:00:00Z'); // down over May 1st
    await start();
    await timers.advance(60_000);
    expect(fake.botMessages(chat)).toHaveLength(2);
    expect(fake.botMessages(chat)[1]!.text).toContain('1 Apr 09:00 – 1 May 2026 09:00\n0 escalations (3 the period before).'); // no chart without data
    await runtime!.stop();
    runtime = undefined;
    await start();
    await timers.advance(60_000);
    expect(fake.botMessages(chat)).toHaveLength(2);
  });

  it('cuts a report longer than a Telegram caption in one sendPhoto, so the photo never goes without its text', async () => {
    await escalate(test);
    const job = await saveJob(test.workspace, {
      name: 'long-report',
      schedule: '0 9 * * 1',
      created_by: me,
      report: {
        sql: `SELECT 'Account number ' || i || ' with a long name <&>' AS customer, i AS escalations FROM range(1, 60) t(i)`,
        chart: { mark: 'bar', encoding: { x: { field: 'customer', type: 'nominal' }, y: { field: 'escalations', type: 'quantitative' } } },
        to: ['me'],
      },
    });
    await start();
    await runJob(test.workspace, job, { trigger: 'schedule', slot: new Date('2026-03-30T09:00:00Z') });
    await runtime!.outbox.idle();
    const [sent] = fake.botMessages(chat);
    expect(sent!.photo).toBeDefined();
    expect(sent!.caption!.length).toBeLessThanOrEqual(1024);
    expect(sent!.caption).toContain('customer: Account number 1 with a long name &lt;&amp;&gt; · escalations: 1');
    expect(sent!.caption).toMatch(/… \(cut: see escalator outbox\)$/);
    expect((await listOutbox(test.workspace))[0]).toMatchObject({ state: 'sent' });
  });

  it('sends a SQL report with a chart to the terminal as text and the chart file path', async () => {
    await escalate(test);
    test.workspace.config.people.push({ name: 'Priya Patel' });
    const job = await saveJob(test.workspace, {
      name: 'enterprise-weekly',
      schedule: '0 9 * * 1',
      report: {
        title: 'Enterprise accounts with escalations',
        sql: `SELECT e.customer, count(*)::INTEGER AS escalations FROM v_escalations e JOIN v_company c ON c."Name" = e.customer
              WHERE c."Account Tier" = 'Enterprise' AND e.escalated_at >= {period_start} AND e.escalated_at < {period_end} GROUP BY 1 ORDER BY 2 DESC`,
        chart: { mark: 'bar', encoding: { x: { field: 'customer', type: 'nominal' }, y: { field: 'escalations', type: 'quantitative' } } },
        to: ['person:priya patel'],
      },
    });
    expect(job.report!.to).toEqual(['person:Priya Patel']);
    const printed: string[] = [];
    runtime = await startJobsRuntime({ workspace: test.workspace, clock: test.clock, timers: new FakeTimers(test.clock), deliverers: [terminalDeliverer((text) => printed.push(text))] });
    const result = await runJob(test.workspace, job, { trigger: 'schedule', slot: new Date('2026-03-16T09:00:00Z') });
    expect(result.notified).toBe(1);
    await runtime.outbox.idle();
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('── to Priya Patel ──');
    expect(printed[0]).toContain('customer: Acme Corp · escalations: 2');
    const path = /Chart: (exports\/\S+\.png)/.exec(printed[0]!)?.[1];
    expect(path && existsSync(join(test.dir, path))).toBe(true);
  });

  it('refuses a report naming nobody the workspace knows, a field: recipient, or SQL that is not a read-only SELECT', async () => {
    const base = { name: 'weekly', schedule: '0 9 * * 1', created_by: me };
    await expect(saveJob(test.workspace, { ...base, report: { builtin: 'escalations', to: ['person:Nobody Here'] } })).rejects.toThrow(
      /jobs\/weekly\.job\.yaml: report\.to: person:Nobody Here is nobody the workspace knows/,
    );
    await expect(saveJob(test.workspace, { ...base, report: { builtin: 'escalations', to: ['field:Customer.Account Owner'] } })).rejects.toThrow(/report\.to\.0: .*a report has no entry/);
    await expect(saveJob(test.workspace, { ...base, report: { sql: 'DELETE FROM obj_company', to: ['me'] } })).rejects.toThrow(/jobs\/weekly\.job\.yaml: report\.sql: query refused/);
    await expect(saveJob(test.workspace, { ...base, object: 'support_tickets', report: { builtin: 'escalations', to: ['me'] } })).rejects.toThrow(/a report job has no object/);
  });

  it('shows a report job in jobs list and jobs show', async () => {
    await saveJob(test.workspace, monthlyReport);
    await test.workspace.close();
    const list = await runEscalator(['jobs', 'list', '--workspace', test.dir, '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'monthly-escalations', report_description: expect.stringContaining('escalation report') })]));
    const show = await runEscalator(['jobs', 'show', 'monthly-escalations', '--workspace', test.dir]);
    expect(show.stdout).toContain('report: the escalation report (v_escalations), with a chart, to me');
    const dry = await runEscalator(['jobs', 'run', 'monthly-escalations', '--dry-run', '--json', '--workspace', test.dir]);
    expect(JSON.parse(dry.stdout)).toMatchObject({ job: 'monthly-escalations', report: { text: expect.stringMatching(/^📊 Monthly escalation report — /), chart: null, recipients: [{ to: String(chat), channel: 'telegram' }] } });
    test.workspace = await Workspace.open(test.dir, { clock: test.clock });
  });
});
