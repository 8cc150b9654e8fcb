import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createEntries, findEntries, updateEntries } from '../objects/entries';
import { Workspace } from '../objects/workspace';
import { saveJob } from '../jobs/job-files';
import { listOutbox, type Deliverer, type OutboxMessage } from '../jobs/outbox';
import { startJobsRuntime, type JobsRuntime } from '../jobs/runtime';
import { seedEscalationJob } from '../jobs/seed-job';
import { queueEvaluations } from '../jobs/tables';
import { FakeTimers } from './fake-time';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { addAccounts, sendZendesk, startTestServer, zendeskTrigger } from './webhook-fixtures';

const root = join(__dirname, '..');
const me = { channel: 'telegram', chat: 42 };

/** Runs the restart child until it prints `signal`, then kills it with SIGKILL (it never gets to clean up). */
function runUntilKilled(dir: string, mode: 'after-commit' | 'after-run', now: string, body: unknown, signal: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', join(root, 'tests/support/register-ts.js'), join(root, 'tests/support/restart-child.ts'), dir, mode, now, JSON.stringify(body)],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(signal)) child.kill('SIGKILL');
    });
    child.on('exit', (code, killedBy) => (killedBy === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

/** The jobs runtime as `serve` runs it, on fake time, with a Telegram deliverer that records what it sends. */
async function startServe(test: TestWorkspace, log?: (line: string) => void): Promise<{ runtime: JobsRuntime; timers: FakeTimers; delivered: { at: string; message: OutboxMessage }[] }> {
  let runtime: JobsRuntime | undefined;
  const timers = new FakeTimers(test.clock, async () => {
    await runtime?.scheduler.idle();
    await runtime?.outbox.idle();
    await runtime?.scheduler.idle();
  });
  const delivered: { at: string; message: OutboxMessage }[] = [];
  const deliverer: Deliverer = {
    channel: 'telegram',
    async deliver(message) {
      delivered.push({ at: test.clock.now().toISOString(), message });
      return { remoteId: String(delivered.length) };
    },
  };
  runtime = await startJobsRuntime({ workspace: test.workspace, clock: test.clock, timers, deliverers: [deliverer], ...(log ? { log } : {}) });
  await timers.advance(0);
  return { runtime, timers, delivered };
}

async function reopen(test: TestWorkspace, at: string): Promise<Workspace> {
  test.clock.set(at);
  test.workspace = await Workspace.open(test.dir, { clock: test.clock });
  return test.workspace;
}

async function runs(workspace: Workspace): Promise<{ trigger: string; started_at: string; matched: number }[]> {
  const rows = await workspace.db.query<{ trigger: string; started_at: Date; matched: number }>('SELECT trigger, started_at, matched FROM job_runs ORDER BY started_at, id');
  return rows.map((row) => ({ ...row, started_at: row.started_at.toISOString() }));
}

async function count(workspace: Workspace, table: string): Promise<number> {
  const [row] = await workspace.db.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM ${table}`);
  return row!.count;
}

/** An urgent Acme ticket opened at 09:00: the seed job's P1 rule fires on it as soon as it is evaluated. */
const urgentTicket = zendeskTrigger({ id: '7001', title: 'Exports down for everyone', created_at: '2026-04-14T09:00:00Z', updated_at: '2026-04-14T09:00:00Z' });

describe('a restart of serve', () => {
  let test: TestWorkspace;
  let runtime: JobsRuntime | undefined;
  beforeEach(async () => {
    test = await createTestWorkspace({ now: '2026-04-14T10:00:00Z' });
    await addAccounts(test.workspace);
    await saveJob(test.workspace, seedEscalationJob(me));
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await test.cleanup();
  });

  /** The job's first run, as a serve that ran earlier would have left it; then the file is free for a child. */
  async function firstServe(): Promise<void> {
    const first = await startServe(test);
    await first.runtime.stop();
    await test.workspace.close();
  }

  it('evaluates at start a ticket committed by a webhook just before a kill -9, and queues its alert once', async () => {
    await firstServe();
    await runUntilKilled(test.dir, 'after-commit', '2026-04-14T10:05:00Z', urgentTicket, 'COMMITTED');
    const workspace = await reopen(test, '2026-04-14T10:10:00Z'); // no slot missed: 10:00 ran, 10:30 is next
    const [ticket] = await findEntries(workspace, 'support_tickets', { filter: { field: 'External Id', operator: 'is', value: '7001' } });
    expect(ticket).toMatchObject({ Title: 'Exports down for everyone', 'Escalation Tier': 'None' });
    expect(await count(workspace, 'job_ledger')).toBe(0); // the immediate run never happened

    const serve = await startServe(test);
    runtime = serve.runtime;
    expect(serve.delivered.map((item) => [item.message.payload.entryId, item.at])).toEqual([[ticket!.id, '2026-04-14T10:10:00.000Z']]);
    expect(serve.delivered[0]!.message.text).toContain('Exports down for everyone');
    await serve.timers.advanceTo('2026-04-14T11:10:00Z');
    expect(serve.delivered).toHaveLength(1);
    expect(await count(workspace, 'outbox')).toBe(1);
    expect(await count(workspace, 'pending_evaluations')).toBe(0);
    const [escalated] = await findEntries(workspace, 'support_tickets', { filter: { field: 'External Id', operator: 'is', value: '7001' } });
    expect(escalated).toMatchObject({ Status: 'Escalated', 'Escalation Tier': 'Tier 2 - Engineering' });
    expect((await runs(workspace)).filter((run) => run.started_at >= '2026-04-14T10:10:00.000Z')).toEqual([
      { trigger: 'restart', started_at: '2026-04-14T10:10:00.000Z', matched: 1 },
      { trigger: 'schedule', started_at: '2026-04-14T10:30:00.000Z', matched: 0 },
      { trigger: 'schedule', started_at: '2026-04-14T11:00:00.000Z', matched: 0 },
    ]);
  });

  it('alerts at start, once, on a ticket that crossed its threshold while serve was down, and not again at the next slot', async () => {
    const before = await startServe(test);
    runtime = before.runtime;
    const [id] = await createEntries(test.workspace, 'support_tickets', [{ Title: 'Checkout failing', Priority: 'P1 - Critical', Status: 'Open', 'Opened Date': '2026-04-14T09:45:00Z' }], { by: 'chat' });
    await before.timers.advanceTo('2026-04-14T10:05:00Z');
    expect(before.delivered).toHaveLength(0); // it crosses 30 minutes at 10:15
    await runtime.stop();
    runtime = undefined;

    test.clock.set('2026-04-14T10:20:00Z'); // down from 10:05 to 10:20: through its crossing, but through no slot
    const serve = await startServe(test);
    runtime = serve.runtime;
    expect(serve.delivered.map((item) => [item.message.payload.entryId, item.at])).toEqual([[id, '2026-04-14T10:20:00.000Z']]);
    await serve.timers.advanceTo('2026-04-14T11:10:00Z');
    expect(serve.delivered).toHaveLength(1);
    expect(await count(test.workspace, 'job_ledger')).toBe(2); // the rule's firing and its one recipient
    const after = (await runs(test.workspace)).filter((run) => run.started_at >= '2026-04-14T10:20:00.000Z');
    expect(after).toEqual([
      { trigger: 'restart', started_at: '2026-04-14T10:20:00.000Z', matched: 1 },
      { trigger: 'schedule', started_at: '2026-04-14T10:30:00.000Z', matched: 0 },
      { trigger: 'schedule', started_at: '2026-04-14T11:00:00.000Z', matched: 0 },
    ]);
  });

  it('evaluates at start only the pending ticket and those that crossed a threshold while down, each alerting once', async () => {
    // Before the first run: 40 quiet tickets and two P1s that cross 30 minutes at 10:15.
    test.clock.set('2026-04-14T09:50:00Z');
    const quiet = Array.from({ length: 40 }, (_, index) => ({ Title: `Question ${index}`, Priority: 'P3 - Medium', Status: 'Open', 'Opened Date': '2026-04-14T09:00:00Z' }));
    const crossing = await createEntries(
      test.workspace,
      'support_tickets',
      [...quiet, ...['Login loops', 'Invoices blank'].map((Title) => ({ Title, Priority: 'P1 - Critical', Status: 'Open', 'Opened Date': '2026-04-14T09:45:00Z' }))],
      { by: 'chat' },
    );
    test.clock.set('2026-04-14T10:02:00Z');
    await firstServe(); // the first run evaluates every entry, fires nothing, and records that
    // Down from 10:02 to 10:20: the two P1s cross; a webhook's ticket is committed and left pending.
    const workspace = await reopen(test, '2026-04-14T10:20:00Z');
    const [pending] = await workspace.db.transaction(async (sql) => {
      const ids = await createEntries(workspace, 'support_tickets', [{ Title: 'Exports down', Priority: 'P1 - Critical', Status: 'Open', 'Opened Date': '2026-04-14T09:00:00Z' }], { by: 'webhook:zendesk' });
      await queueEvaluations(sql, 'support_tickets', ids, workspace.clock.now());
      return ids;
    });
    const log: string[] = [];
    const serve = await startServe(test, (line) => log.push(line));
    runtime = serve.runtime;
    expect(log).toContain('job support-escalation: restart run evaluates 3 entries (changed 1, related to a change 0, crossed a threshold 2, mute ended 0) and those pending');
    expect(serve.delivered.map((item) => item.message.payload.entryId).sort()).toEqual([pending!, ...crossing.slice(40)].sort());
    await serve.timers.advanceTo('2026-04-14T11:10:00Z');
    expect(serve.delivered).toHaveLength(3);
    expect(await count(workspace, 'pending_evaluations')).toBe(0);
    expect((await runs(workspace)).filter((run) => run.started_at >= '2026-04-14T10:20:00.000Z')[0]).toEqual({ trigger: 'restart', started_at: '2026-04-14T10:20:00.000Z', matched: 3 });
  });

  it("evaluates at start the tickets of a company that changed while down (Globex became Enterprise: its old P2 fires)", async () => {
    const [globex] = await findEntries(test.workspace, 'company', { filter: { field: 'Name', operator: 'is', value: 'Globex Industries' } });
    test.clock.set('2026-04-14T10:01:00Z');
    const [ticket] = await createEntries(
      test.workspace,
      'support_tickets',
      [{ Title: 'Reports slow', Priority: 'P2 - High', Status: 'Open', Customer: 'Globex Industries', 'Opened Date': '2026-04-14T05:00:00Z' }],
      { by: 'chat' },
    );
    test.clock.set('2026-04-14T10:05:00Z');
    await firstServe(); // Mid-Market: the Enterprise P2 rule does not fire
    const workspace = await reopen(test, '2026-04-14T10:20:00Z');
    await updateEntries(workspace, 'company', [{ id: String(globex!.id), values: { 'Account Tier': 'Enterprise' } }], { by: 'chat' });
    const log: string[] = [];
    const serve = await startServe(test, (line) => log.push(line));
    runtime = serve.runtime;
    expect(log).toContain('job support-escalation: restart run evaluates 1 entry (changed 0, related to a change 1, crossed a threshold 0, mute ended 0) and those pending');
    expect(serve.delivered.map((item) => [item.message.payload.entryId, item.message.payload.rule])).toEqual([[ticket, 'p2-enterprise-4h']]);
  });

  it('evaluates every entry at start when the job changed while down', async () => {
    await firstServe();
    const workspace = await reopen(test, '2026-04-14T10:20:00Z');
    await saveJob(workspace, { ...seedEscalationJob(me), description: 'edited while serve was down' });
    const log: string[] = [];
    runtime = (await startServe(test, (line) => log.push(line))).runtime;
    expect(log).toContain('job support-escalation: restart run evaluates every entry — its definition changed since its last full evaluation');
  });

  it('after a kill -9 with nothing left to evaluate, evaluates once at start and fires nothing new', async () => {
    await firstServe();
    await runUntilKilled(test.dir, 'after-run', '2026-04-14T10:05:00Z', urgentTicket, 'EVALUATED');
    const workspace = await reopen(test, '2026-04-14T10:10:00Z');
    const ledger = await workspace.db.query('SELECT job, rule, entry_id, target, run_id FROM job_ledger ORDER BY target');
    expect(ledger).toHaveLength(2); // fired in the child, its alert queued but not delivered

    const serve = await startServe(test);
    runtime = serve.runtime;
    await serve.timers.advanceTo('2026-04-14T11:10:00Z');
    // The alert the child queued goes out once; the restart found nothing to fire.
    expect(serve.delivered).toHaveLength(1);
    expect(serve.delivered[0]!.message.idempotencyKey).toMatch(/^support-escalation\/p1-no-first-response\//);
    expect(await count(workspace, 'outbox')).toBe(1);
    expect(await workspace.db.query('SELECT job, rule, entry_id, target, run_id FROM job_ledger ORDER BY target')).toEqual(ledger);
    expect((await runs(workspace)).filter((run) => run.started_at >= '2026-04-14T10:10:00.000Z')).toEqual([
      { trigger: 'restart', started_at: '2026-04-14T10:10:00.000Z', matched: 0 },
      { trigger: 'schedule', started_at: '2026-04-14T10:30:00.000Z', matched: 0 },
      { trigger: 'schedule', started_at: '2026-04-14T11:00:00.000Z', matched: 0 },
    ]);
    expect(await count(workspace, 'pending_evaluations')).toBe(0);
  });
});

describe('ingestion while jobs fire', () => {
  let test: TestWorkspace;
  let runtime: JobsRuntime | undefined;
  beforeEach(async () => {
    test = await createTestWorkspace({ now: '2026-04-14T10:00:00Z' });
    await addAccounts(test.workspace);
    await saveJob(test.workspace, seedEscalationJob(me));
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await test.cleanup();
  });

  it('answers a webhook once its ticket is committed, and evaluates it after, when ingestion lets the job have the writer', async () => {
    const serve = await startServe(test);
    runtime = serve.runtime;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    runtime.scheduler.deferChangeRuns(() => gate);
    const server = await startTestServer(test.workspace, test.clock);
    try {
      const response = await sendZendesk(server, test.clock, urgentTicket);
      expect(response.status).toBe(201);
      // Answered; the ticket is stored and waits in pending_evaluations, its alert not yet queued.
      expect(await count(test.workspace, 'pending_evaluations')).toBe(1);
      expect(await count(test.workspace, 'outbox')).toBe(0);
      open();
      await serve.timers.advance(0);
      expect(serve.delivered.map((item) => item.message.payload.kind)).toEqual(['alert']);
      expect(await count(test.workspace, 'pending_evaluations')).toBe(0);
    } finally {
      await server.server.close();
    }
  });

  it('evaluates a backlog of committed tickets a hundred per run, each alerting once', async () => {
    const serve = await startServe(test);
    runtime = serve.runtime;
    const records = Array.from({ length: 250 }, (_, index) => ({ Title: `Outage ${index}`, Priority: 'P1 - Critical', Status: 'Open', 'Opened Date': '2026-04-14T09:00:00Z' }));
    // As ingestion writes them: the entries and their pending evaluations in one transaction.
    await test.workspace.db.transaction(async (sql) => {
      const ids = await createEntries(test.workspace, 'support_tickets', records, { by: 'webhook:zendesk' });
      await queueEvaluations(sql, 'support_tickets', ids, test.clock.now());
    });
    await serve.timers.advance(0);
    const changeRuns = runtime.scheduler.history.filter((run) => 'trigger' in run && run.trigger === 'change');
    expect(changeRuns.map((run) => ('matched' in run ? run.matched : run.error))).toEqual([100, 100, 50]);
    // Each ticket fired once (ledger and outbox); the backlog is one burst: 5 alerts and one digest of the rest (issue 10).
    expect((await test.workspace.db.query(`SELECT count(DISTINCT entry_id)::INTEGER AS count FROM job_ledger`))[0]!.count).toBe(250);
    const alerts = (await listOutbox(test.workspace, { limit: 1000 })).filter((row) => row.payload.kind === 'alert');
    expect(new Set(alerts.map((row) => row.payload.entryId)).size).toBe(250);
    expect(serve.delivered.map((item) => item.message.payload.kind)).toEqual([...Array(5).fill('alert'), 'digest']);
    expect(serve.delivered.filter((item) => item.message.payload.kind === 'digest').map((item) => item.message.payload.covered)).toEqual([245]);
    expect(await count(test.workspace, 'pending_evaluations')).toBe(0);
  });
});
