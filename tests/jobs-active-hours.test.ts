// A job's active window governs every kind of run: a weekdays-only job neither escalates nor alerts on Saturday —
// not at a deadline, not for a change, not at a restart — and handles what came up once, when Monday's window opens.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { createEntries, getEntry } from '../objects/entries';
import { saveJob } from '../jobs/job-files';
import type { Deliverer, OutboxMessage } from '../jobs/outbox';
import { startJobsRuntime, type JobsRuntime } from '../jobs/runtime';
import { previewJob, previewText } from '../tools/job-preview';
import { FakeTimers } from './fake-time';
import { createTestWorkspace, runEscalator, temporaryDir, type TestWorkspace } from './helpers';

const me = { channel: 'telegram', chat: 42 };
const weekdays = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '08:00-18:00', timezone: 'UTC' };

/** The user's "pause the escalation job on weekends": a weekdays cron, and now an active window that says so. */
function weekdayJob(extra: Record<string, unknown> = {}) {
  return {
    name: 'p1-watch',
    schedule: '0 9 * * 1-5',
    object: 'support_tickets',
    created_by: me,
    active: weekdays,
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

interface Harness {
  test: TestWorkspace;
  timers: FakeTimers;
  delivered: { at: string; message: OutboxMessage }[];
  runtime: JobsRuntime | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  runs(): Promise<{ trigger: string; started_at: string; matched: number }[]>;
}

async function harness(now: string): Promise<Harness> {
  const test = await createTestWorkspace({ now });
  const delivered: Harness['delivered'] = [];
  const h: Harness = {
    test,
    delivered,
    runtime: undefined,
    timers: new FakeTimers(test.clock, async () => {
      await h.runtime?.scheduler.idle();
      await h.runtime?.outbox.idle();
      await h.runtime?.scheduler.idle();
    }),
    async start() {
      const deliverer: Deliverer = {
        channel: 'telegram',
        async deliver(message) {
          delivered.push({ at: test.clock.now().toISOString(), message });
          return { remoteId: String(delivered.length) };
        },
      };
      h.runtime = await startJobsRuntime({ workspace: test.workspace, clock: test.clock, timers: h.timers, deliverers: [deliverer] });
      await h.timers.advance(0);
    },
    async stop() {
      await h.runtime?.stop();
      h.runtime = undefined;
    },
    async runs() {
      const rows = await test.workspace.db.query<{ trigger: string; started_at: Date; matched: number }>('SELECT trigger, started_at, matched FROM job_runs ORDER BY started_at, id');
      return rows.map((row) => ({ ...row, started_at: row.started_at.toISOString() }));
    },
  };
  return h;
}

const alerts = (h: Harness) => h.delivered.filter((item) => item.message.payload.kind === 'alert').map((item) => item.at);

describe('a job with an active window', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
    await h.test.cleanup();
  });

  it('does not fire on Saturday for a deadline crossed after Friday 18:00, and fires once on Monday at 08:00', async () => {
    h = await harness('2026-04-17T17:50:00Z'); // Friday
    await saveJob(h.test.workspace, weekdayJob());
    await h.start();
    const [id] = await createEntries(h.test.workspace, 'support_tickets', [{ Title: 'Outage', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-17T17:50:00Z' }], { by: 'test' });
    await h.timers.advanceTo('2026-04-19T23:59:00Z'); // crosses 30 minutes at Friday 18:20, then the weekend
    expect(alerts(h)).toEqual([]);
    expect((await h.runs()).filter((run) => run.matched > 0)).toEqual([]);
    expect(await getEntry(h.test.workspace, 'support_tickets', id!)).toMatchObject({ Status: 'Open' });
    await h.timers.advanceTo('2026-04-20T12:00:00Z');
    expect(alerts(h)).toEqual(['2026-04-20T08:00:00.000Z']);
    expect(await getEntry(h.test.workspace, 'support_tickets', id!)).toMatchObject({ Status: 'Escalated', 'Escalation Tier': 'Tier 2 - Engineering' });
    expect((await h.runs()).filter((run) => run.matched > 0)).toEqual([expect.objectContaining({ started_at: '2026-04-20T08:00:00.000Z', matched: 1 })]);
  });

  it('does not act on a ticket changed on Saturday until Monday 08:00, and runs nothing at all in between', async () => {
    h = await harness('2026-04-18T10:00:00Z'); // Saturday
    await saveJob(h.test.workspace, weekdayJob());
    await h.start();
    await createEntries(h.test.workspace, 'support_tickets', [{ Title: 'Outage', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-18T08:00:00Z' }], { by: 'webhook:zendesk' });
    await h.timers.advanceTo('2026-04-20T07:59:00Z');
    expect(alerts(h)).toEqual([]);
    expect(await h.runs()).toEqual([]);
    expect(h.runtime!.scheduler.status()[0]).toMatchObject({ active: 'Mon–Fri 08:00–18:00 (UTC)', heldUntil: new Date('2026-04-20T08:00:00Z') });
    await h.timers.advanceTo('2026-04-20T10:00:00Z');
    expect(alerts(h)).toEqual(['2026-04-20T08:00:00.000Z']);
  });

  it('holds a restart on Saturday until Monday 08:00, then the 09:00 slot finds nothing new', async () => {
    h = await harness('2026-04-17T17:00:00Z'); // Friday, inside the window
    await saveJob(h.test.workspace, weekdayJob());
    await h.start();
    await h.stop();
    // Down over the weekend; a ticket comes in meanwhile (the restart run is what would see it).
    await createEntries(h.test.workspace, 'support_tickets', [{ Title: 'Outage', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-17T20:00:00Z' }], { by: 'import' });
    const before = (await h.runs()).length;
    h.test.clock.set('2026-04-18T10:00:00Z');
    await h.start();
    await h.timers.advanceTo('2026-04-19T20:00:00Z');
    expect(alerts(h)).toEqual([]);
    expect(await h.runs()).toHaveLength(before);
    await h.timers.advanceTo('2026-04-20T12:00:00Z');
    expect(alerts(h)).toEqual(['2026-04-20T08:00:00.000Z']);
    const monday = (await h.runs()).slice(before);
    expect(monday.map((run) => [run.trigger, run.started_at, run.matched])).toEqual([
      ['restart', '2026-04-20T08:00:00.000Z', 1],
      ['schedule', '2026-04-20T09:00:00.000Z', 0],
    ]);
  });

  it('a job without active still fires on Saturday the moment a ticket crosses', async () => {
    h = await harness('2026-04-18T10:00:00Z'); // Saturday
    const always = weekdayJob({ schedule: '*/30 * * * *' }) as Record<string, unknown>;
    delete always.active;
    await saveJob(h.test.workspace, always);
    await h.start();
    await createEntries(h.test.workspace, 'support_tickets', [{ Title: 'Outage', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-18T09:50:00Z' }], { by: 'test' });
    await h.timers.advanceTo('2026-04-18T11:00:00Z');
    expect(alerts(h)).toEqual(['2026-04-18T10:20:00.000Z']);
    expect(h.runtime!.scheduler.status()[0]).toMatchObject({ active: undefined, heldUntil: undefined });
  });

  it('the preview says the window and lists only the runs that will happen', async () => {
    h = await harness('2026-04-17T10:00:00Z'); // Friday
    const preview = await previewJob(h.test.workspace, weekdayJob({ schedule: '0 9,20 * * *' }));
    expect(preview.active).toMatch(/^only Mon–Fri 08:00–18:00 \(UTC\)/);
    // 20:00 is outside the window, and the weekend is skipped.
    expect(preview.next_runs).toEqual(['2026-04-20T09:00+00:00', '2026-04-21T09:00+00:00', '2026-04-22T09:00+00:00']);
    expect(previewText(preview, { saved: false })).toContain('It acts only Mon–Fri 08:00–18:00 (UTC)');
    expect(previewText(preview, { saved: false })).not.toContain('only times the regular checks');
  });

  it('active: business_hours follows the workspace hours, and a bad window is refused naming the path', async () => {
    h = await harness('2026-04-17T16:30:00Z'); // Friday; default business hours Mon–Fri 09:00–17:00 UTC
    const preview = await previewJob(h.test.workspace, weekdayJob({ schedule: '*/30 * * * *', active: 'business_hours' }));
    expect(preview.active).toMatch(/^only business hours: Mon–Fri 09:00–17:00 \(UTC\)/);
    expect(preview.next_runs).toEqual(['2026-04-20T09:00+00:00', '2026-04-20T09:30+00:00', '2026-04-20T10:00+00:00']);
    await expect(previewJob(h.test.workspace, weekdayJob({ active: { days: ['funday'] } }))).rejects.toThrow(/active.*a day is mon, tue/);
    await expect(previewJob(h.test.workspace, weekdayJob({ active: { hours: '18:00-08:00' } }))).rejects.toThrow(/hours are a range like "08:00-18:00"/);
  });

  it('the preview of a weekdays cron without an active window says that thresholds and changes still act at any hour', async () => {
    h = await harness('2026-04-17T10:00:00Z');
    const cronOnly = weekdayJob() as Record<string, unknown>;
    delete cronOnly.active;
    const text = previewText(await previewJob(h.test.workspace, cronOnly), { saved: true });
    expect(text).toContain('thresholds crossed and tickets changed are still acted on (and alerted) at any hour and on any day');
    expect(text).toContain('active: { days: [mon, tue, wed, thu, fri] }');
    expect(previewText(await previewJob(h.test.workspace, { ...cronOnly, schedule: '*/30 * * * *' }), { saved: true })).not.toContain('only times the regular checks');
  });
});

describe('escalator jobs list and show', () => {
  it('show the active window and the next runs inside it; a job without one says always', async () => {
    const { dir, remove } = temporaryDir();
    try {
      const workspace = join(dir, 'workspace');
      expect((await runEscalator(['init', '--workspace', workspace])).code).toBe(0);
      mkdirSync(join(workspace, 'jobs'), { recursive: true });
      writeFileSync(join(workspace, 'jobs', 'p1-watch.job.yaml'), dump({ ...weekdayJob({ schedule: '*/30 * * * *' }), active: { ...weekdays, timezone: 'Europe/Berlin' } }));
      writeFileSync(join(workspace, 'jobs', 'always.job.yaml'), dump({ ...weekdayJob({ name: 'always', active: undefined }) }));
      const env = { ESCALATOR_NOW: '2026-04-18T10:00:00Z' }; // Saturday
      const list = await runEscalator(['jobs', 'list', '--workspace', workspace], { env });
      expect(list.code).toBe(0);
      expect(list.stdout).toContain('Mon–Fri 08:00–18:00 (Europe/Berlin)');
      expect(list.stdout).toContain('always');
      const json = JSON.parse((await runEscalator(['jobs', 'list', '--json', '--workspace', workspace], { env })).stdout) as { name: string; active_description: string | null; next_runs: string[] }[];
      const watch = json.find((job) => job.name === 'p1-watch')!;
      expect(watch.active_description).toBe('Mon–Fri 08:00–18:00 (Europe/Berlin)');
      expect(watch.next_runs).toEqual(['2026-04-20T06:00:00.000Z', '2026-04-20T06:30:00.000Z', '2026-04-20T07:00:00.000Z']);
      expect(json.find((job) => job.name === 'always')!.active_description).toBeNull();
      const show = await runEscalator(['jobs', 'show', 'p1-watch', '--workspace', workspace], { env });
      expect(show.stdout).toMatch(/active: Mon–Fri 08:00–18:00 \(Europe\/Berlin\)/);
    } finally {
      remove();
    }
  });
});
