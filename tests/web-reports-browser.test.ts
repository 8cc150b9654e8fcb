// The reports page and an entry document in headless Chromium (Debian's, /usr/bin/chromium, via puppeteer-core): the
// chart and table show what v_escalations holds, and a hostile markdown document stays harmless.
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { startWebhookServer, type WebhookServer } from '../channels/webhooks/server';
import { readDocument } from '../objects/documents';
import { WebSessions } from '../web/sessions';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { escalateInTwoMonths } from './web-fixtures';

interface PageGlobals {
  __pwned?: number;
}

const chromium = process.env.ESCALATOR_CHROMIUM ?? '/usr/bin/chromium';
const found = existsSync(chromium);
// As in web-board.test.ts: on a root Debian machine (where npm pretest installs Chromium) a missing browser fails.
const mustRun = process.env.ESCALATOR_REQUIRE_BROWSER === '1' || (process.getuid?.() === 0 && existsSync('/etc/debian_version'));
const describeInBrowser = found || mustRun ? describe : describe.skip;

describeInBrowser('reports and documents in headless Chromium', () => {
  let test: TestWorkspace;
  let server: WebhookServer;
  let browser: Browser;
  let page: Page;
  let base: string;
  let tickets: { march: string[]; april: string[] };
  const pageErrors: string[] = [];

  jest.setTimeout(120_000);

  beforeAll(async () => {
    if (!found) throw new Error(`${chromium} is missing: run scripts/ensure-chromium.sh (as root on Debian it installs it)`);
    test = await createTestWorkspace({ now: '2026-03-10T10:00:00.000Z' });
    tickets = await escalateInTwoMonths(test.workspace, test.clock);
    server = await startWebhookServer({ workspace: test.workspace, port: 0, secrets: {}, log: () => undefined, clock: test.clock });
    base = `http://127.0.0.1:${server.port}`;
    const puppeteer = (await import('puppeteer-core')).default;
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) pageErrors.push(message.text());
    });
    page.on('dialog', (dialog) => {
      pageErrors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(`${base}/login?token=${(await new WebSessions(test.workspace.db, test.clock).createLoginToken('Priya Patel')).token}`);
    await page.waitForSelector('#board');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await test?.cleanup();
  });

  it('opens Reports from the navigation and shows per month the escalations v_escalations holds, in the chart and the table', async () => {
    await Promise.all([page.waitForNavigation(), page.click('nav a[href="/reports"]')]);
    await page.waitForSelector('#escalations-chart');
    const expected = await test.workspace.db.query<{ month: string; tier: string; n: number }>(
      `SELECT strftime(e.escalated_at, '%Y-%m') AS month, c."Account Tier" AS tier, count(*)::INTEGER AS n
         FROM v_escalations AS e JOIN v_support_tickets AS t ON t.id = e.entry_id JOIN v_company AS c ON c."Name" = t."Customer"
        GROUP BY ALL ORDER BY month, tier`);
    expect(expected.reduce((sum, row) => sum + row.n, 0)).toBe(7);
    const totals = new Map<string, number>();
    for (const row of expected) totals.set(row.month, (totals.get(row.month) ?? 0) + row.n);

    const bars = await page.$$eval('#escalations-chart g.bar', (groups) => groups.map((group) => ({
      period: group.getAttribute('data-period'),
      total: Number(group.getAttribute('data-total')),
      label: group.querySelector('text')?.textContent,
      segments: Array.from(group.querySelectorAll('rect') as unknown as ArrayLike<typeof group>).map((rect) => [rect.getAttribute('data-tier'), Number(rect.getAttribute('data-count'))]),
    })));
    expect(bars.map((bar) => [bar.period, bar.total, Number(bar.label)])).toEqual([...totals].map(([month, total]) => [month, total, total]));
    expect(bars.flatMap((bar) => bar.segments.map(([tier, n]) => ({ month: bar.period, tier, n }))).sort((a, b) => `${a.month}${a.tier}`.localeCompare(`${b.month}${b.tier}`))).toEqual(expected);

    const table = await page.$$eval('#escalations-table tbody tr', (rows) => rows.map((row) => Array.from(row.children as unknown as ArrayLike<typeof row>).map((cell) => cell.textContent)));
    const headers = await page.$$eval('#escalations-table thead th', (cells) => cells.map((cell) => cell.textContent));
    expect(headers).toEqual(['Month', 'Enterprise', 'Mid-Market', 'SMB', 'Total']);
    const cellOf = (month: string, tier: string) => String(expected.find((row) => row.month === month && row.tier === tier)?.n ?? 0);
    expect(table).toEqual([...totals].map(([month, total]) => [month, cellOf(month, 'Enterprise'), cellOf(month, 'Mid-Market'), cellOf(month, 'SMB'), String(total)]));
    // The chart's accessible name and description say the same numbers.
    expect(await page.$eval('#escalations-chart', (svg) => svg.getAttribute('role'))).toBe('img');
    expect(await page.$eval('#chart-desc', (desc) => desc.textContent)).toContain('2026-03: 2 (Enterprise 1, Mid-Market 0, SMB 1); 2026-04: 5');

    await page.select('#period', 'quarter');
    await Promise.all([page.waitForNavigation(), page.click('form[aria-label="Report filters"] button')]);
    expect(page.url()).toContain('period=quarter');
    expect(await page.$$eval('#escalations-table tbody th', (cells) => cells.map((cell) => cell.textContent))).toEqual(['2026-Q1', '2026-Q2']);
  });

  it('saves a markdown document from the ticket page, shows its author, and its <script> and javascript: link harmless', async () => {
    const ticket = tickets.march[0]!;
    await page.goto(`${base}/entry/support_tickets/${ticket}`);
    await page.click('#document-heading ~ details summary');
    const hostile = '# Review\n\n**Root cause**: a lock.\n\n<script>window.__pwned = 1</script>\n\n<img src=x onerror="window.__pwned = 2">\n\n[open me](javascript:window.__pwned=3) and [the runbook](https://example.com/runbook)';
    await page.$eval('#document-text', (area, text) => { (area as unknown as { value: string }).value = text; }, hostile);
    await Promise.all([page.waitForNavigation(), page.click('#document-text ~ p button')]);
    expect(await page.$eval('.notice', (notice) => notice.textContent)).toBe('Document saved by Priya Patel.');
    expect(readDocument(test.workspace, 'support_tickets', ticket)).toBe(`${hostile}\n`);
    expect(await page.$eval('.document-author', (author) => author.textContent)).toMatch(/^Written by web:Priya Patel at \d{4}-\d\d-\d\d \d\d:\d\d\.$/);

    const view = '.document-view';
    expect(await page.$eval(`${view} h1`, (heading) => heading.textContent)).toBe('Review');
    expect(await page.$eval(`${view} strong`, (strong) => strong.textContent)).toBe('Root cause');
    expect(await page.$$eval(`${view} script, ${view} img`, (found) => found.length)).toBe(0);
    expect(await page.$$eval(`${view} a`, (links) => links.map((link) => [link.textContent, link.getAttribute('href')]))).toEqual([['the runbook', 'https://example.com/runbook']]);
    expect(await page.$eval(view, (element) => element.textContent)).toContain('<script>window.__pwned = 1</script>');
    expect(await page.$eval(view, (element) => element.textContent)).toContain('open me and the runbook');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });
});
