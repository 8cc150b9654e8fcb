import { loadDemo } from '../objects/demo';
import { findEntries } from '../objects/entries';
import { quarterRange } from '../objects/values';
import { createTestWorkspace, type TestWorkspace } from './helpers';

describe('the demo workspace', () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await createTestWorkspace({ now: '2026-11-27T15:00:00Z', populate: async (workspace) => void (await loadDemo(workspace)) });
  });
  afterAll(async () => test.cleanup());

  it('has a dozen accounts across the four tiers and about 200 tickets in every status and priority', async () => {
    const companies = await findEntries(test.workspace, 'company');
    expect(companies).toHaveLength(12);
    expect(new Set(companies.map((company) => company['Account Tier']))).toEqual(new Set(['Enterprise', 'Mid-Market', 'SMB', 'Trial']));
    const tickets = await findEntries(test.workspace, 'support_tickets');
    expect(tickets).toHaveLength(200);
    expect(new Set(tickets.map((ticket) => ticket.Status))).toEqual(new Set(test.workspace.object('support_tickets').fields.find((field) => field.name === 'Status')!.options));
    expect(new Set(tickets.map((ticket) => ticket.Priority)).size).toBe(4);
    const open = tickets.filter((ticket) => !['Resolved', 'Closed'].includes(String(ticket.Status)));
    expect(open).toHaveLength(25);
    const year = Date.parse('2026-11-27T15:00:00Z') - 366 * 86_400_000;
    expect(tickets.every((ticket) => (ticket['Opened Date'] as Date).getTime() > year)).toBe(true);
  });

  it("includes the seed's Acme Corp and its P1 opened 47 minutes ago, open, unanswered, unassigned", async () => {
    const [acme] = await findEntries(test.workspace, 'company', { filter: { field: 'Name', operator: 'is', value: 'Acme Corp' } });
    expect(acme).toMatchObject({ 'Account Tier': 'Enterprise', 'Contract Value': 180000, Health: 'Yellow', 'Account Owner': 'Sarah Chen' });
    const renewalDays = ((acme!['Renewal Date'] as Date).getTime() - Date.parse('2026-11-27T00:00:00Z')) / 86_400_000;
    expect(renewalDays).toBe(62);
    const [ticket] = await findEntries(test.workspace, 'support_tickets', {
      filter: { all: [{ field: 'Title', operator: 'is', value: 'Unable to export data' }, { field: 'Customer', operator: 'is', value: 'Acme Corp' }, { field: 'Status', operator: 'is', value: 'Open' }] },
    });
    expect(ticket).toMatchObject({ Priority: 'P1 - Critical', 'First Response Date': null, 'Assigned To': null });
    expect((ticket!['Opened Date'] as Date).toISOString()).toBe('2026-11-27T14:13:00.000Z');
  });

  it('has at least two Enterprise accounts with more than two escalated tickets in each of the last four quarters', async () => {
    for (const [year, quarter] of [[2026, 4], [2026, 3], [2026, 2], [2026, 1]] as const) {
      const [start, end] = quarterRange(year, quarter, 'UTC');
      const escalated = await findEntries(test.workspace, 'support_tickets', {
        filter: { all: [
          { field: 'Escalated', operator: 'is_true' },
          { field: 'Customer.Account Tier', operator: 'is', value: 'Enterprise' },
          { field: 'Opened Date', operator: 'between', value: [start.toISOString(), end.toISOString()] },
        ] },
      });
      const perAccount = new Map<string, number>();
      for (const ticket of escalated) perAccount.set(String(ticket.Customer), (perAccount.get(String(ticket.Customer)) ?? 0) + 1);
      expect([...perAccount.values()].filter((count) => count > 2).length).toBeGreaterThanOrEqual(2);
    }
  });

  it('is the same on every run', async () => {
    const again = await createTestWorkspace({ now: '2026-11-27T15:00:00Z', populate: async (workspace) => void (await loadDemo(workspace)) });
    try {
      const rows = async (workspace: TestWorkspace['workspace']) => JSON.stringify(await workspace.db.query('SELECT * FROM v_support_tickets ORDER BY id'));
      expect(await rows(again.workspace)).toBe(await rows(test.workspace));
    } finally {
      await again.cleanup();
    }
  });
});
