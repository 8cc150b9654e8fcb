// Shared setup of the web board tests: a small support desk whose Escalated column has a known order, a sign-in
// helper for in-process requests, and the cookie they carry.
import { saveJob } from '../jobs/job-files';
import { runJob } from '../jobs/runner';
import { seedEscalationJob } from '../jobs/seed-job';
import { createEntries } from '../objects/entries';
import type { Workspace } from '../objects/workspace';

/** What the tests need of an app: in-process requests. */
export interface RequestsInProcess {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

const minute = 60_000;

export interface Desk {
  acme: string;
  globex: string;
  /** Enterprise P1, Escalated: top of the hot list. */
  acmeOutage: string;
  /** Enterprise P2, Escalated. */
  acmeSlow: string;
  /** SMB P1, Escalated: below both Enterprise cards despite being P1. */
  smallP1: string;
  /** P1 without first response, Resolved: reopening it makes the seed job escalate it at once. */
  reopened: string;
  /** P3, Open: moved with the keyboard form. */
  openP3: string;
  /** A title that is an HTML injection attempt. */
  hostile: string;
}

/** Companies and tickets at `now`; only `reopened` would match the seed job's rules once open again. */
export async function createDesk(workspace: Workspace): Promise<Desk> {
  const now = workspace.clock.now().getTime();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * minute);
  const [acme, globex, tiny] = await createEntries(workspace, 'company', [
    { Name: 'Acme Corp', 'Contract Value': 180000, Health: 'Yellow', 'Renewal Date': new Date(now + 62 * 86_400_000), 'Account Tier': 'Enterprise', 'Account Owner': 'Sarah Chen' },
    { Name: 'Globex Industries', 'Contract Value': 240000, Health: 'Green', 'Account Tier': 'Mid-Market', 'Account Owner': 'Diego Alvarez' },
    { Name: 'Tiny Shop', 'Contract Value': 2000, Health: 'Green', 'Account Tier': 'SMB', 'Account Owner': 'Lena Fischer' },
  ], { by: 'test' });
  const answered = { 'First Response Date': at(5) };
  const ids = await createEntries(workspace, 'support_tickets', [
    { Title: 'Checkout down for SMB', Customer: tiny, Priority: 'P1 - Critical', Status: 'Escalated', 'Account Tier': 'SMB', 'Opened Date': at(40), 'Escalation Tier': 'Tier 2 - Engineering', ...answered },
    { Title: 'Slow dashboard', Customer: acme, Priority: 'P2 - High', Status: 'Escalated', 'Account Tier': 'Enterprise', 'Opened Date': at(60), 'Escalation Tier': 'Tier 1 - Support Lead', 'Assigned To': 'Sam Ortiz', ...answered },
    { Title: 'Unable to export data', Customer: acme, Priority: 'P1 - Critical', Status: 'Escalated', 'Account Tier': 'Enterprise', 'Opened Date': at(47), 'Escalation Tier': 'Tier 2 - Engineering', ...answered },
    { Title: 'SSO login loop for EU users', Customer: acme, Priority: 'P1 - Critical', Status: 'Resolved', 'Account Tier': 'Enterprise', 'Opened Date': at(120), 'Escalation Tier': 'None' },
    { Title: 'Invoices show wrong currency', Customer: globex, Priority: 'P3 - Medium', Status: 'Open', 'Account Tier': 'Mid-Market', 'Opened Date': at(30) },
    { Title: '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>', Customer: globex, Priority: 'P4 - Low', Status: 'Open', 'Account Tier': 'Mid-Market', 'Opened Date': at(10) },
  ], { by: 'test' });
  const [smallP1, acmeSlow, acmeOutage, reopened, openP3, hostile] = ids as [string, string, string, string, string, string];
  return { acme: acme!, globex: globex!, acmeOutage, acmeSlow, smallP1, reopened, openP3, hostile };
}

/** The `name=value` part of the session cookie a response set. */
export function sessionCookieOf(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  const match = /escalator_session=[^;]+/.exec(header);
  if (!match) throw new Error(`no session cookie in "${header}"`);
  return match[0];
}

/** Signs in through the sign-in form with a token; returns the cookie and the board page's CSRF token. */
export async function signIn(app: RequestsInProcess, token: string): Promise<{ cookie: string; csrf: string }> {
  const login = await app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const cookie = sessionCookieOf(login);
  const board = await app.request('/board/support_tickets', { headers: { cookie } });
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(await board.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on the board page');
  return { cookie, csrf };
}

/** The headers a browser sends when it opens a link (Fetch Metadata). */
export const browserNavigation = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'none' };

/**
 * A desk where the seed job escalated tickets in two months. In March: an Enterprise and an SMB P1 without first
 * response (to Tier 2). In April: two Enterprise P1s and a Mid-Market P1 (to Tier 2), and March's two, still open
 * after 48 hours (to Tier 3) — escalations count in the month they happened: March 2, April 5 (Enterprise 3).
 */
export async function escalateInTwoMonths(workspace: Workspace, clock: { advance(ms: number): void }): Promise<{ march: string[]; april: string[] }> {
  const [acme, globex, tiny] = await createEntries(workspace, 'company', [
    { Name: 'Acme Corp', 'Account Tier': 'Enterprise' },
    { Name: 'Globex Industries', 'Account Tier': 'Mid-Market' },
    { Name: 'Tiny Shop', 'Account Tier': 'SMB' },
  ], { by: 'test' });
  const p1 = (title: string, customer: string | undefined) => ({ Title: title, Customer: customer, Priority: 'P1 - Critical', Status: 'Open', 'Opened Date': workspace.clock.now() });
  const round = async (tickets: Record<string, unknown>[]) => {
    const ids = await createEntries(workspace, 'support_tickets', tickets, { by: 'test' });
    clock.advance(45 * minute);
    await runJob(workspace, 'support-escalation');
    return ids;
  };
  await saveJob(workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));
  const march = await round([p1('Export fails', acme), p1('Checkout down', tiny)]);
  clock.advance(30 * 86_400_000);
  const april = await round([p1('SSO loop', acme), p1('API 500s', acme), p1('Invoices wrong', globex)]);
  return { march, april };
}
