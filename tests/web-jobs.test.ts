// The jobs page, requested in process: rules in words, the active window, next runs, recent runs with their counts,
// and pausing/resuming a job — CSRF-protected, recorded as web:<person>.
import { readFileSync } from 'node:fs';
import { readJob, saveJob, setJobEnabled } from '../jobs/job-files';
import { runJob } from '../jobs/runner';
import { seedEscalationJob } from '../jobs/seed-job';
import { updateEntries } from '../objects/entries';
import { createWebApp } from '../web/app';
import { WebSessions } from '../web/sessions';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { createDesk, signIn } from './web-fixtures';

describe('the jobs page, requested in process', () => {
  let test: TestWorkspace;
  let app: ReturnType<typeof createWebApp>;
  let session: { cookie: string; csrf: string };
  const log: string[] = [];

  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    body: new URLSearchParams(fields).toString(),
  });
  const jobsPage = async () => (await app.request('/jobs', { headers: { cookie: session.cookie } })).text();
  /** The page's section of one job, so a check on one job cannot pass on another's text. */
  const section = (page: string, job: string) => {
    const start = page.indexOf(`id="job-${job}"`);
    if (start < 0) throw new Error(`no section for ${job}`);
    return page.slice(start, page.indexOf('</section>', start));
  };

  beforeEach(async () => {
    // Tuesday 2026-04-14 10:00 UTC.
    test = await createTestWorkspace();
    await createDesk(test.workspace);
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));
    await saveJob(test.workspace, {
      ...seedEscalationJob({ channel: 'telegram', chat: 42 }, { name: 'weekday-watch', timezone: 'Europe/Berlin' }),
      description: undefined,
      schedule: '0 * * * *',
      active: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '08:00-13:00' },
    });
    app = createWebApp({ workspace: test.workspace, clock: test.clock, log: (line) => log.push(line) });
    session = await signIn(app, (await new WebSessions(test.workspace.db, test.clock).createLoginToken('Priya Patel')).token);
  });
  afterEach(() => test.cleanup());

  it('says each job\'s rules in words, when it may act and its next runs in its own time zone', async () => {
    const page = await jobsPage();
    const seed = section(page, 'support-escalation');
    expect(seed).toContain('<strong>p1-no-first-response</strong>: Priority is P1 - Critical, no First Response Date, Opened Date more than 30 minutes ago, Status is not Resolved or Closed → escalate to Tier 2 - Engineering (sets Status Escalated); notify you with the escalation alert');
    expect(seed).toContain('Priority is P2 - High, Customer&#39;s Account Tier is Enterprise, Opened Date more than 4 h ago');
    expect(seed).toContain('<dt>Watches</dt><dd>support_tickets, every 30 minutes (UTC)</dd>');
    expect(seed).toContain('<dt>Active</dt><dd>always</dd>');
    expect(seed).toContain('<ul class="next-runs"><li>2026-04-14 10:30</li><li>2026-04-14 11:00</li><li>2026-04-14 11:30</li></ul>');
    expect(seed).toContain('<p>No runs yet.</p>');

    // 10:00 UTC is 12:00 in Berlin: the window closes at 13:00, so the next runs are the following morning's, from 08:00.
    const weekday = section(page, 'weekday-watch');
    expect(weekday).toContain('only Mon–Fri 08:00–13:00 (Europe/Berlin); outside it nothing runs or alerts');
    expect(weekday).toContain('<ul class="next-runs"><li>2026-04-15 08:00</li><li>2026-04-15 09:00</li><li>2026-04-15 10:00</li></ul>');
    expect(weekday).toContain('<dt>Watches</dt><dd>support_tickets, every hour at minute 0 (Europe/Berlin)</dd>');
    // A cron naming days without an active window only times the regular checks: the page says so, as the agent does.
    await saveJob(test.workspace, { ...seedEscalationJob({ channel: 'telegram', chat: 42 }, { name: 'weekday-cron' }), schedule: '0 9 * * 1-5' });
    expect(section(await jobsPage(), 'weekday-cron')).toContain('<dt>Active</dt><dd>always<br><small>The schedule only times the regular checks');
    expect(seed).not.toContain('The schedule only times');
  });

  it('lists recent runs with their counts, newest first', async () => {
    await runJob(test.workspace, 'support-escalation');
    test.clock.advance(90 * 60_000);
    // The desk's reopened P1 is Resolved; open again and past 30 minutes it matches the first rule.
    const [reopened] = await test.workspace.db.query<{ id: string }>(`SELECT id FROM v_support_tickets WHERE "Title" = 'SSO login loop for EU users'`);
    await updateEntries(test.workspace, 'support_tickets', [{ id: reopened!.id, values: { Status: 'Open' } }], { by: 'test' });
    await runJob(test.workspace, 'support-escalation');
    const runs = section(await jobsPage(), 'support-escalation');
    const rows = [...runs.matchAll(/<tr><td>([^<]+)<\/td><td>(\w+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td>/g)].map((match) => match.slice(1));
    expect(rows).toEqual([
      ['2026-04-14 11:30', 'manual', '1', '1', '1'],
      ['2026-04-14 10:00', 'manual', '0', '0', '0'],
    ]);
    expect(runs).toContain('2 runs, fired on 1 entry');
  });

  it('pauses and resumes a job with a CSRF-protected POST, recorded as web:<person>', async () => {
    const refused = await app.request('/jobs/support-escalation/enabled', form({ enabled: 'false' }));
    expect(refused.status).toBe(403);
    const wrong = await app.request('/jobs/support-escalation/enabled', form({ enabled: 'false', csrf: 'not-the-token' }));
    expect(wrong.status).toBe(403);
    expect((await readJob(test.workspace, 'support-escalation')).enabled).toBe(true);

    const paused = await app.request('/jobs/support-escalation/enabled', form({ enabled: 'false', csrf: session.csrf }));
    expect(paused.status).toBe(200);
    const page = await paused.text();
    expect(page).toContain('support-escalation paused by Priya Patel.');
    expect((await readJob(test.workspace, 'support-escalation')).enabled).toBe(false);
    expect(readFileSync(`${test.dir}/jobs/support-escalation.job.yaml`, 'utf8')).toContain('enabled: false');
    const seed = section(page, 'support-escalation');
    expect(seed).toContain('<small>paused</small>');
    expect(seed).toContain('none: the job is paused');
    expect(seed).toContain('<dt>Paused</dt><dd class="by">by web:Priya Patel at 2026-04-14 10:00</dd>');
    expect(seed).toContain('<input type="hidden" name="enabled" value="true">');
    expect(section(page, 'weekday-watch')).not.toContain('web:Priya Patel');
    expect(log).toContain('web: Priya Patel paused job support-escalation');

    const again = await (await app.request('/jobs/support-escalation/enabled', form({ enabled: 'false', csrf: session.csrf }))).text();
    expect(again).toContain('support-escalation was already paused.');
    test.clock.advance(5 * 60_000);
    const resumed = await (await app.request('/jobs/support-escalation/enabled', form({ enabled: 'true', csrf: session.csrf }))).text();
    expect(section(resumed, 'support-escalation')).toContain('<dt>Resumed</dt><dd class="by">by web:Priya Patel at 2026-04-14 10:05</dd>');
    expect((await readJob(test.workspace, 'support-escalation')).enabled).toBe(true);
    // Paused again from the command line (escalator jobs disable): the board does not claim Priya did that.
    await setJobEnabled(test.workspace, 'support-escalation', false);
    const elsewhere = section(await jobsPage(), 'support-escalation');
    expect(elsewhere).toContain('<small>paused</small>');
    expect(elsewhere).not.toContain('web:Priya Patel');
    const switches = await test.workspace.db.query('SELECT job, enabled, changed_by FROM web_job_switches ORDER BY changed_at');
    expect(switches).toEqual([
      { job: 'support-escalation', enabled: false, changed_by: 'web:Priya Patel' },
      { job: 'support-escalation', enabled: true, changed_by: 'web:Priya Patel' },
    ]);
  });

  it('answers 404 for a job that does not exist and 422 for a value that is not true or false', async () => {
    const missing = await app.request('/jobs/no-such-job/enabled', form({ enabled: 'false', csrf: session.csrf }));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('no job named &quot;no-such-job&quot;');
    const bad = await app.request('/jobs/support-escalation/enabled', form({ enabled: 'maybe', csrf: session.csrf }));
    expect(bad.status).toBe(422);
    expect((await readJob(test.workspace, 'support-escalation')).enabled).toBe(true);
  });
});
