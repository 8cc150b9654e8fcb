// The offline brain on tickets and reviews: new tickets, updates, and the seed's Step 7 as written and varied —
// checked by the entries and documents that got written.
import { readDocument } from '../objects/documents';
import type { Row } from '../objects/database';
import { findEntries } from '../objects/entries';
import { offlineChat, type OfflineChat } from './offline-chat';
import { seedStep7 } from './fixtures/seed-instructions';

let chat: OfflineChat;
beforeEach(async () => {
  chat = await offlineChat();
});
afterEach(async () => chat.cleanup());

async function byTitle(title: string): Promise<Row[]> {
  return findEntries(chat.workspace, 'support_tickets', { filter: { field: 'Title', operator: 'is', value: title } });
}

async function companyId(name: string): Promise<string> {
  const [row] = await findEntries(chat.workspace, 'company', { filter: { field: 'Name', operator: 'is', value: name } });
  return String(row!.id);
}

describe('offline brain: new tickets', () => {
  it('logs "new P1 ticket from Acme Corp: …" with the customer, priority, Open, opened now and the account tier', async () => {
    await chat.write('new P1 ticket from Acme Corp: Login page returns 502');
    const [row] = await byTitle('Login page returns 502');
    expect(row).toMatchObject({ Customer: 'Acme Corp', Priority: 'P1 - Critical', Status: 'Open', Escalated: false, 'Escalation Tier': 'None', 'Account Tier': 'Enterprise' });
    expect((row!['Opened Date'] as Date).toISOString()).toBe('2026-04-14T10:00:00.000Z');
  });

  it('reads other ways of logging a ticket: words for priority, "for", quoted titles, an assignee, an opening time', async () => {
    await chat.write('log a critical ticket for Globex: SSO broken after IdP change');
    expect((await byTitle('SSO broken after IdP change'))[0]).toMatchObject({ Customer: 'Globex Industries', Priority: 'P1 - Critical' });
    await chat.write('create a high priority ticket for Initech "Exports time out", assigned to Priya');
    expect((await byTitle('Exports time out'))[0]).toMatchObject({ Customer: 'Initech', Priority: 'P2 - High', 'Assigned To': 'Priya Patel' });
    await chat.write('new P3 issue from Stark Logistics: Report totals off by one, opened 2 hours ago');
    const [stark] = await byTitle('Report totals off by one');
    expect(stark).toMatchObject({ Customer: 'Stark Logistics', Priority: 'P3 - Medium' });
    expect((stark!['Opened Date'] as Date).toISOString()).toBe('2026-04-14T08:00:00.000Z');
  });

  it('asks for the priority and the customer when they are missing, and for an unknown customer says so', async () => {
    const priority = await chat.write('new ticket from Acme Corp: Webhooks silently dropped');
    expect(priority.text).toMatch(/What priority/);
    expect(await byTitle('Webhooks silently dropped')).toHaveLength(0);
    await chat.write('P2');
    expect((await byTitle('Webhooks silently dropped'))[0]).toMatchObject({ Priority: 'P2 - High', Customer: 'Acme Corp' });
    const customer = await chat.write('new P4 ticket: Typo on invoice');
    expect(customer.text).toMatch(/Which customer/);
    await chat.write('Pied Piper');
    expect((await byTitle('Typo on invoice'))[0]).toMatchObject({ Customer: 'Pied Piper' });
    const unknown = await chat.write('new P1 ticket from Wonka Industries: Chocolate river leak');
    expect(unknown.text).toMatch(/no company named "Wonka Industries"/);
    expect(await byTitle('Chocolate river leak')).toHaveLength(0);
  });
});

describe('offline brain: updating tickets', () => {
  it('marks a ticket resolved (Status and Resolved Date), records a first response, assigns by first name', async () => {
    await chat.write('we responded to the Acme export ticket');
    let [row] = await byTitle('Unable to export data').then((rows) => rows.filter((candidate) => candidate.Status === 'Open' && candidate.Customer === 'Acme Corp'));
    expect((row!['First Response Date'] as Date).toISOString()).toBe('2026-04-14T10:00:00.000Z');
    await chat.write('assign Checkout page returns 500 to Marcus');
    expect((await byTitle('Checkout page returns 500'))[0]!['Assigned To']).toBe('Marcus Reid');
    await chat.write('mark "Checkout page returns 500" as resolved');
    [row] = await byTitle('Checkout page returns 500');
    expect(row).toMatchObject({ Status: 'Resolved' });
    expect((row!['Resolved Date'] as Date).toISOString()).toBe('2026-04-14T10:00:00.000Z');
  });

  it('escalates by hand, closes, and changes a field of a ticket named by its id', async () => {
    const [checkout] = await byTitle('Checkout page returns 500');
    await chat.write('escalate Checkout page returns 500 to the executive tier');
    expect((await byTitle('Checkout page returns 500'))[0]).toMatchObject({ 'Escalation Tier': 'Tier 3 - Executive', Status: 'Escalated', Escalated: true });
    await chat.write(`set the priority of ${String(checkout!.id)} to P2`);
    expect((await byTitle('Checkout page returns 500'))[0]!.Priority).toBe('P2 - High');
    await chat.write(`close ${String(checkout!.id)}`);
    expect((await byTitle('Checkout page returns 500'))[0]!.Status).toBe('Closed');
  });

  it('lists the candidates instead of picking one when a reference matches several tickets', async () => {
    const before = await findEntries(chat.workspace, 'support_tickets', { filter: { field: 'Status', operator: 'is', value: 'Resolved' } });
    const reply = await chat.write("mark Acme's ticket resolved");
    expect(reply.text).toMatch(/Several support tickets match; which one\?/);
    const after = await findEntries(chat.workspace, 'support_tickets', { filter: { field: 'Status', operator: 'is', value: 'Resolved' } });
    expect(after).toHaveLength(before.length);
  });
});

describe('offline brain: post-escalation reviews', () => {
  it("writes the seed's Step 7 review into the export ticket's document and Acme Corp's", async () => {
    await chat.write(seedStep7);
    const [ticket] = (await byTitle('Unable to export data')).filter((row) => row.Customer === 'Acme Corp' && row.Status === 'Open');
    const ticketDoc = readDocument(chat.workspace, 'support_tickets', String(ticket!.id))!;
    expect(ticketDoc).toContain('**Root cause:** A database migration that locked the export table for 2 hours.');
    expect(ticketDoc).toContain('**Resolution:** Rolling back the migration.');
    expect(ticketDoc).toContain('**Prevention:** Add export service health check to deployment checklist.');
    expect(ticketDoc).toContain('**Follow-up:** Schedule QBR with Acme to debrief and offer a service credit.');
    const companyDoc = readDocument(chat.workspace, 'company', await companyId('Acme Corp'))!;
    expect(companyDoc).toContain('(Unable to export data)');
    expect(companyDoc).toContain('**Root cause:** A database migration');
  });

  it('reads reviews phrased other ways and keeps earlier reviews when adding one', async () => {
    await chat.write("Write a post-incident review for Initech's data sync ticket: cause: a stuck queue consumer. Fixed by restarting the workers. To prevent it: alert on queue lag. Next steps: call Initech's IT admin.");
    const [sync] = (await byTitle('Data sync stalled')).filter((row) => row.Customer === 'Initech' && row.Status === 'Escalated');
    const doc = readDocument(chat.workspace, 'support_tickets', String(sync!.id))!;
    expect(doc).toContain('**Root cause:** A stuck queue consumer.');
    expect(doc).toContain('**Resolution:** Restarting the workers.');
    expect(doc).toContain('**Prevention:** Alert on queue lag.');
    expect(doc).toContain("**Follow-up:** Call Initech's IT admin.");
    expect(readDocument(chat.workspace, 'company', await companyId('Initech'))).toContain('A stuck queue consumer');

    await chat.write('record an escalation review for "Checkout page returns 500": root cause was an expired TLS certificate. Resolved by renewing it. Prevention: certificate expiry monitoring.');
    const [checkout] = await byTitle('Checkout page returns 500');
    await chat.write(`Log a postmortem on ticket ${String(checkout!.id)}: impact: checkout down for 3 hours. Follow-up: refund affected orders.`);
    const checkoutDoc = readDocument(chat.workspace, 'support_tickets', String(checkout!.id))!;
    expect(checkoutDoc).toContain('**Root cause:** An expired TLS certificate.');
    expect(checkoutDoc).toContain('**Impact:** Checkout down for 3 hours.');
    expect(checkoutDoc.match(/## Post-escalation review/g)).toHaveLength(2);

    await chat.write('add a post-escalation review for the Globex SSO issue: root cause: IdP metadata changed. Resolution: re-imported the metadata. Follow-up: schedule a call.');
    const [sso] = (await byTitle('SSO login loop for EU users')).filter((row) => row.Customer === 'Globex Industries' && row.Status === 'Open');
    expect(readDocument(chat.workspace, 'support_tickets', String(sso!.id))).toContain('**Root cause:** IdP metadata changed.');
  });

  it('asks for the details when the review has none, and asks which ticket when several match', async () => {
    const question = await chat.write("Log a post-escalation review for Acme Corp's export issue");
    expect(question.text).toMatch(/What happened\?/);
    const ambiguous = await chat.write("Log a post-escalation review for Acme's ticket: root cause was a bad deploy.");
    expect(ambiguous.text).toMatch(/which one\?/);
    expect(readDocument(chat.workspace, 'company', await companyId('Acme Corp'))).toBeUndefined();
  });
});
