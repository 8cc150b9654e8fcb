// The offline brain on questions: the seed's Q1 accounts question and monthly escalation report as written and
// varied, counts, lists, SLA breaches and the board — each answer compared with the data queried independently.
import { existsSync } from 'node:fs';
import { updateEntries } from '../objects/entries';
import { readOnlyQuery } from '../objects/read-only-query';
import { offlineChat, type OfflineChat } from './offline-chat';
import { seedMonthlyReport, seedQ1Question } from './fixtures/seed-instructions';

let chat: OfflineChat;
beforeAll(async () => {
  chat = await offlineChat();
});
afterAll(async () => chat.cleanup());

/** Accounts with their escalated-ticket counts, straight from the tables. */
async function accounts(where: string, having: string, extra = 'c.health AS extra'): Promise<string[]> {
  const rows = await readOnlyQuery(
    chat.workspace.db,
    `SELECT c.name, ${extra}, count(*)::INTEGER AS n FROM obj_support_tickets t JOIN obj_company c ON c.id = t.customer WHERE ${where} GROUP BY ALL HAVING ${having} ORDER BY n DESC, c.name`,
  );
  return rows.map((row) => `${String(row.name)}: ${String(row.n)}`);
}

/** "- Acme Corp: 5 tickets, Health Yellow" lines of a reply, as "Acme Corp: 5". */
function listed(text: string): string[] {
  return [...text.matchAll(/^- (.+?): (\d+) /gm)].map((match) => `${match[1]}: ${match[2]}`);
}

/** Tickets escalated between two days (v_escalations: when the escalation happened, not when the ticket was opened). */
const escalatedBetween = (from: string, to: string) =>
  `t.id IN (SELECT entry_id FROM v_escalations WHERE object = 'support_tickets' AND escalated_at >= '${from}' AND escalated_at < '${to}')`;
const q1 = escalatedBetween('2026-01-01', '2026-04-01');
/** The reading the reader must not give: tickets opened in Q1 that are escalated now. */
const openedInQ1 = "t.escalated AND t.opened_date >= '2026-01-01' AND t.opened_date < '2026-04-01'";

describe('offline brain: questions about accounts', () => {
  it("answers the seed's Q1 question as written: Enterprise accounts with more than 2 escalated tickets in Q1, with health", async () => {
    // Globex's tickets opened outside Q1, escalated in February: they count by when the escalation happened (v_escalations),
    // not by Opened Date — so an answer by Opened Date fails here.
    const outside = await readOnlyQuery(
      chat.workspace.db,
      `SELECT t.id FROM obj_support_tickets t JOIN obj_company c ON c.id = t.customer WHERE c.name = 'Globex Industries' AND NOT t.escalated AND (t.opened_date < '2026-01-01' OR t.opened_date >= '2026-04-01') ORDER BY t.id LIMIT 3`,
    );
    expect(outside).toHaveLength(3);
    await updateEntries(chat.workspace, 'support_tickets', outside.map((row) => ({ id: String(row.id), values: { 'Escalation Tier': 'Tier 2 - Engineering', Escalated: true } })), { by: 'test', at: new Date('2026-02-15T10:00:00Z') });
    const reply = await chat.say(seedQ1Question);
    const expected = await accounts(`c.account_tier = 'Enterprise' AND ${q1}`, 'count(*) > 2');
    expect(expected.some((line) => line.startsWith('Globex Industries:'))).toBe(true);
    expect(await accounts(`c.account_tier = 'Enterprise' AND ${openedInQ1}`, 'count(*) > 2')).not.toEqual(expected);
    expect(listed(reply.text)).toEqual(expected);
    expect(reply.text).toMatch(/Acme Corp: \d+ tickets, Health Yellow/);
  });

  it('answers variations: at least, last quarter, this year, other tiers, P1 only, other columns', async () => {
    const lastQuarter = escalatedBetween('2026-01-01', '2026-04-01');
    expect(listed((await chat.say('Which Enterprise customers had at least 3 escalated tickets last quarter, with their health?')).text)).toEqual(
      await accounts(`c.account_tier = 'Enterprise' AND ${lastQuarter}`, 'count(*) >= 3'),
    );
    expect(listed((await chat.say('list Mid-Market accounts with more than 0 escalations this year and their contract value')).text)).toEqual(
      await accounts(`c.account_tier = 'Mid-Market' AND ${escalatedBetween('2026-01-01', '2027-01-01')}`, 'count(*) > 0', 'c.contract_value AS extra'),
    );
    expect(listed((await chat.say('show all accounts that had more than 3 escalated tickets in Q4 2025')).text)).toEqual(
      await accounts(escalatedBetween('2025-10-01', '2026-01-01'), 'count(*) > 3'),
    );
    expect(listed((await chat.say('Enterprise companies with at least 2 escalated P1 tickets in Q1 and their renewal date')).text)).toEqual(
      await accounts(`c.account_tier = 'Enterprise' AND t.priority = 'P1 - Critical' AND ${q1}`, 'count(*) >= 2'),
    );
    const lower = await chat.say('show me enterprise accounts having over two escalated tickets in q1 and their health tier');
    expect(listed(lower.text)).toEqual(await accounts(`c.account_tier = 'Enterprise' AND ${q1}`, 'count(*) > 2'));
  });

  it('says what it did not understand in an accounts question instead of guessing', async () => {
    const reply = await chat.say('show Enterprise accounts that had more than 2 escalated tickets in Q1 and their favourite colour');
    expect(reply.text).toMatch(/did not understand "favourite colour"/);
  });
});

describe('offline brain: the monthly escalation report', () => {
  it('builds it as asked in the seed: escalations per month by account tier, a table and a PNG chart', async () => {
    const reply = await chat.say(seedMonthlyReport);
    expect(reply.attachments).toHaveLength(1);
    const chart = reply.attachments![0]!;
    expect(chart.kind).toBe('image');
    expect(chart.path.startsWith(chat.workspace.path('exports'))).toBe(true);
    expect(existsSync(chart.path)).toBe(true);
    const [{ total }] = (await readOnlyQuery(
      chat.workspace.db,
      `SELECT coalesce(sum(n), 0)::INTEGER AS total FROM (SELECT strftime(escalated_at, '%Y-%m') AS month, count(DISTINCT entry_id) AS n FROM v_escalations WHERE object = 'support_tickets' AND escalated_at >= '2025-05-01' GROUP BY 1)`,
    )) as [{ total: number }];
    expect(reply.text).toContain(`${total} in all`);
    expect(await enterpriseIn(reply.text, '2026-04')).toBe(true);
  });

  /** The report's Enterprise cell for a month equals the Enterprise tickets escalated (not opened) that month. */
  async function enterpriseIn(text: string, month: string): Promise<boolean> {
    const [row] = await readOnlyQuery(
      chat.workspace.db,
      `SELECT count(DISTINCT x.entry_id)::INTEGER AS n FROM v_escalations x JOIN obj_support_tickets t ON t.id = x.entry_id LEFT JOIN obj_company c ON c.id = t.customer
       WHERE coalesce(c.account_tier, t.account_tier) = 'Enterprise' AND strftime(x.escalated_at, '%Y-%m') = '${month}'`,
    );
    const line = text.split('\n').find((candidate) => candidate.startsWith(month))!;
    return line.split(/\s+/)[1] === String(row!.n);
  }

  it('counts an escalation in the month it happened, not the month the ticket was opened', async () => {
    const other = await offlineChat();
    try {
      const before = await other.say('monthly escalation report');
      const cell = (text: string, month: string) => Number(text.split('\n').find((line) => line.startsWith(month))!.split(/\s+/)[1]);
      // "Permissions reset after update" (Umbrella Health, Enterprise) was opened in February and is escalated now, in April.
      await other.write('escalate ticket 8sh6pankxd to tier 1');
      const after = await other.say('monthly escalation report');
      expect(cell(after.text, '2026-04')).toBe(cell(before.text, '2026-04') + 1);
      expect(cell(after.text, '2026-02')).toBe(cell(before.text, '2026-02'));
    } finally {
      await other.cleanup();
    }
  });

  it('builds variations: a shorter span, grouping by priority, and plain wordings', async () => {
    const six = await chat.say('monthly escalation report for the last 6 months');
    expect(six.text.split('\n').filter((line) => /^20\d\d-\d\d\s/.test(line))).toHaveLength(6);
    const byPriority = await chat.say('show escalations per month by priority');
    expect(byPriority.text.split('\n')[1]).toMatch(/^Month\s+P1 - Critical/);
    for (const wording of ['escalations per month by account tier', 'chart escalations by month', 'escalation trends']) {
      const reply = await chat.say(wording);
      expect(reply.attachments?.[0]?.kind).toBe('image');
    }
  });
});

describe('offline brain: counts, lists, SLA and the board', () => {
  async function count(where: string): Promise<number> {
    const [row] = await readOnlyQuery(chat.workspace.db, `SELECT count(*)::INTEGER AS n FROM obj_support_tickets t LEFT JOIN obj_company c ON c.id = t.customer WHERE ${where}`);
    return Number(row!.n);
  }
  const open = "t.status NOT IN ('Resolved', 'Closed')";

  it('counts: open P1 tickets, unanswered critical ones, Enterprise tickets waiting on the customer', async () => {
    expect((await chat.say('how many open P1 tickets')).text).toBe(`${await count(`${open} AND t.priority = 'P1 - Critical'`)} open P1 tickets.`);
    expect((await chat.say("how many critical tickets haven't been answered?")).text).toMatch(new RegExp(`^${await count("t.priority = 'P1 - Critical' AND t.first_response_date IS NULL")} `));
    expect((await chat.say('how many tickets from Enterprise accounts are waiting on customer')).text).toMatch(
      new RegExp(`^${await count("c.account_tier = 'Enterprise' AND t.status = 'Waiting on Customer'")} `),
    );
  });

  it('lists escalated tickets for Acme Corp, and only those', async () => {
    const reply = await chat.say('escalated tickets for Acme Corp');
    const total = await count("t.escalated AND c.name = 'Acme Corp'");
    expect(reply.text).toMatch(new RegExp(`^${total} escalated tickets for Acme Corp`));
    const lines = reply.text.split('\n').filter((line) => line.startsWith('- '));
    expect(lines.length).toBe(Math.min(total, 15));
    expect(lines.every((line) => line.includes('· Acme Corp ·'))).toBe(true);
  });

  it('shows which tickets breach SLA, the board, and a saved view', async () => {
    const sla = await chat.say('which tickets breach SLA');
    expect(sla.text).toMatch(/open tickets: \d+ breached/);
    expect(sla.text).toMatch(/\[breached\] Unable to export data — Acme Corp \(P1, Enterprise\)/);
    const board = await chat.say('show the board');
    expect(board.text).toMatch(/^support_tickets by Status: Open \d+ → In Progress \d+/);
    const view = await chat.say('show the Open Tickets with Account Context view');
    expect(view.text).toMatch(new RegExp(`^Open Tickets with Account Context: ${await count("t.status IN ('Open', 'In Progress', 'Escalated')")} support tickets`));
  });

  it('says plainly what it cannot read offline, changing nothing, and points to what it can do', async () => {
    const reply = await chat.say('what is the meaning of life');
    expect(reply.text).toMatch(/could not read "what is the meaning of life" offline, so I did nothing/);
    expect(reply.text).toMatch(/ANTHROPIC_API_KEY/);
    const unclear = await chat.say('how many tickets smell funny');
    expect(unclear.text).toMatch(/did not understand "smell", "funny"/);
  });
});
