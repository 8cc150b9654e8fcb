// The reports page, entry documents as markdown and saved views with relation columns, requested in process.
import { writeDocument, readDocument } from '../objects/documents';
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

  it('says so when nothing was escalated yet', async () => {
    await signInNow();
    const page = await get('/reports');
    expect(page.text).toContain('No escalations in this period yet.');
    expect(page.text).not.toContain('<svg id="escalations-chart"');
  });
});
