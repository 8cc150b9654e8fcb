import { writeDigest } from '../jobs/outbox-digest';
import { loadDemo } from '../objects/demo';
import { createEntries, findEntries, getEntry, updateEntries } from '../objects/entries';
import { saveJob } from '../jobs/job-files';
import { listOutbox } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { seedEscalationJob } from '../jobs/seed-job';
import { Workspace } from '../objects/workspace';
import { createTestWorkspace, type TestWorkspace } from './helpers';

const minute = 60_000;
const hour = 60 * minute;
const tiers = ['None', 'Tier 1 - Support Lead', 'Tier 2 - Engineering', 'Tier 3 - Executive'];

/** What the seed's three rules should do, worked out independently from the tickets as they are. */
async function expectedTiers(test: TestWorkspace): Promise<Map<string, string>> {
  const now = test.clock.now().getTime();
  const companies = new Map((await findEntries(test.workspace, 'company')).map((row) => [row.Name, row]));
  const expected = new Map<string, string>();
  for (const ticket of await findEntries(test.workspace, 'support_tickets')) {
    if (['Resolved', 'Closed'].includes(String(ticket.Status))) continue;
    const opened = (ticket['Opened Date'] as Date).getTime();
    let rank = tiers.indexOf(String(ticket['Escalation Tier']));
    const start = rank;
    if (ticket.Priority === 'P1 - Critical' && !ticket['First Response Date'] && opened <= now - 30 * minute && rank < 2) rank = 2;
    const tier = companies.get(ticket.Customer)?.['Account Tier'];
    if (ticket.Priority === 'P2 - High' && tier === 'Enterprise' && opened <= now - 4 * hour && rank < 1) rank = 1;
    if (opened <= now - 48 * hour && !ticket['Resolved Date'] && rank < 3) rank = 3;
    if (rank !== start) expected.set(String(ticket.id), tiers[rank]!);
  }
  return expected;
}

describe('running the seed escalation job on the demo workspace', () => {
  let test: TestWorkspace;
  beforeEach(async () => {
    test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
  });
  afterEach(async () => test.cleanup());

  async function ticket(title: string) {
    const [row] = await findEntries(test.workspace, 'support_tickets', {
      filter: { all: [{ field: 'Title', operator: 'is', value: title }, { field: 'Opened Date', operator: 'newer_than', value: '4d' }] },
      sort: [{ field: 'Opened Date', direction: 'desc' }],
    });
    return row!;
  }

  it('escalates exactly the tickets that meet the three rules, tells me about each, and a second run does nothing', async () => {
    const expected = await expectedTiers(test);
    expect(expected.size).toBeGreaterThanOrEqual(5);
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));

    const result = await runJob(test.workspace, 'support-escalation');
    const fired = new Map<string, string>();
    const ruleTier: Record<string, string> = { 'p1-no-first-response': tiers[2]!, 'p2-enterprise-4h': tiers[1]!, 'unresolved-48h': tiers[3]! };
    for (const rule of result.rules) for (const id of rule.entries) fired.set(id, ruleTier[rule.rule]!);
    expect(fired).toEqual(expected);
    expect(result.changed).toBe(expected.size);

    const acme = await ticket('Unable to export data');
    expect(acme).toMatchObject({ Customer: 'Acme Corp', 'Escalation Tier': 'Tier 2 - Engineering', Status: 'Escalated', Escalated: true });
    const umbrella = await ticket('API rate limits hit after upgrade');
    expect(umbrella).toMatchObject({ 'Escalation Tier': 'None', Status: 'Open' });
    expect(await ticket('Data sync stalled')).toMatchObject({ 'Escalation Tier': 'Tier 2 - Engineering' });

    const outbox = await listOutbox(test.workspace);
    // Every firing is in the outbox; past five to one chat in one run they are covered by one digest message.
    expect(outbox.filter((message) => message.payload.kind === 'alert')).toHaveLength(result.matched);
    expect(outbox.filter((message) => message.state === 'covered')).toHaveLength(result.matched - 5);
    expect(outbox.filter((message) => message.payload.kind === 'digest')).toHaveLength(1);
    const alert = outbox.find((message) => message.payload.entryId === acme.id)!;
    expect(alert).toMatchObject({ channel: 'telegram', recipient: '42', state: 'pending' });
    expect(alert.payload).toMatchObject({ kind: 'alert', object: 'support_tickets', entryId: acme.id, job: 'support-escalation', rule: 'p1-no-first-response' });
    expect(alert.text).toBe(
      [
        "🚨 ESCALATION: Acme Corp — 'Unable to export data' (P1)",
        'Open for: 47 minutes | No first response yet',
        'Account Value: $180k | Renewal: 62 days | Health: Yellow',
        'Escalation Tier: 2 (Engineering)',
        'Assigned to: (unassigned) — ACTION NEEDED',
      ].join('\n'),
    );
    const history = await test.workspace.db.query(`SELECT field, old_value, new_value FROM field_changes WHERE entry_id = $1 AND changed_by = 'job:support-escalation' ORDER BY field`, [acme.id]);
    expect(history).toEqual([
      { field: 'Escalated', old_value: 'false', new_value: 'true' },
      { field: 'Escalation Tier', old_value: 'None', new_value: 'Tier 2 - Engineering' },
      { field: 'Status', old_value: 'Open', new_value: 'Escalated' },
    ]);

    test.clock.advance(30 * minute);
    const again = await runJob(test.workspace, 'support-escalation');
    expect(again.rules.filter((rule) => !['p1-no-first-response'].includes(rule.rule)).every((rule) => rule.entries.length === 0)).toBe(true);
    // Half an hour later only Umbrella's P1 (opened 25 minutes before the first run) has crossed its threshold.
    expect(again.rules[0]!.entries).toEqual([umbrella.id]);
    const third = await runJob(test.workspace, 'support-escalation');
    expect(third).toMatchObject({ matched: 0, changed: 0, notified: 0 });
    expect((await listOutbox(test.workspace)).filter((message) => message.payload.kind === 'alert')).toHaveLength(result.matched + 1);
  });

  it('a dry run lists the entries each rule would act on and changes nothing', async () => {
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));
    const dry = await runJob(test.workspace, 'support-escalation', { dryRun: true });
    const acme = await ticket('Unable to export data');
    expect(dry.rules[0]!.entries).toContain(acme.id);
    expect(acme).toMatchObject({ 'Escalation Tier': 'None', Status: 'Open' });
    expect(await listOutbox(test.workspace)).toHaveLength(0);
    const real = await runJob(test.workspace, 'support-escalation');
    expect(real.rules).toEqual(dry.rules);
  });

  it('never lowers a tier: a ticket already at Tier 3 is left alone by a Tier 2 rule', async () => {
    const [id] = await createEntries(test.workspace, 'support_tickets', [
      { Title: 'Outage', Customer: 'Acme Corp', Priority: 'P1', Status: 'Escalated', 'Opened Date': new Date(test.clock.now().getTime() - 2 * hour), 'Escalation Tier': 'Tier 3 - Executive' },
    ], { by: 'test' });
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));
    const result = await runJob(test.workspace, 'support-escalation');
    expect(result.rules[0]!.entries).not.toContain(id);
    expect(await getEntry(test.workspace, 'support_tickets', id!)).toMatchObject({ 'Escalation Tier': 'Tier 3 - Executive' });
  });

  it('notifies the account owner and the backup owner of the customer, and a role from workspace.yaml', async () => {
    await saveJob(test.workspace, {
      name: 'owners',
      schedule: 'every 30 minutes',
      object: 'support_tickets',
      rules: [
        {
          name: 'p1-owners',
          when: { all: [{ field: 'Priority', operator: 'is', value: 'P1' }, { field: 'Customer', operator: 'is', value: 'Acme Corp' }, { field: 'Status', operator: 'is', value: 'Open' }] },
          then: [{ set: { 'Assigned To': 'Priya Patel' } }, { notify: { to: ['field:Customer.Account Owner', 'field:Customer.Backup Owner', 'role:support_lead'], template: 'brief' } }],
        },
      ],
    });
    const result = await runJob(test.workspace, 'owners');
    expect(result.rules[0]!.entries).toHaveLength(1);
    const messages = await listOutbox(test.workspace);
    expect(messages.map((message) => message.recipient).sort()).toEqual(['Diego Alvarez', 'Priya Patel', 'Sarah Chen']);
    expect(messages[0]!.text).toBe("🔔 Acme Corp: 'Unable to export data' (P1), open 47 minutes — p1-owners");
    expect(await ticket('Unable to export data')).toMatchObject({ 'Assigned To': 'Priya Patel', Status: 'Open' });
  });
});

describe('updating many entries at once (what a job run does)', () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await createTestWorkspace();
  });
  afterAll(async () => test.cleanup());

  it('writes each entry its own values, records every change, and applies two updates of one entry in order', async () => {
    const ids = await createEntries(test.workspace, 'support_tickets', Array.from({ length: 30 }, (_, index) => ({ Title: `t${index}`, Status: 'Open', Priority: index % 2 ? 'P1' : 'P2' })), { by: 'test' });
    const changes = await updateEntries(test.workspace, 'support_tickets', [
      ...ids.map((id, index) => ({ id, values: { Status: 'Escalated', 'Assigned To': index < 10 ? 'Priya Patel' : 'Sam Ortiz' } })),
      { id: ids[0]!, values: { Status: 'Resolved' } },
      { id: ids[1]!, values: { Status: 'Escalated' } },
    ], { by: 'job:bulk' });
    expect(changes).toHaveLength(61);
    const rows = await findEntries(test.workspace, 'support_tickets', { sort: [{ field: 'Title', direction: 'asc' }] });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(ids[0])).toMatchObject({ Status: 'Resolved', 'Assigned To': 'Priya Patel' });
    expect(byId.get(ids[1])).toMatchObject({ Status: 'Escalated', 'Assigned To': 'Priya Patel' });
    expect(byId.get(ids[29])).toMatchObject({ Status: 'Escalated', 'Assigned To': 'Sam Ortiz' });
    const history = await test.workspace.db.query(`SELECT old_value, new_value FROM field_changes WHERE entry_id = $1 AND field = 'Status' AND changed_by = 'job:bulk'`, [ids[0]]);
    expect(history).toEqual([{ old_value: 'Open', new_value: 'Escalated' }, { old_value: 'Escalated', new_value: 'Resolved' }]);
  });
});

describe('a run over more entries than one chunk of the runner', () => {
  let test: TestWorkspace;
  beforeEach(async () => {
    test = await createTestWorkspace();
  });
  afterEach(async () => test.cleanup());

  it('escalates, logs and alerts every one of 10,050 overdue tickets once, with one digest counting the rest, and keeps it all after closing', async () => {
    const now = test.clock.now().getTime();
    const [company] = await createEntries(test.workspace, 'company', [{ Name: 'Big Co', 'Account Tier': 'Enterprise' }], { by: 'test' });
    const count = 10_050;
    const records = Array.from({ length: count }, (_, index) => ({
      Title: `overdue ${index}`,
      Customer: company,
      Priority: 'P1 - Critical',
      Status: 'Open',
      'Opened Date': new Date(now - 2 * hour - index * 1000),
    }));
    await createEntries(test.workspace, 'support_tickets', records, { by: 'test' });
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));

    const result = await runJob(test.workspace, 'support-escalation');
    expect(result.rules[0]).toMatchObject({ rule: 'p1-no-first-response' });
    expect(new Set(result.rules[0]!.entries).size).toBe(count);
    expect(result).toMatchObject({ matched: count, changed: count, notified: count });

    const db = test.workspace.db;
    const [tickets] = await db.query<{ escalated: number }>(`SELECT count(*)::INTEGER AS escalated FROM obj_support_tickets WHERE escalation_tier = 'Tier 2 - Engineering' AND status = 'Escalated'`);
    expect(tickets!.escalated).toBe(count);
    const [history] = await db.query<{ rows: number; entries: number }>(
      `SELECT count(*)::INTEGER AS rows, count(DISTINCT entry_id)::INTEGER AS entries FROM field_changes WHERE changed_by = 'job:support-escalation' AND field = 'Escalation Tier'`,
    );
    expect(history).toEqual({ rows: count, entries: count });
    const [ledger] = await db.query<{ rows: number }>(`SELECT count(*)::INTEGER AS rows FROM job_ledger WHERE entry_id IN (SELECT id FROM obj_support_tickets)`);
    expect(ledger!.rows).toBe(2 * count);
    const states = await db.query<{ state: string; count: number }>(`SELECT state, count(*)::INTEGER AS count FROM outbox GROUP BY state ORDER BY state`);
    expect(states).toEqual([
      { state: 'covered', count: count - 5 },
      { state: 'pending', count: 6 },
    ]);
    // A digest made by the run's first chunk gets the later chunks' alerts counted when the outbox takes it for
    // sending (writeDigest, as jobs/outbox-delivery.ts does), so that is what is checked.
    const made = (await listOutbox(test.workspace, { limit: count + 10 })).filter((message) => message.payload.kind === 'digest');
    expect(made).toHaveLength(1);
    await db.transaction(async (sql) => writeDigest(sql, test.workspace, made[0]!.id));
    const digest = (await listOutbox(test.workspace, { limit: count + 10 })).find((message) => message.id === made[0]!.id);
    expect(digest!.payload).toMatchObject({ kind: 'digest', covered: count - 5 });
    expect(digest!.text).toContain(`${count - 5} more tickets`);
    expect(digest!.text).toContain(`${count - 5} Enterprise`);

    // The run's writes were folded into the file after it; closing at once waits for that and loses nothing.
    const dir = test.dir;
    await test.workspace.close();
    const reopened = await Workspace.open(dir, { clock: test.clock });
    try {
      const [again] = await reopened.db.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM job_ledger`);
      expect(again!.count).toBe(2 * count);
      expect((await runJob(reopened, 'support-escalation')).matched).toBe(0);
    } finally {
      await reopened.close();
    }
  });
});
