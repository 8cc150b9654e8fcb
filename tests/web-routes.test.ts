import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Workspace } from '../objects/workspace';
import { saveJob } from '../jobs/job-files';
import { enqueueMessage } from '../jobs/outbox';
import { seedEscalationJob } from '../jobs/seed-job';
import { createWebApp } from '../web/app';
import { loadBoard } from '../web/board-data';
import { WebSessions } from '../web/sessions';
import { writeDocument } from '../objects/documents';
import { getEntry, updateEntries } from '../objects/entries';
import { createTestWorkspace, runEscalator, type TestWorkspace } from './helpers';
import { browserNavigation, createDesk, sessionCookieOf, signIn, type Desk } from './web-fixtures';

describe('the web board, requested in process', () => {
  let test: TestWorkspace;
  let desk: Desk;
  let app: ReturnType<typeof createWebApp>;
  let sessions: WebSessions;
  const log: string[] = [];

  beforeEach(async () => {
    test = await createTestWorkspace();
    desk = await createDesk(test.workspace);
    app = createWebApp({ workspace: test.workspace, clock: test.clock, log: (line) => log.push(line) });
    sessions = new WebSessions(test.workspace.db, test.clock);
  });
  afterEach(() => test.cleanup());

  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });

  it('refuses every page without a session, and a forged cookie', async () => {
    for (const path of ['/board/support_tickets', `/entry/support_tickets/${desk.acmeOutage}`, '/events/support_tickets', '/static/htmx.min.js', '/']) {
      const response = await app.request(path);
      expect(response.status).toBe(401);
      expect(await response.text()).toContain('escalator web');
    }
    const forged = await app.request('/board/support_tickets', { headers: { cookie: 'escalator_session=abc.def' } });
    expect(forged.status).toBe(401);
  });

  it('signs in once with a link: HttpOnly SameSite=Strict cookie, then the same link is refused', async () => {
    const { token } = await sessions.createLoginToken('Priya Patel');
    // A link preview (no Fetch Metadata) gets a button and spends nothing.
    const preview = await app.request(`/login?token=${token}`);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('set-cookie')).toBeNull();
    expect(await preview.text()).toContain('<form method="post" action="/login">');
    const login = await app.request(`/login?token=${token}`, { headers: browserNavigation });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(login.headers.get('referrer-policy')).toBe('no-referrer');
    expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await login.text()).toContain('url=/board/support_tickets');
    const board = await app.request('/board/support_tickets', { headers: { cookie: sessionCookieOf(login) } });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('signed in as Priya Patel');

    const again = await app.request(`/login?token=${token}`, { headers: browserNavigation });
    expect(again.status).toBe(401);
    const form = await app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    expect(form.status).toBe(401);
    const forged = await app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', host: 'localhost' }, body: `token=${(await sessions.createLoginToken('Priya Patel')).token}` });
    expect(forged.status).toBe(403);
    expect(await again.text()).toContain('already used');
    const stored = await test.workspace.db.query<{ token_hash: string }>('SELECT token_hash FROM web_login_tokens');
    expect(stored.map((row) => row.token_hash)).not.toContain(token);
  });

  it('refuses a link after its 10 minutes, on the workspace clock', async () => {
    const { token } = await sessions.createLoginToken('Priya Patel');
    test.clock.advance(10 * 60_000 + 1000);
    const late = await app.request(`/login?token=${token}`, { headers: browserNavigation });
    expect(late.status).toBe(401);
    expect(await late.text()).toContain('expired');
  });

  it('ends sessions after 12 hours, on sign-out and on "escalator web revoke"', async () => {
    const first = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    test.clock.advance(12 * 60 * 60_000 + 1000);
    expect((await app.request('/board/support_tickets', { headers: { cookie: first.cookie } })).status).toBe(401);

    const leaving = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    expect((await app.request('/logout', form({}, { cookie: leaving.cookie }))).status).toBe(403);
    const signedOut = await app.request('/logout', form({ csrf: leaving.csrf }, { cookie: leaving.cookie }));
    expect(await signedOut.text()).toContain('Signed out');
    expect((await app.request('/board/support_tickets', { headers: { cookie: leaving.cookie } })).status).toBe(401);

    const second = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    const unused = await sessions.createLoginToken('Sam Ortiz');
    await test.workspace.close();
    const revoke = await runEscalator(['web', 'revoke', '--workspace', test.dir], { env: { ESCALATOR_NOW: test.clock.now().toISOString() } });
    expect(revoke).toMatchObject({ code: 0, stdout: 'revoked 1 web session and 1 unused sign-in link' });
    test = { ...test, ...(await reopen(test)) };
    app = createWebApp({ workspace: test.workspace, clock: test.clock, log: () => undefined });
    expect((await app.request('/board/support_tickets', { headers: { cookie: second.cookie } })).status).toBe(401);
    expect((await app.request(`/login?token=${unused.token}`, { headers: browserNavigation })).status).toBe(401);
  });

  it('refuses a POST without the CSRF token (403) and changes nothing', async () => {
    const { cookie } = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    for (const fields of [{ status: 'Closed' }, { status: 'Closed', csrf: 'wrong' }] as Record<string, string>[]) {
      const response = await app.request(`/entry/support_tickets/${desk.openP3}/move`, form(fields, { cookie }));
      expect(response.status).toBe(403);
    }
    const action = await app.request(`/entry/support_tickets/${desk.openP3}/action`, form({ action: 'resolve' }, { cookie }));
    expect(action.status).toBe(403);
    expect(await getEntry(test.workspace, 'support_tickets', desk.openP3)).toMatchObject({ Status: 'Open' });
  });

  it('moves a card with the form (no JavaScript): status changed, history by web:<person>, back to the board', async () => {
    const { cookie, csrf } = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    const response = await app.request(`/entry/support_tickets/${desk.openP3}/move`, form({ status: 'In Progress', csrf }, { cookie }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/board/support_tickets');
    expect(await getEntry(test.workspace, 'support_tickets', desk.openP3)).toMatchObject({ Status: 'In Progress' });
    const history = await test.workspace.db.query('SELECT old_value, new_value, changed_by FROM field_changes WHERE entry_id = $1 AND field = $2 AND changed_by <> $3', [desk.openP3, 'Status', 'test']);
    expect(history).toEqual([{ old_value: 'Open', new_value: 'In Progress', changed_by: 'web:Priya Patel' }]);

    const htmx = await app.request(`/entry/support_tickets/${desk.openP3}/move`, form({ status: 'Open' }, { cookie, 'x-csrf-token': csrf, 'hx-request': 'true' }));
    expect(htmx.status).toBe(200);
    const fragment = await htmx.text();
    expect(fragment.startsWith('<div id="board"')).toBe(true);
    const bad = await app.request(`/entry/support_tickets/${desk.openP3}/move`, form({ status: 'Nowhere', csrf }, { cookie }));
    expect(bad.status).toBe(422);
  });

  it('shows the Escalated column as the hot list: account tier first, then priority', async () => {
    const board = await loadBoard(test.workspace, 'support_tickets');
    expect(board.columns.map((column) => column.option)).toEqual(['Open', 'In Progress', 'Waiting on Customer', 'Escalated', 'Resolved', 'Closed']);
    const escalated = board.columns.find((column) => column.option === 'Escalated')!;
    expect(escalated.cards.map((card) => card.id)).toEqual([desk.acmeOutage, desk.acmeSlow, desk.smallP1]);
    expect(escalated.count).toBe(3);
    const { cookie } = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    const page = await (await app.request('/board/support_tickets', { headers: { cookie } })).text();
    const outage = page.slice(page.indexOf(`id="card-${desk.acmeOutage}"`));
    expect(outage.slice(0, outage.indexOf('</li>'))).toMatch(/Acme Corp[\s\S]*Enterprise[\s\S]*\$180,000[\s\S]*47 minutes[\s\S]*Tier 2 - Engineering[\s\S]*unassigned[\s\S]*sla/);
  });

  it('narrows the board to a saved view (?view=NAME), and shows a long column\'s count with "more"', async () => {
    const definition = test.workspace.object('support_tickets');
    await test.workspace.saveObject({ ...structuredClone(definition.raw), views: [{ name: 'Enterprise hot list', filters: { field: 'Account Tier', operator: 'is', value: 'Enterprise' } }] });
    const { cookie } = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    const page = await (await app.request('/board/support_tickets?view=Enterprise%20hot%20list', { headers: { cookie } })).text();
    expect(page).toContain('<option selected>Enterprise hot list</option>');
    const cards = [...page.matchAll(/id="card-(\w+)"/g)].map((match) => match[1]);
    expect(cards.sort()).toEqual([desk.acmeOutage, desk.acmeSlow, desk.reopened].sort());
    expect((await app.request('/board/support_tickets?view=Nope', { headers: { cookie } })).status).toBe(422);
    expect((await app.request('/board/nothing_here', { headers: { cookie } })).status).toBe(404);

    const limited = await (await app.request('/board/support_tickets?limit=1', { headers: { cookie } })).text();
    expect(limited).toContain('aria-label="3 cards">3</span>');
    expect(limited).toMatch(/<a class="more" href="\/board\/support_tickets\?limit=4">2 more…<\/a>/);
  });

  it('lists saved views as tables, the SLA clocks of open tickets and the jobs with their state', async () => {
    const definition = test.workspace.object('support_tickets');
    await test.workspace.saveObject({ ...structuredClone(definition.raw), views: [{ name: 'Open Tickets with Account Context', filters: [{ field: 'Status', operator: 'in', values: ['Open', 'In Progress', 'Escalated'] }], sort: [{ field: 'Priority', direction: 'asc' }, { field: 'Opened Date', direction: 'asc' }] }] });
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));
    const { cookie } = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    const views = await (await app.request('/views/support_tickets', { headers: { cookie } })).text();
    expect(views).toContain('href="/views/support_tickets/Open%20Tickets%20with%20Account%20Context"');
    const table = await (await app.request('/views/support_tickets/Open%20Tickets%20with%20Account%20Context', { headers: { cookie } })).text();
    expect(table).toContain('5 support_tickets entries');
    const titles = [...table.matchAll(/<a href="\/entry\/support_tickets\/(\w+)">/g)].map((match) => match[1]);
    expect(titles).toEqual([desk.acmeOutage, desk.smallP1, desk.acmeSlow, desk.openP3, desk.hostile]);
    const sla = await (await app.request('/sla', { headers: { cookie } })).text();
    expect(sla).toMatch(/5 open tickets: 1 breached, \d+ at risk, \d+ within/);
    expect(sla).toContain('breached by 12 minutes');
    const jobs = await (await app.request('/jobs', { headers: { cookie } })).text();
    expect(jobs).toContain('support-escalation');
    expect(jobs).toContain('every 30 minutes');
  });

  it('streams entry changes as server-sent events to a signed-in board', async () => {
    const { cookie } = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    const response = await app.request('/events/support_tickets', { headers: { cookie } });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(received)) received += decoder.decode((await reader.read()).value);
    };
    await until(/event: ready/);
    await updateEntries(test.workspace, 'company', [{ id: desk.acme, values: { Health: 'Red' } }], { by: 'test' });
    await updateEntries(test.workspace, 'support_tickets', [{ id: desk.openP3, values: { 'Assigned To': 'Sam Ortiz' } }], { by: 'chat:telegram:42' });
    await until(/event: changed/);
    expect(received).toContain(`data: {"ids":["${desk.openP3}"],"count":1}`);
    expect(received).not.toContain(desk.acme);
    await reader.cancel();
  });

  it('escapes ticket values: a hostile title is text, never markup', async () => {
    const { cookie } = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    for (const path of ['/board/support_tickets', `/entry/support_tickets/${desk.hostile}`]) {
      const page = await (await app.request(path, { headers: { cookie } })).text();
      expect(page).not.toContain('<script>window.__pwned');
      expect(page).not.toContain('<img src=x');
      expect(page).toContain('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;');
    }
  });

  it('shows a ticket with its account context, SLA clocks and history, and acknowledges it', async () => {
    const { cookie, csrf } = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    const page = await (await app.request(`/entry/support_tickets/${desk.reopened}`, { headers: { cookie } })).text();
    expect(page).toContain('Account: Acme Corp');
    expect(page).toMatch(/\$180,000[\s\S]*Yellow[\s\S]*in 62 days[\s\S]*Sarah Chen/);
    expect(page).toContain('Unable to export data');
    expect(page).toContain('Slow dashboard');
    expect(page).toContain('No document yet');
    await writeDocument(test.workspace, 'support_tickets', desk.reopened, '# Review\nRoot cause: a <b>migration</b> locked the export table.');
    const documented = await (await app.request(`/entry/support_tickets/${desk.reopened}`, { headers: { cookie } })).text();
    expect(documented).toContain('<div class="document-view"><h1>Review</h1>\n<p>Root cause: a &lt;b&gt;migration&lt;/b&gt; locked the export table.</p>\n</div>');
    const acked = await app.request(`/entry/support_tickets/${desk.acmeSlow}/action`, form({ action: 'escalate', csrf }, { cookie }));
    expect(acked.status).toBe(200);
    expect(await acked.text()).toContain('Escalated to Tier 2 - Engineering by Priya Patel');
    expect(await getEntry(test.workspace, 'support_tickets', desk.acmeSlow)).toMatchObject({ 'Escalation Tier': 'Tier 2 - Engineering' });
    const open = await app.request(`/entry/support_tickets/${desk.openP3}/action`, form({ action: 'ack', csrf }, { cookie }));
    expect(await open.text()).toContain('Acknowledged by Priya Patel');
    const entry = await getEntry(test.workspace, 'support_tickets', desk.openP3);
    expect(entry).toMatchObject({ 'Assigned To': 'Priya Patel', 'First Response Date': test.clock.now() });
    const history = await (await app.request(`/entry/support_tickets/${desk.openP3}`, { headers: { cookie } })).text();
    expect(history).toContain('web:Priya Patel');
  });

  it('snoozes a ticket\'s Telegram alert from its page, so the reminder goes to that chat', async () => {
    const { cookie, csrf } = await signIn(app, (await sessions.createLoginToken('Priya Patel')).token);
    const before = await (await app.request(`/entry/support_tickets/${desk.acmeOutage}`, { headers: { cookie } })).text();
    expect(before).not.toContain('data-action="snooze"');
    const alertId = await enqueueMessage(test.workspace, { to: { channel: 'telegram', recipient: '42' }, text: 'ESCALATION: Acme Corp', payload: { kind: 'alert', object: 'support_tickets', entryId: desk.acmeOutage } });
    const page = await (await app.request(`/entry/support_tickets/${desk.acmeOutage}`, { headers: { cookie } })).text();
    expect(page).toContain('data-action="snooze"');
    const snoozed = await app.request(`/entry/support_tickets/${desk.acmeOutage}/action`, form({ action: 'snooze', csrf }, { cookie }));
    expect(await snoozed.text()).toContain('Snoozed by Priya Patel at 10:00 until 11:00');
    expect(await test.workspace.db.query('SELECT alert_id, chat_id, snoozed_by FROM telegram_snoozes')).toEqual([{ alert_id: alertId, chat_id: '42', snoozed_by: 'Priya Patel' }]);
    const again = await app.request(`/entry/support_tickets/${desk.acmeOutage}/action`, form({ action: 'snooze', csrf }, { cookie }));
    expect(await again.text()).toContain('Already snoozed until 11:00');
  });

  it('prints a sign-in link from "escalator web" when no serve runs, saying where it will work', async () => {
    await test.workspace.close();
    const result = await runEscalator(['web', '--as', 'Priya Patel', '--workspace', test.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^http:\/\/127\.0\.0\.1:8080\/login\?token=[\w-]{43}\n\(signs in Priya Patel once; valid until 2026-04-14 10:10 UTC\)$/);
    expect(result.stderr).toContain('no "escalator serve --port" is running');
    const proxied = await runEscalator(['web', '--url', 'https://board.example.com/', '--workspace', test.dir]);
    expect(proxied.stdout).toMatch(/^https:\/\/board\.example\.com\/login\?token=/);
    expect((await runEscalator(['web', '--as', 'bad\nname', '--workspace', test.dir])).code).toBe(2);
    test = { ...test, ...(await reopen(test)) };
  });
});

async function reopen(test: TestWorkspace): Promise<{ workspace: Workspace; cleanup: () => Promise<void> }> {
  const workspace = await Workspace.open(test.dir, { clock: test.clock });
  return {
    workspace,
    cleanup: async () => {
      await workspace.close();
      rmSync(dirname(test.dir), { recursive: true, force: true });
    },
  };
}
