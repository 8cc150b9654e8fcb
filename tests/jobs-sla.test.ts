import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDemo } from '../objects/demo';
import { createEntries, findEntries, updateEntries } from '../objects/entries';
import { runActionField } from '../jobs/action-fields';
import { WorkingCalendar } from '../jobs/business-calendar';
import { slaStatus } from '../jobs/sla';
import { attachCalendar } from '../jobs/sla-config';
import { createTestWorkspace, type TestWorkspace } from './helpers';

const hour = 3_600_000;
const nineToFive = [[], [[540, 1020]], [[540, 1020]], [[540, 1020]], [[540, 1020]], [[540, 1020]], [], []] as [number, number][][];

describe('business hours', () => {
  const calendar = new WorkingCalendar({ timeZone: 'Europe/London', weekly: nineToFive, holidays: new Set(['2026-04-06']) });

  it('skip the weekend: 4 business hours from Friday 15:00 end on Monday at 11:00', () => {
    // 2026-04-17 is a Friday; London is on summer time (UTC+1).
    expect(calendar.add(new Date('2026-04-17T14:00:00Z'), 4 * hour).toISOString()).toBe('2026-04-20T10:00:00.000Z');
    expect(calendar.between(new Date('2026-04-17T15:00:00Z'), new Date('2026-04-20T09:00:00Z'))).toBe(2 * hour);
    expect(calendar.subtract(new Date('2026-04-20T09:00:00Z'), 4 * hour).toISOString()).toBe('2026-04-17T13:00:00.000Z');
  });

  it('skip holidays: Easter Monday does not count', () => {
    expect(calendar.add(new Date('2026-04-03T15:00:00Z'), 2 * hour).toISOString()).toBe('2026-04-07T09:00:00.000Z');
  });

  it('keep local opening hours across the change to summer time', () => {
    // Friday 27 March 16:00 GMT + 2 h → Monday 30 March 10:00 BST = 09:00 UTC.
    expect(calendar.add(new Date('2026-03-27T16:00:00Z'), 2 * hour).toISOString()).toBe('2026-03-30T09:00:00.000Z');
  });
});

describe('SLA status', () => {
  let test: TestWorkspace;
  afterEach(async () => test.cleanup());

  it('pauses the resolution clock while a ticket waits on the customer', async () => {
    test = await createTestWorkspace({ now: '2026-04-14T10:00:00Z' });
    const [id] = await createEntries(test.workspace, 'support_tickets', [{ Title: 'Export broken', Priority: 'P2', Status: 'Open', 'Opened Date': '2026-04-14T10:00:00Z' }], { by: 'test' });
    test.clock.set('2026-04-14T12:00:00Z');
    await updateEntries(test.workspace, 'support_tickets', [{ id: id!, values: { Status: 'Waiting on Customer', 'First Response Date': '2026-04-14T11:00:00Z' } }], { by: 'test' });
    test.clock.set('2026-04-14T20:00:00Z');
    let [row] = await slaStatus(test.workspace);
    expect(row!.resolution).toMatchObject({ usedMs: 2 * hour, pausedMs: 8 * hour, paused: true, targetMs: 24 * hour, state: 'within' });
    expect(row!.firstResponse).toMatchObject({ usedMs: hour, targetMs: 4 * hour, state: 'met' });
    await updateEntries(test.workspace, 'support_tickets', [{ id: id!, values: { Status: 'In Progress' } }], { by: 'test' });
    test.clock.set('2026-04-15T11:00:00Z');
    [row] = await slaStatus(test.workspace);
    expect(row!.resolution).toMatchObject({ usedMs: 17 * hour, pausedMs: 8 * hour, paused: false, remainingMs: 7 * hour, state: 'within' });
    test.clock.set('2026-04-15T13:00:00Z');
    [row] = await slaStatus(test.workspace);
    expect(row!.resolution!.state).toBe('at_risk');
    expect(row!.state).toBe('at_risk');
  });

  it('uses the seed targets per priority and account tier: a P1 gets 30 minutes at an Enterprise account and 2 hours at an SMB', async () => {
    test = await createTestWorkspace({ now: '2026-04-14T10:00:00Z' });
    await createEntries(test.workspace, 'company', [{ Name: 'Big', 'Account Tier': 'Enterprise' }, { Name: 'Small', 'Account Tier': 'SMB' }], { by: 'test' });
    await createEntries(test.workspace, 'support_tickets', [
      { Title: 'big outage', Customer: 'Big', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T09:00:00Z' },
      { Title: 'small outage', Customer: 'Small', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T09:00:00Z' },
      { Title: 'done', Customer: 'Small', Priority: 'P1', Status: 'Resolved', 'Opened Date': '2026-04-14T09:00:00Z', 'Resolved Date': '2026-04-14T09:30:00Z' },
    ], { by: 'test' });
    const rows = await slaStatus(test.workspace);
    expect(rows.map((row) => [row.title, row.accountTier, row.firstResponse?.targetMs, row.firstResponse?.state])).toEqual([
      ['big outage', 'Enterprise', 0.5 * hour, 'breached'],
      ['small outage', 'SMB', 2 * hour, 'within'],
    ]);
    expect(rows[1]!.firstResponse!.remainingMs).toBe(hour);
  });

  it('counts business hours when workspace.yaml says so', async () => {
    test = await createTestWorkspace({ now: '2026-04-20T10:00:00Z', timezone: 'UTC' }); // Monday
    test.workspace.saveConfig({ ...test.workspace.config, sla: { hours: 'business' }, business_hours: { weekly: { monday: '09:00-17:00', tuesday: '09:00-17:00', wednesday: '09:00-17:00', thursday: '09:00-17:00', friday: '09:00-17:00' } } });
    attachCalendar(test.workspace);
    await createEntries(test.workspace, 'support_tickets', [{ Title: 'weekend', Priority: 'P2', Status: 'Open', 'Opened Date': '2026-04-17T16:00:00Z' }], { by: 'test' });
    const [row] = await slaStatus(test.workspace);
    expect(row!.firstResponse).toMatchObject({ usedMs: 2 * hour, state: 'within' });
    expect(row!.hours).toBe('business');
  });

  it('refuses a bad sla section with the path and what was expected', async () => {
    test = await createTestWorkspace();
    test.workspace.saveConfig({ ...test.workspace.config, sla: { targets: { 'P1 - Critical': { first_response: 'soon' } } } });
    await expect(slaStatus(test.workspace)).rejects.toThrow('workspace.yaml: sla.targets.P1 - Critical.first_response: expected a duration like "30m", "4h" or "2d", got "soon"');
  });
});

describe('action fields', () => {
  let test: TestWorkspace;
  // The seed's script reads the real clock (datetime.now()), so the workspace's clock is set to the real time.
  const realNow = new Date(Math.floor(new Date().getTime() / 60_000) * 60_000).toISOString();
  const recent = (title: string) =>
    findEntries(test.workspace, 'support_tickets', {
      filter: { all: [{ field: 'Title', operator: 'is', value: title }, { field: 'Priority', operator: 'is', value: 'P1' }, { field: 'Opened Date', operator: 'newer_than', value: '1d' }] },
    });
  beforeAll(async () => {
    test = await createTestWorkspace({ now: realNow, populate: async (workspace) => void (await loadDemo(workspace)) });
    copyFileSync(join(__dirname, 'fixtures', 'seed-step6-sla.py'), join(test.dir, 'actions', 'sla_status.py'));
    writeFileSync(join(test.dir, 'actions', 'slow.sh'), 'sleep 5\necho \'{"type":"status","message":"late"}\'\n');
    const raw = JSON.parse(JSON.stringify(test.workspace.object('support_tickets').raw)) as { fields: unknown[] };
    raw.fields.push({ name: 'SLA Status', type: 'action', script: 'sla_status.py' }, { name: 'Slow Check', type: 'action', script: 'slow.sh', timeout_seconds: 1 });
    await test.workspace.saveObject(raw);
  });
  afterAll(async () => test.cleanup());

  it("runs the seed's Step 6 script unmodified and shows its status line", async () => {
    const [acme] = await recent('Unable to export data');
    const result = await runActionField(test.workspace, 'support_tickets', String(acme!.id), 'SLA Status');
    expect(result.exitCode).toBe(0);
    expect(result.status).toEqual({ type: 'status', message: expect.stringMatching(/^SLA Status: BREACHED \| Hours open: \d+\.\d \| Target: 0\.5h$/) });
  });

  it('says Within SLA for an answered ticket', async () => {
    const [answered] = await recent('Data sync stalled');
    const result = await runActionField(test.workspace, 'support_tickets', String(answered!.id), 'sla status');
    expect(result.status?.message).toMatch(/^SLA Status: Within SLA \| Hours open: .* \| Target: 0\.5h$/);
  });

  it('stops a script that runs past its time limit', async () => {
    const [any] = await findEntries(test.workspace, 'support_tickets', { limit: 1 });
    const result = await runActionField(test.workspace, 'support_tickets', String(any!.id), 'Slow Check');
    expect(result.timedOut).toBe(true);
    expect(result.status).toBeUndefined();
    expect(result.durationMs).toBeLessThan(4000);
  });

  it('refuses a new field whose variable a runtime reads, and writes nothing', async () => {
    const before = JSON.stringify(test.workspace.object('support_tickets').raw);
    const raw = JSON.parse(before) as { fields: unknown[] };
    raw.fields.push({ name: 'Perl5opt', type: 'text' });
    await expect(test.workspace.saveObject(raw)).rejects.toThrow(/PERL5OPT/);
    expect(JSON.stringify(test.workspace.object('support_tickets').raw)).toBe(before);
  });

  it("builds the script's environment from nothing: no variable of escalator's own process reaches it", async () => {
    process.env.ESCALATOR_TEST_SECRET = 'leak-me';
    const original = JSON.parse(JSON.stringify(test.workspace.object('support_tickets').raw)) as Record<string, unknown>;
    try {
      writeFileSync(join(test.dir, 'actions', 'env.sh'), 'env\n');
      const raw = JSON.parse(JSON.stringify(test.workspace.object('support_tickets').raw)) as { fields: unknown[] };
      raw.fields.push({ name: 'Env Dump', type: 'action', script: 'env.sh' });
      await test.workspace.saveObject(raw);
      const [any] = await findEntries(test.workspace, 'support_tickets', { limit: 1 });
      const result = await runActionField(test.workspace, 'support_tickets', String(any!.id), 'Env Dump');
      expect(result.stdout).not.toContain('leak-me');
      expect(result.stdout).toMatch(/^PRIORITY=/m);
      expect(result.stdout).toMatch(/^PATH=/m);
    } finally {
      delete process.env.ESCALATOR_TEST_SECRET;
      await test.workspace.saveObject(original);
    }
  });

  it('refuses a field that is not an action, naming the action fields there are', async () => {
    const [any] = await findEntries(test.workspace, 'support_tickets', { limit: 1 });
    await expect(runActionField(test.workspace, 'support_tickets', String(any!.id), 'Priority')).rejects.toThrow('Priority is a enum field, not an action (action fields: SLA Status, Slow Check)');
  });
});
