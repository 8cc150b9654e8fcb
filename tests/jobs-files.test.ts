import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDemo } from '../objects/demo';
import { deleteJob, loadJobs, loadJobsReport, readJob, saveJob, setJobEnabled } from '../jobs/job-files';
import { describeSchedule, nextRuns } from '../jobs/schedule';
import { seedEscalationJob } from '../jobs/seed-job';
import { createTestWorkspace, type TestWorkspace } from './helpers';

const me = { channel: 'telegram', chat: 42 };

describe('job files', () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await createTestWorkspace({ timezone: 'Europe/London', populate: async (workspace) => void (await loadDemo(workspace)) });
  });
  afterAll(async () => test.cleanup());

  it('saves the seed job as readable YAML in jobs/ and reads it back the same, in the workspace time zone', async () => {
    const saved = await saveJob(test.workspace, seedEscalationJob(me));
    const text = readFileSync(join(test.dir, 'jobs', 'support-escalation.job.yaml'), 'utf8');
    expect(text).toMatch(/^name: support-escalation\n/);
    expect(text).toContain('timezone: Europe/London');
    expect(text).toContain('field: Customer.Account Tier');
    expect(await readJob(test.workspace, 'support-escalation')).toEqual(saved);
    expect((await loadJobs(test.workspace)).map((job) => job.name)).toEqual(['support-escalation']);
  });

  it('accepts a hand-written file in the seed\'s spelling (in/values, escalate by short tier name)', async () => {
    writeFileSync(
      join(test.dir, 'jobs', 'hand.job.yaml'),
      [
        'name: hand',
        'schedule: every 2 hours',
        'object: support_tickets',
        'rules:',
        '  - name: open-p1',
        '    when:',
        '      - { field: Status, operator: in, values: [Open, In Progress] }',
        '      - { field: Priority, operator: is, value: P1 }',
        '    then:',
        '      - escalate: Tier 1',
        '      - notify: { to: role:support_lead }',
      ].join('\n'),
    );
    const job = await readJob(test.workspace, 'hand');
    expect(job.rules[0]!.then[0]).toEqual({ escalate: { tier: 'Tier 1 - Support Lead' } });
    expect(job.rules[0]!.when).toEqual({ all: [{ field: 'Status', operator: 'is_any_of', value: ['Open', 'In Progress'] }, { field: 'Priority', operator: 'is', value: 'P1' }] });
    expect(describeSchedule(job)).toBe('every 2 hours (Europe/London)');
    await deleteJob(test.workspace, 'hand');
    expect(existsSync(join(test.dir, 'jobs', 'hand.job.yaml'))).toBe(false);
  });

  const refusals: [string, (job: ReturnType<typeof seedEscalationJob>) => unknown, string][] = [
    ['an invalid cron expression', (job) => ({ ...job, schedule: '*/30 * * *  * * *' }), 'jobs/bad.job.yaml: schedule: schedule "*/30 * * *  * * *" is neither a cron expression'],
    ['a cron field out of range', (job) => ({ ...job, schedule: '61 * * * *' }), 'jobs/bad.job.yaml: schedule: schedule "61 * * * *" is not a valid cron expression: Invalid value for minute: 61'],
    ['an unknown time zone', (job) => ({ ...job, timezone: 'Europe/Londn' }), 'jobs/bad.job.yaml: timezone: unknown time zone "Europe/Londn"'],
    ['an unknown object', (job) => ({ ...job, object: 'tickets' }), 'jobs/bad.job.yaml: object: unknown object "tickets"'],
    ['an unknown field in a rule', (job) => { job.rules[0]!.when.all[0] = { field: 'Priorty', operator: 'is', value: 'P1 - Critical' }; return job; }, 'jobs/bad.job.yaml: rules.0.when: unknown field "Priorty" on support_tickets; did you mean "Priority"?'],
    ['an unknown field through a relation', (job) => { job.rules[1]!.when.all[1] = { field: 'Customer.Tier', operator: 'is', value: 'Enterprise' }; return job; }, 'jobs/bad.job.yaml: rules.1.when: unknown field "Customer.Tier" on company'],
    ['a tier that is not an option', (job) => { job.rules[0]!.then[0] = { escalate: { tier: 'Tier 5 - CEO' } }; return job; }, 'jobs/bad.job.yaml: rules.0.then.0: "Tier 5 - CEO" is not an option of Escalation Tier'],
    ['a role that workspace.yaml does not define', (job) => { job.rules[0]!.then[1] = { notify: { to: ['role:ceo'], template: 'escalation' } }; return job; }, 'jobs/bad.job.yaml: rules.0.then.1: role "ceo" is not in workspace.yaml roles (roles: support_lead, engineering_lead, cs_vp, account_executive)'],
    ['"me" without a creator', (job) => { const { created_by: _creator, ...rest } = job; return rest; }, 'jobs/bad.job.yaml: rules.0.then.1: "me" needs created_by'],
    ['a recipient field that holds no person', (job) => { job.rules[0]!.then[1] = { notify: { to: ['field:Customer.Contract Value'], template: 'escalation' } }; return job; }, 'jobs/bad.job.yaml: rules.0.then.1: field:Customer.Contract Value is a number field'],
    ['a malformed recipient', (job) => { job.rules[0]!.then[1] = { notify: { to: ['sarah'], template: 'escalation' } }; return job; }, 'jobs/bad.job.yaml: rules.0.then.1.notify.to.0: a recipient is "me", "role:<name>"'],
    ['a rule without actions', (job) => { job.rules[2]!.then = []; return job; }, 'jobs/bad.job.yaml: rules.2.then: a rule needs at least one action under then'],
    ['a set of an unknown option', (job) => { job.rules[2]!.then = [{ set: { Status: 'Pending' } } as never]; return job; }, 'jobs/bad.job.yaml: rules.2.then.0: "Pending" is not an option of Status'],
  ];

  it.each(refusals)('refuses %s with one line naming the file, the path and what was expected, and saves nothing', async (_, change, message) => {
    const job = change(seedEscalationJob(me, { name: 'bad' }));
    const error = await saveJob(test.workspace, job).then(() => undefined, (caught: Error) => caught);
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('\n');
    expect(existsSync(join(test.dir, 'jobs', 'bad.job.yaml'))).toBe(false);
  });

  it('lists a hand-edited file that no longer validates as a problem and keeps the others', async () => {
    writeFileSync(join(test.dir, 'jobs', 'broken.job.yaml'), 'name: broken\nschedule: every 5 minutes\nobject: support_tickets\nrules: []\n');
    const report = await loadJobsReport(test.workspace);
    expect(report.jobs.map((job) => job.name)).toEqual(['support-escalation']);
    expect(report.problems).toEqual([{ job: 'broken', file: 'jobs/broken.job.yaml', message: 'jobs/broken.job.yaml: rules: a job needs at least one rule' }]);
    await expect(loadJobs(test.workspace)).rejects.toThrow('jobs/broken.job.yaml: rules: a job needs at least one rule');
    await deleteJob(test.workspace, 'broken');
  });

  it('pauses and resumes a job by rewriting its file', async () => {
    expect((await setJobEnabled(test.workspace, 'support-escalation', false)).enabled).toBe(false);
    expect(readFileSync(join(test.dir, 'jobs', 'support-escalation.job.yaml'), 'utf8')).toContain('enabled: false');
    expect((await setJobEnabled(test.workspace, 'support-escalation', true)).enabled).toBe(true);
  });
});

describe('schedules', () => {
  it('gives the next fire times in the job\'s own time zone', () => {
    const job = { schedule: '0 9 * * 1-5', timezone: 'America/New_York' };
    expect(nextRuns(job, new Date('2026-04-17T12:00:00Z'), 3).map((at) => at.toISOString())).toEqual([
      '2026-04-17T13:00:00.000Z',
      '2026-04-20T13:00:00.000Z',
      '2026-04-21T13:00:00.000Z',
    ]);
    expect(describeSchedule(job)).toBe('at 09:00 on Monday–Friday (America/New_York)');
  });

  it('reads "every N minutes" as a cron when N divides an hour, and as a fixed interval otherwise', () => {
    expect(nextRuns({ schedule: 'every 15 minutes' }, new Date('2026-04-14T10:07:00Z'), 2).map((at) => at.toISOString())).toEqual(['2026-04-14T10:15:00.000Z', '2026-04-14T10:30:00.000Z']);
    expect(nextRuns({ schedule: 'every 45 minutes' }, new Date('2026-04-14T10:07:00Z'), 2).map((at) => at.toISOString())).toEqual(['2026-04-14T10:30:00.000Z', '2026-04-14T11:15:00.000Z']);
  });
});
