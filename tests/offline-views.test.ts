// The offline brain on saved views: the seed's Step 3 as written (flattened YAML), indented YAML, and views described
// in words — checked by the view saved and the rows it shows on demo data.
import type { Row } from '../objects/database';
import { findEntries } from '../objects/entries';
import { offlineChat, type OfflineChat } from './offline-chat';
import { seedStep3 } from './fixtures/seed-instructions';

let chat: OfflineChat;
beforeEach(async () => {
  chat = await offlineChat();
  // The demo ships the Step 3 view already; start without it so the instruction is what creates it.
  const raw = JSON.parse(JSON.stringify(chat.workspace.object('support_tickets').raw)) as Record<string, unknown>;
  delete raw.views;
  await chat.workspace.saveObject(raw);
});
afterEach(async () => chat.cleanup());

const view = (name: string) => chat.workspace.object('support_tickets').views.find((candidate) => candidate.name === name);
const rank = (priority: unknown) => ['P1 - Critical', 'P2 - High', 'P3 - Medium', 'P4 - Low'].indexOf(String(priority));
const now = () => chat.workspace.clock.now().getTime();

async function viewRows(name: string): Promise<Row[]> {
  return findEntries(chat.workspace, 'support_tickets', { view: name });
}

describe('offline brain: saved views', () => {
  it("saves the seed's Step 3 view as written: open, in progress and escalated tickets by priority, then oldest first", async () => {
    await chat.write(seedStep3);
    expect(view('Open Tickets with Account Context')).toEqual({
      name: 'Open Tickets with Account Context',
      filter: { all: [{ field: 'Status', operator: 'is_any_of', value: ['Open', 'In Progress', 'Escalated'] }] },
      sort: [
        { field: 'Priority', direction: 'asc' },
        { field: 'Opened Date', direction: 'asc' },
      ],
    });
    const rows = await viewRows('Open Tickets with Account Context');
    const all = await findEntries(chat.workspace, 'support_tickets');
    expect(rows).toHaveLength(all.filter((row) => ['Open', 'In Progress', 'Escalated'].includes(String(row.Status))).length);
    for (let index = 1; index < rows.length; index++) {
      const [before, after] = [rows[index - 1]!, rows[index]!];
      expect(rank(before.Priority) < rank(after.Priority) || (rank(before.Priority) === rank(after.Priority) && (before['Opened Date'] as Date) <= (after['Opened Date'] as Date))).toBe(true);
    }
  });

  it('reads the same view written as indented YAML', async () => {
    await chat.write(`Create a view:
- name: Open Tickets with Account Context
  filters:
    - field: Status
      operator: in
      values: [Open, In Progress, Escalated]
  sort:
    - field: Priority
      direction: asc
    - field: Opened Date
      direction: asc`);
    expect(view('Open Tickets with Account Context')?.filter).toEqual({ all: [{ field: 'Status', operator: 'is_any_of', value: ['Open', 'In Progress', 'Escalated'] }] });
  });

  it('saves a view described in words: open P1 tickets from Enterprise accounts, sorted by opened date', async () => {
    await chat.write('Create a view called "Hot P1s" showing open P1 tickets from Enterprise accounts sorted by opened date');
    const rows = await viewRows('Hot P1s');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.Priority).toBe('P1 - Critical');
      expect(['Resolved', 'Closed']).not.toContain(row.Status);
    }
    const companies = await findEntries(chat.workspace, 'company', { filter: { field: 'Account Tier', operator: 'is', value: 'Enterprise' } });
    const enterprise = new Set(companies.map((row) => row.Name));
    expect(rows.every((row) => enterprise.has(row.Customer))).toBe(true);
    expect(view('Hot P1s')?.sort).toEqual([{ field: 'Opened Date', direction: 'asc' }]);
  });

  it('saves a view of tickets waiting on the customer, newest first', async () => {
    await chat.write('save a view named Waiting on customers of tickets waiting on customer, sorted by opened date newest first');
    const rows = await viewRows('Waiting on customers');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.Status === 'Waiting on Customer')).toBe(true);
    expect(view('Waiting on customers')?.sort).toEqual([{ field: 'Opened Date', direction: 'desc' }]);
  });

  it('saves a view of critical tickets nobody is assigned to', async () => {
    await chat.write("make a view 'Unassigned critical' listing critical tickets that are unassigned");
    const rows = await viewRows('Unassigned critical');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.Priority === 'P1 - Critical' && !row['Assigned To'])).toBe(true);
  });

  it('saves a view of escalated tickets from enterprise customers sorted by priority then opened date', async () => {
    await chat.write('build a view called Escalated Enterprise for escalated tickets from enterprise customers sorted by priority then opened date');
    expect(view('Escalated Enterprise')?.sort).toEqual([
      { field: 'Priority', direction: 'asc' },
      { field: 'Opened Date', direction: 'asc' },
    ]);
    const rows = await viewRows('Escalated Enterprise');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.Escalated === true)).toBe(true);
  });

  it('saves a view whose age condition is counted from now: tickets open more than 2 days', async () => {
    await chat.write('create a view called Stale of tickets open more than 2 days');
    const rows = await viewRows('Stale');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(now() - (row['Opened Date'] as Date).getTime()).toBeGreaterThanOrEqual(2 * 86_400_000);
      expect(['Resolved', 'Closed']).not.toContain(row.Status);
    }
  });

  it('asks for a name when none is given, and says what it did not understand instead of guessing', async () => {
    const question = await chat.write('create a view of open P1 tickets');
    expect(question.text).toMatch(/What should the view be called/);
    await chat.write('Open P1s');
    expect(view('Open P1s')).toBeDefined();
    const unclear = await chat.write('create a view called Odd of tickets with purple unicorns');
    expect(unclear.text).toMatch(/did not understand "purple", "unicorns"/);
    expect(view('Odd')).toBeUndefined();
  });
});
