// The ticket page, requested in process: the account's recent escalations (from v_escalations, by job and rule or by
// person), its owners (the backup owner included), and who wrote the entry's document.
import { saveJob } from '../jobs/job-files';
import { runJob } from '../jobs/runner';
import { seedEscalationJob } from '../jobs/seed-job';
import { writeDocument } from '../objects/documents';
import { updateEntries } from '../objects/entries';
import { createWebApp } from '../web/app';
import { WebSessions } from '../web/sessions';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { createDesk, signIn, type Desk } from './web-fixtures';

describe('the ticket page, requested in process', () => {
  let test: TestWorkspace;
  let desk: Desk;
  let app: ReturnType<typeof createWebApp>;
  let session: { cookie: string; csrf: string };

  const ticketPage = async (id: string) => (await app.request(`/entry/support_tickets/${id}`, { headers: { cookie: session.cookie } })).text();
  const between = (page: string, start: string, end: string) => {
    const from = page.indexOf(start);
    if (from < 0) throw new Error(`no "${start}" on the page`);
    return page.slice(from, page.indexOf(end, from));
  };

  beforeEach(async () => {
    test = await createTestWorkspace();
    desk = await createDesk(test.workspace);
    app = createWebApp({ workspace: test.workspace, clock: test.clock, log: () => undefined });
    session = await signIn(app, (await new WebSessions(test.workspace.db, test.clock).createLoginToken('Priya Patel')).token);
  });
  afterEach(() => test.cleanup());

  it('lists the account\'s recent escalations, newest first, saying which job and rule or which person raised the tier', async () => {
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));
    test.clock.advance(60_000);
    await updateEntries(test.workspace, 'support_tickets', [{ id: desk.reopened, values: { Status: 'Open' } }], { by: 'test' });
    await runJob(test.workspace, 'support-escalation');
    test.clock.advance(60_000);
    const escalated = await app.request(`/entry/support_tickets/${desk.acmeSlow}/action`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: new URLSearchParams({ action: 'escalate', csrf: session.csrf }).toString(),
    });
    expect(escalated.status).toBe(200);

    const page = await ticketPage(desk.acmeOutage);
    const list = between(page, '<ul class="escalations">', '</ul>');
    const items = [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => match[1]!.replace(/<a href="[^"]+">/g, '').replace('</a>', '').replace(/\s+/g, ' ').trim());
    expect(items).toEqual([
      '2026-04-14 10:02: Slow dashboard Tier 1 - Support Lead → Tier 2 - Engineering, by Priya Patel (web)',
      '2026-04-14 10:01: SSO login loop for EU users None → Tier 2 - Engineering, by job support-escalation, rule p1-no-first-response',
      '2026-04-14 10:00: this ticket None → Tier 2 - Engineering, by test',
      '2026-04-14 10:00: Slow dashboard None → Tier 1 - Support Lead, by test',
    ]);
    expect(list).toContain(`<a href="/entry/support_tickets/${desk.reopened}">SSO login loop for EU users</a>`);
    // The board's escalation is a person's in v_escalations itself, for reports and the agent's queries too.
    expect(await test.workspace.db.query(`SELECT by_kind, person, channel FROM v_escalations WHERE changed_by LIKE 'web:%'`)).toEqual([
      { by_kind: 'person', person: 'Priya Patel', channel: 'web' },
    ]);
    // Globex's tickets were never escalated, and Acme's list is not theirs.
    expect(await ticketPage(desk.openP3)).toContain("<p>None of Globex Industries's support_tickets were escalated.</p>");
  });

  it('shows the account owner and backup owner, and says when the backup owner is not set', async () => {
    const before = between(await ticketPage(desk.acmeOutage), '<dl class="account">', '</dl>');
    expect(before).toContain('<dt>Account Owner</dt><dd>Sarah Chen</dd><dt>Backup Owner</dt><dd>not set</dd>');
    await updateEntries(test.workspace, 'company', [{ id: desk.acme, values: { 'Backup Owner': 'Marcus Webb' } }], { by: 'test' });
    const after = between(await ticketPage(desk.acmeOutage), '<dl class="account">', '</dl>');
    expect(after).toContain('<dt>Account Owner</dt><dd>Sarah Chen</dd><dt>Backup Owner</dt><dd>Marcus Webb</dd>');
  });

  it('shows who wrote the document: the person who saved it on the board, or that it changed since elsewhere', async () => {
    await writeDocument(test.workspace, 'support_tickets', desk.acmeOutage, '# Review\nWritten by the agent.');
    expect(await ticketPage(desk.acmeOutage)).toContain('Written outside the board (by the agent, <code>escalator entries doc</code> or by hand): no author recorded.');

    test.clock.advance(3 * 60_000);
    const saved = await app.request(`/entry/support_tickets/${desk.acmeOutage}/document`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: new URLSearchParams({ markdown: '# Review\r\nRoot cause: a migration.', csrf: session.csrf }).toString(),
    });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('<p class="document-author">Written by <span class="by">web:Priya Patel</span> at 2026-04-14 10:03.</p>');

    test.clock.advance(60_000);
    await writeDocument(test.workspace, 'support_tickets', desk.acmeOutage, 'A line the agent added.', { append: true });
    expect(await ticketPage(desk.acmeOutage)).toContain('Last saved on the board by <span class="by">web:Priya Patel</span> at 2026-04-14 10:03, and changed since outside the board');
    // Another ticket's document has its own author (none).
    await writeDocument(test.workspace, 'support_tickets', desk.acmeSlow, 'Notes.');
    expect(await ticketPage(desk.acmeSlow)).toContain('no author recorded.');
  });
});
