import { loadDemo } from '../objects/demo';
import { createEntries, getEntry, updateEntries } from '../objects/entries';
import { saveJob } from '../jobs/job-files';
import type { Deliverer, OutboxMessage } from '../jobs/outbox';
import { startJobsRuntime, type JobsRuntime } from '../jobs/runtime';
import { seedEscalationJob } from '../jobs/seed-job';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { FakeTimers } from './fake-time';

const minute = 60_000;

interface Harness {
  test: TestWorkspace;
  timers: FakeTimers;
  delivered: { at: string; message: OutboxMessage }[];
  start(): Promise<JobsRuntime>;
  runs(): Promise<{ trigger: string; slot: string | null; started_at: string; matched: number; error: string | null }[]>;
}

async function harness(options: Parameters<typeof createTestWorkspace>[0] = {}): Promise<Harness> {
  const test = await createTestWorkspace(options);
  let runtime: JobsRuntime | undefined;
  const timers = new FakeTimers(test.clock, async () => {
    await runtime?.scheduler.idle();
    await runtime?.outbox.idle();
    await runtime?.scheduler.idle();
  });
  const delivered: Harness['delivered'] = [];
  const deliverer: Deliverer = {
    channel: 'telegram',
    async deliver(message) {
      delivered.push({ at: test.clock.now().toISOString(), message });
      return { remoteId: String(delivered.length) };
    },
  };
  return {
    test,
    timers,
    delivered,
    async start() {
      runtime = await startJobsRuntime({ workspace: test.workspace, clock: test.clock, timers, deliverers: [deliverer] });
      await timers.advance(0);
      return runtime;
    },
    async runs() {
      const rows = await test.workspace.db.query<{ trigger: string; slot: Date | null; started_at: Date; matched: number; error: string | null }>(
        'SELECT trigger, slot, started_at, matched, error FROM job_runs ORDER BY started_at, slot NULLS FIRST',
      );
      return rows.map((row) => ({ ...row, slot: row.slot?.toISOString() ?? null, started_at: row.started_at.toISOString() }));
    },
  };
}

const me = { channel: 'telegram', chat: 42 };

function p1Job(extra: Record<string, unknown> = {}) {
  return {
    name: 'p1-watch',
    schedule: '*/30 * * * *',
    object: 'support_tickets',
    created_by: me,
    rules: [
      {
        name: 'p1-no-first-response',
        when: { all: [{ field: 'Priority', operator: 'is', value: 'P1' }, { field: 'First Response Date', operator: 'is_empty' }, { field: 'Opened Date', operator: 'older_than', value: '30m' }] },
        then: [{ escalate: { tier: 'Tier 2' } }, { notify: { to: ['me'] } }],
      },
    ],
    ...extra,
  };
}

describe('the scheduler', () => {
  let h: Harness;
  let runtime: JobsRuntime | undefined;
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await h.test.cleanup();
  });

  it('wakes at the exact moment a ticket crosses its threshold, not at the next half-hour slot', async () => {
    h = await harness({ now: '2026-04-14T10:10:00Z' });
    await saveJob(h.test.workspace, p1Job());
    runtime = await h.start();
    const [id] = await createEntries(h.test.workspace, 'support_tickets', [{ Title: 'Outage', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T10:05:00Z' }], { by: 'test' });
    await h.timers.advance(0);
    expect(h.delivered).toHaveLength(0);
    await h.timers.advanceTo('2026-04-14T10:50:00Z');
    expect(h.delivered).toHaveLength(1);
    expect(h.delivered[0]!.at).toBe('2026-04-14T10:35:00.000Z');
    expect(h.delivered[0]!.message.payload).toMatchObject({ kind: 'alert', entryId: id, job: 'p1-watch' });
    const runs = await h.runs();
    expect(runs.filter((run) => run.matched > 0)).toEqual([expect.objectContaining({ trigger: 'deadline', started_at: '2026-04-14T10:35:00.000Z' })]);
    expect(await getEntry(h.test.workspace, 'support_tickets', id!)).toMatchObject({ 'Escalation Tier': 'Tier 2 - Engineering', Status: 'Escalated' });
  });

  it('handles at once a ticket that crossed its threshold while a run was busy', async () => {
    h = await harness({ now: '2026-04-14T10:10:00Z' });
    await saveJob(h.test.workspace, p1Job());
    const [first, during] = await createEntries(h.test.workspace, 'support_tickets', [
      { Title: 'Crossed long ago', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T09:00:00Z' },
      { Title: 'Crosses at 10:11', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T09:41:00Z' },
    ], { by: 'test' });
    // The first run "takes" two minutes: its commit moves the clock from 10:10 to 10:12.
    let slow = true;
    h.test.workspace.onEntriesChanged(() => {
      if (slow) h.test.clock.set('2026-04-14T10:12:00Z');
      slow = false;
    });
    runtime = await h.start();
    await h.timers.advanceTo('2026-04-14T10:20:00Z');
    expect(h.delivered.map((item) => [item.message.payload.entryId, item.at])).toEqual([
      [first, '2026-04-14T10:12:00.000Z'],
      [during, '2026-04-14T10:12:00.000Z'],
    ]);
  });

  it('evaluates a created ticket at once, and a changed one too, without waiting for a slot', async () => {
    h = await harness({ now: '2026-04-14T10:10:00Z' });
    await saveJob(h.test.workspace, p1Job());
    runtime = await h.start();
    const [late] = await createEntries(h.test.workspace, 'support_tickets', [{ Title: 'Old outage', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T08:00:00Z' }], { by: 'webhook:zendesk' });
    const [quiet] = await createEntries(h.test.workspace, 'support_tickets', [{ Title: 'Minor', Priority: 'P3', Status: 'Open', 'Opened Date': '2026-04-14T08:00:00Z' }], { by: 'test' });
    await h.timers.advance(0);
    expect(h.delivered.map((item) => item.message.payload.entryId)).toEqual([late]);
    expect(h.delivered[0]!.at).toBe('2026-04-14T10:10:00.000Z');
    await updateEntries(h.test.workspace, 'support_tickets', [{ id: quiet!, values: { Priority: 'P1' } }], { by: 'chat' });
    await h.timers.advance(0);
    expect(h.delivered.map((item) => item.message.payload.entryId)).toEqual([late, quiet]);
    const changeRuns = (await h.runs()).filter((run) => run.trigger === 'change');
    expect(changeRuns.length).toBeGreaterThanOrEqual(2);
  });

  it('catches up a missed slot once at start, then keeps to the schedule', async () => {
    h = await harness({ now: '2026-04-14T10:00:00Z', populate: async (workspace) => void (await loadDemo(workspace)) });
    await saveJob(h.test.workspace, seedEscalationJob(me));
    runtime = await h.start();
    await runtime.stop();
    runtime = undefined;
    const firstRuns = await h.runs();
    expect(firstRuns).toEqual([expect.objectContaining({ trigger: 'first', slot: '2026-04-14T10:00:00.000Z' })]);

    h.test.clock.set('2026-04-14T11:40:00Z'); // down through the 10:30, 11:00 and 11:30 slots
    runtime = await h.start();
    await h.timers.advanceTo('2026-04-14T12:10:00Z');
    const runs = (await h.runs()).filter((run) => run.trigger !== 'deadline' && run.trigger !== 'change');
    expect(runs.map((run) => [run.trigger, run.slot, run.started_at])).toEqual([
      ['first', '2026-04-14T10:00:00.000Z', '2026-04-14T10:00:00.000Z'],
      ['catch-up', '2026-04-14T11:30:00.000Z', '2026-04-14T11:40:00.000Z'],
      ['schedule', '2026-04-14T12:00:00.000Z', '2026-04-14T12:00:00.000Z'],
    ]);
  });

  it('keeps a daily 09:00 job at 09:00 London time across the change to summer time', async () => {
    h = await harness({ now: '2026-03-27T12:00:00Z', timezone: 'Europe/London' });
    await saveJob(h.test.workspace, p1Job({ name: 'morning', schedule: '0 9 * * *' }));
    runtime = await h.start();
    await h.timers.advanceTo('2026-03-31T00:00:00Z');
    const slots = (await h.runs()).filter((run) => run.trigger === 'schedule').map((run) => run.started_at);
    expect(slots).toEqual(['2026-03-28T09:00:00.000Z', '2026-03-29T08:00:00.000Z', '2026-03-30T08:00:00.000Z']);
  });

  it('counts a business-hours threshold over the weekend: a ticket opened Friday 15:00 crosses 4 business hours on Monday at 11:00', async () => {
    h = await harness({ now: '2026-04-17T15:00:00Z' }); // a Friday; default hours Monday–Friday 09:00–17:00 UTC
    await saveJob(h.test.workspace, p1Job({
      name: 'business',
      schedule: '0 0 1 * *',
      rules: [
        {
          name: 'p2-4-business-hours',
          when: { all: [{ field: 'Priority', operator: 'is', value: 'P2' }, { field: 'Opened Date', operator: 'older_than', value: '4 business hours' }] },
          then: [{ notify: { to: ['me'] } }],
        },
      ],
    }));
    runtime = await h.start();
    await createEntries(h.test.workspace, 'support_tickets', [{ Title: 'Slow', Priority: 'P2', Status: 'Open', 'Opened Date': '2026-04-17T15:00:00Z' }], { by: 'test' });
    await h.timers.advanceTo('2026-04-21T00:00:00Z');
    expect(h.delivered.map((item) => item.at)).toEqual(['2026-04-20T11:00:00.000Z']);
  });

  it('a failing job tells its creator once, not at every slot, and does not stop the others', async () => {
    h = await harness({ now: '2026-04-14T10:00:00Z' });
    await createEntries(h.test.workspace, 'company', [{ Name: 'Acme Corp' }], { by: 'test' });
    await saveJob(h.test.workspace, p1Job({
      name: 'assign-acme',
      rules: [{ name: 'link', when: { field: 'Customer', operator: 'is_empty' }, then: [{ set: { Customer: 'Acme Corp' } }] }],
    }));
    await saveJob(h.test.workspace, p1Job());
    runtime = await h.start();
    // The job was checked against Acme Corp when saved; renaming the company makes its runs fail.
    const [acme] = await h.test.workspace.db.query<{ id: string }>('SELECT id FROM obj_company');
    await updateEntries(h.test.workspace, 'company', [{ id: acme!.id, values: { Name: 'Acme Inc' } }], { by: 'test' });
    await createEntries(h.test.workspace, 'support_tickets', [{ Title: 'Down', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T09:00:00Z' }], { by: 'test' });
    await h.timers.advanceTo('2026-04-14T11:45:00Z');
    const failures = (await h.runs()).filter((run) => run.error !== null);
    expect(failures.length).toBeGreaterThanOrEqual(4);
    const warnings = h.delivered.filter((item) => item.message.payload.kind === 'job_failure');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message.text).toMatch(/Job "assign-acme" failed: .*Acme Corp/);
    expect(h.delivered.filter((item) => item.message.payload.kind === 'alert')).toHaveLength(1);
  });
});
