// The reports page, entry documents as markdown and saved views with relation columns, requested in process.
import { runJob } from '../jobs/runner';
import { writeDocument, readDocument } from '../objects/documents';
import { createEntries, updateEntries } from '../objects/entries';
import { createWebApp } from '../web/app';
import { WebSessions } from '../web/sessions';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { createDesk, escalateInTwoMonths, signIn } from './web-fixtures';

describe('reports, documents and view columns on the web board', () => {
  let test: TestWorkspace;
  let app: ReturnType<typeof createWebApp>;
  let session: { cookie: string; csrf: string };

  beforeEach(async () => {
    test = await createTestWorkspace({ now: '2026-03-10T10:00:00.000Z' });
    app = createWebApp({ workspace: test.workspace, clock: test.clock, log: () => undefined });
  });
  /** Signs in on the clock as it is now (the fixtures move it on by a month; sessions last 12 hours). */
  const signInNow = async () => {
    session = await signIn(app, (await new WebSessions(test.workspace.db, test.clock).createLoginToken('Priya Patel')).token);
  };
  afterEach(() => test.cleanup());

  const get = async (path: string) => {
    const response = await app.request(path, { headers: { cookie: session.cookie } });
    return { status: response.status, text: await response.text() };
  };
  /** The numbers of the table's row for `period`: one cell per tier, then the total. */
  const tableRow = (page: string, period: string) => {
    const row = new RegExp(`<tr data-period="${period}">(.*?)</tr>`).exec(page)?.[1] ?? '';
    return Object.fromEntries([...row.matchAll(/<td data-tier="([^"]+)">(\d+)<\/td>/g)].map((match) => [match[1], Number(match[2])]));
  };

  it('counts escalations per month by account tier from v_escalations, in the month they happened, in a chart and a table', async () => {
    await escalateInTwoMonths(test.workspace, test.clock);
    await signInNow();
    const page = await get('/reports');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/reports">Reports</a>');
    expect(tableRow(page.text, '2026-03')).toEqual({ Enterprise: 1, 'Mid-Market': 0, SMB: 1, Total: 2 });
    expect(tableRow(page.text, '2026-04')).toEqual({ Enterprise: 3, 'Mid-Market': 1, SMB: 1, Total: 5 });
    const monthly = await test.workspace.db.query<{ month: string; n: number }>(`SELECT strftime(escalated_at, '%Y-%m') AS month, count(*)::INTEGER AS n FROM v_escalations WHERE job = 'support-escalation' GROUP BY 1 ORDER BY 1`);
    expect(monthly).toEqual([{ month: '2026-03', n: 2 }, { month: '2026-04', n: 5 }]);
    // The chart: one bar per month with its total, a segment per tier, an accessible name and description.
    expect([...page.text.matchAll(/<g class="bar" data-period="([^"]+)" data-total="(\d+)">/g)].map((match) => [match[1], Number(match[2])])).toEqual([['2026-03', 2], ['2026-04', 5]]);
    expect(page.text).toContain('role="img" aria-labelledby="chart-title chart-desc"');
    expect(page.text).toContain('<desc id="chart-desc">2026-03: 2 (Enterprise 1, Mid-Market 0, SMB 1); 2026-04: 5 (Enterprise 3, Mid-Market 1, SMB 1)</desc>');
    expect(page.text).toContain('<rect x="');
    expect(page.text).toMatch(/>Month<\/text>[\s\S]*>Escalations<\/text>/);
  });

  it('groups by quarter and narrows to months from the query string, refusing a bad filter', async () => {
    await escalateInTwoMonths(test.workspace, test.clock);
    await signInNow();
    const quarterly = await get('/reports?period=quarter');
    expect(tableRow(quarterly.text, '2026-Q1')).toEqual({ Enterprise: 1, 'Mid-Market': 0, SMB: 1, Total: 2 });
    expect(tableRow(quarterly.text, '2026-Q2')).toEqual({ Enterprise: 3, 'Mid-Market': 1, SMB: 1, Total: 5 });
    const april = await get('/reports?period=month&from=2026-04&to=2026-04');
    expect(april.text).not.toContain('data-period="2026-03"');
    expect(tableRow(april.text, '2026-04')).toMatchObject({ Total: 5 });
    expect(april.text).toContain('<option value="month" selected>');
    for (const bad of ['period=week', 'from=March', 'from=2026-05&to=2026-04']) expect((await get(`/reports?${bad}`)).status).toBe(422);
    expect((await app.request('/reports')).status).toBe(401);
  });

  it('counts each escalation under the account tier the customer had then, not the tier it has now', async () => {
    const { march, april } = await escalateInTwoMonths(test.workspace, test.clock);
    const [acme] = await test.workspace.db.query<{ id: string }>(`SELECT id FROM v_company WHERE "Name" = 'Acme Corp'`);
    // A month after April's escalations, Acme is downgraded and Tiny Shop upgraded: the report keeps the old tiers.
    test.clock.advance(30 * 86_400_000);
    await updateEntries(test.workspace, 'company', [{ id: acme!.id, values: { 'Account Tier': 'Mid-Market' } }], { by: 'test' });
    const [tiny] = await test.workspace.db.query<{ id: string }>(`SELECT id FROM v_company WHERE "Name" = 'Tiny Shop'`);
    await updateEntries(test.workspace, 'company', [{ id: tiny!.id, values: { 'Account Tier': 'Enterprise' } }], { by: 'test' });
    // May's escalations count under the tiers by then: a new Acme P1, and April's three still open after 48 hours
    // (two Acme, one Globex) raised to Tier 3 — all Mid-Market.
    await createEntries(test.workspace, 'support_tickets', [{ Title: 'Login slow', Customer: acme!.id, Priority: 'P1 - Critical', Status: 'Open', 'Opened Date': test.clock.now() }], { by: 'test' });
    test.clock.advance(45 * 60_000);
    await runJob(test.workspace, 'support-escalation');
    await signInNow();
    const page = await get('/reports?from=2026-03&to=2026-05');
    expect(march.length + april.length).toBe(5);
    expect(tableRow(page.text, '2026-03')).toEqual({ Enterprise: 1, 'Mid-Market': 0, SMB: 1, Total: 2 });
    expect(tableRow(page.text, '2026-04')).toEqual({ Enterprise: 3, 'Mid-Market': 1, SMB: 1, Total: 5 });
    expect(tableRow(page.text, '2026-05')).toEqual({ Enterprise: 0, 'Mid-Market': 4, SMB: 0, Total: 4 });
    expect(page.text).toContain('by the account tier at the time of each escalation');
    // A workspace whose history starts later (imported accounts): the first change's old value is the tier before it.
    await test.workspace.db.run(`DELETE FROM field_changes WHERE object = 'company' AND field = 'Account Tier' AND old_value IS NULL`);
    const imported = await get('/reports?from=2026-03&to=2026-05');
    for (const period of ['2026-03', '2026-04', '2026-05']) expect(tableRow(imported.text, period)).toEqual(tableRow(page.text, period));
  });

  it('reports any object with a tier field, through its customer\'s tier, and refuses one without', async () => {
    await test.workspace.saveObject({
      name: 'bugs',
      fields: [
        { name: 'Title', type: 'text' },
        { name: 'Customer', type: 'relation', related_object: 'company' },
        { name: 'Support Level', type: 'enum', options: ['None', 'Level 1', 'Level 2'] },
      ],
    });
    const [acme, tiny] = await createEntries(test.workspace, 'company', [{ Name: 'Acme Corp', 'Account Tier': 'Enterprise' }, { Name: 'Tiny Shop', 'Account Tier': 'SMB' }], { by: 'test' });
    const bugs = await createEntries(test.workspace, 'bugs', [{ Title: 'Crash on save', Customer: acme, 'Support Level': 'None' }, { Title: 'Typo', Customer: tiny, 'Support Level': 'None' }], { by: 'test' });
    test.clock.advance(60_000);
    await updateEntries(test.workspace, 'bugs', bugs.map((id) => ({ id, values: { 'Support Level': 'Level 1' } })), { by: 'cli' });
    test.clock.advance(60_000);
    await updateEntries(test.workspace, 'bugs', [{ id: bugs[0]!, values: { 'Support Level': 'Level 2' } }], { by: 'cli' });
    await signInNow();
    const page = await get('/reports?object=bugs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('3 escalations of bugs');
    expect(tableRow(page.text, '2026-03')).toEqual({ Enterprise: 2, SMB: 1, Total: 3 });
    expect(page.text).toContain('<label for="object">Of</label><select id="object" name="object"><option selected>bugs</option><option>support_tickets</option></select>');
    expect(page.text).toContain('href="/reports?period=quarter&amp;object=bugs"');
    // The default stays support_tickets; company has no tier field (Account Tier is a kind of customer).
    expect(await get('/reports')).toMatchObject({ status: 200, text: expect.stringContaining('<option selected>support_tickets</option>') });
    const company = await get('/reports?object=company');
    expect(company.status).toBe(422);
    expect(company.text).toContain('company has no tier field');
    expect((await get('/reports?object=nothing_here')).status).toBe(404);
  });

  it('says so when nothing was escalated yet', async () => {
    await signInNow();
    const page = await get('/reports');
    expect(page.text).toContain('No escalations in this period yet.');
    expect(page.text).not.toContain('<svg id="escalations-chart"');
  });
});

describe('entry documents on the ticket page', () => {
  let test: TestWorkspace;
  let app: ReturnType<typeof createWebApp>;
  let session: { cookie: string; csrf: string };
  let ticket: string;
  const log: string[] = [];

  beforeEach(async () => {
    test = await createTestWorkspace();
    ticket = (await createDesk(test.workspace)).acmeOutage;
    app = createWebApp({ workspace: test.workspace, clock: test.clock, log: (line) => log.push(line) });
    session = await signIn(app, (await new WebSessions(test.workspace.db, test.clock).createLoginToken('Priya Patel')).token);
  });
  afterEach(() => test.cleanup());

  const page = async () => (await app.request(`/entry/support_tickets/${ticket}`, { headers: { cookie: session.cookie } })).text();
  const save = (markdown: string, csrf: string | undefined = session.csrf) =>
    app.request(`/entry/support_tickets/${ticket}/document`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(csrf ? { csrf, markdown } : { markdown }).toString(),
    });

  it('renders the document as markdown with raw HTML shown as text and javascript: links made plain text', async () => {
    await writeDocument(test.workspace, 'support_tickets', ticket, [
      '# Post-escalation review',
      '',
      'Root cause: **a migration** locked the export table. See [the runbook](https://example.com/runbook "Runbook").',
      '',
      '<script>window.__pwned = 1</script>',
      '',
      '<img src=x onerror="window.__pwned=1"> [click me](javascript:alert(1)) [tabbed](java\tscript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)',
      '',
      '[ref]: javascript:alert(2)',
      '',
      '[by reference][ref] and ![a picture](https://evil.example/x.png)',
    ].join('\n'));
    const text = await page();
    expect(text).toContain('<h1>Post-escalation review</h1>');
    expect(text).toContain('<strong>a migration</strong>');
    expect(text).toContain('<a href="https://example.com/runbook" title="Runbook" rel="noopener noreferrer nofollow">the runbook</a>');
    expect(text).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(text).toContain('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;');
    expect(text).not.toMatch(/<script>window|<img |href="javascript|href="java|href="data:|src="https:\/\/evil/i);
    // marked does not take a tab in an address as a link at all: it stays text.
    expect(text).toContain(' click me [tabbed](java\tscript:alert(1)) data</p>');
    expect(text).toContain('by reference and <a href="https://evil.example/x.png" rel="noopener noreferrer nofollow">a picture</a>');
  });

  it('writes the document from the form with the CSRF token, through objects/documents, and says who saved it', async () => {
    expect(await page()).toContain('No document yet');
    expect((await save('# First draft')).status).toBe(200);
    expect((await save('# Refused', 'wrong')).status).toBe(403);
    expect((await save('# Refused', '')).status).toBe(403);
    expect(readDocument(test.workspace, 'support_tickets', ticket)).toBe('# First draft\n');
    const saved = await save('# Review\r\n\r\n- customer told\r\n- fix shipped');
    expect(saved.status).toBe(200);
    const text = await saved.text();
    expect(text).toContain('Document saved by Priya Patel.');
    expect(text).toContain('<li>customer told</li>');
    expect(readDocument(test.workspace, 'support_tickets', ticket)).toBe('# Review\n\n- customer told\n- fix shipped\n');
    expect(text).toContain('<textarea id="document-text" name="markdown" rows="14"># Review\n\n- customer told\n- fix shipped\n</textarea>');
    expect(log).toContain(`web: Priya Patel wrote the document of support_tickets ${ticket} (39 characters)`);
    const missing = await app.request('/entry/support_tickets/nope/document', { method: 'POST', headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${session.csrf}&markdown=x` });
    expect(missing.status).toBe(404);
  });
});

describe('saved view tables', () => {
  let test: TestWorkspace;

  beforeEach(async () => {
    test = await createTestWorkspace();
  });
  afterEach(() => test.cleanup());

  it('show relation-path columns such as Customer.Contract Value beside the fields, money as money', async () => {
    const desk = await createDesk(test.workspace);
    const definition = test.workspace.object('support_tickets');
    await test.workspace.saveObject({
      ...structuredClone(definition.raw),
      views: [{
        name: 'Escalated with account context',
        filters: { field: 'Status', operator: 'is', value: 'Escalated' },
        sort: [{ field: 'Title', direction: 'asc' }],
        columns: ['Title', 'Customer', 'Customer.Contract Value', 'customer.account tier', 'Customer.Account Owner', 'Customer.No Such Field', 'Priority'],
      }],
    });
    const app = createWebApp({ workspace: test.workspace, clock: test.clock, log: () => undefined });
    const { cookie } = await signIn(app, (await new WebSessions(test.workspace.db, test.clock).createLoginToken('Priya Patel')).token);
    const page = await (await app.request('/views/support_tickets/Escalated%20with%20account%20context', { headers: { cookie } })).text();
    const headings = [...page.matchAll(/<th scope="col">([^<]+)<\/th>/g)].map((match) => match[1]);
    expect(headings).toEqual(['Title', 'Customer', 'Customer.Contract Value', 'Customer.Account Tier', 'Customer.Account Owner', 'Priority']);
    const cells = [...page.matchAll(/<tr>(<td>[\s\S]*?)<\/tr>/g)].map((match) => [...match[1]!.matchAll(/<td>(?:<a [^>]+>)?([^<]*)/g)].map((cell) => cell[1]));
    expect(cells).toEqual([
      ['Checkout down for SMB', 'Tiny Shop', '$2,000', 'SMB', 'Lena Fischer', 'P1 - Critical'],
      ['Slow dashboard', 'Acme Corp', '$180,000', 'Enterprise', 'Sarah Chen', 'P2 - High'],
      ['Unable to export data', 'Acme Corp', '$180,000', 'Enterprise', 'Sarah Chen', 'P1 - Critical'],
    ]);
    expect(page).toContain(`<a href="/entry/support_tickets/${desk.acmeOutage}">Unable to export data</a>`);
  });
});
