import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDemo } from '../objects/demo';
import { findEntries } from '../objects/entries';
import { Workspace } from '../objects/workspace';
import { saveJob } from '../jobs/job-files';
import { listOutbox, Outbox } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { seedEscalationJob } from '../jobs/seed-job';
import { createTestWorkspace, testNow, type TestWorkspace } from './helpers';

const root = join(__dirname, '..');

/** Runs the crash child until it prints `signal`, then kills it with SIGKILL. */
function runUntilKilled(dir: string, mode: string, deliveries: string, signal: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', join(root, 'tests/support/register-ts.js'), join(root, 'tests/support/crash-child.ts'), dir, mode, deliveries, testNow], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes(signal)) child.kill('SIGKILL');
    });
    child.on('exit', (code, killedBy) => (killedBy === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

describe('a process killed in the middle of its work', () => {
  let test: TestWorkspace;
  let deliveries: string;
  beforeAll(async () => {
    test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));
    deliveries = join(test.dir, '..', 'deliveries.jsonl');
  });
  afterAll(async () => test.cleanup());

  async function reopen(): Promise<Workspace> {
    await test.workspace.close();
    test.workspace = await Workspace.open(test.dir, { clock: test.clock });
    return test.workspace;
  }

  it('leaves none of a run that was killed before it committed', async () => {
    const before = await findEntries(test.workspace, 'support_tickets');
    await test.workspace.close();
    await runUntilKilled(test.dir, 'mid-run', deliveries, 'MID-RUN');
    const workspace = await reopen();
    expect(await findEntries(workspace, 'support_tickets')).toEqual(before);
    for (const table of ['job_runs', 'job_ledger', 'outbox', 'job_state']) {
      expect(await workspace.db.query(`SELECT count(*) AS count FROM ${table}`)).toEqual([{ count: 0 }]);
    }
    expect(await workspace.db.query(`SELECT count(*) AS count FROM field_changes WHERE changed_by LIKE 'job:%'`)).toEqual([{ count: 0 }]);
  });

  it('after a kill during delivery and a restart, sends every alert and none twice', async () => {
    await test.workspace.close();
    // The restart after the first kill: the job runs (its first run) and delivery begins; killed on the second alert.
    await runUntilKilled(test.dir, 'mid-delivery', deliveries, 'MID-DELIVERY');
    const workspace = await reopen();
    const all = await listOutbox(workspace);
    const alerts = all.filter((message) => message.payload.kind === 'alert');
    // What goes out: 5 alerts on their own and a digest covering the rest of the run's alerts to this chat.
    const queued = all.filter((message) => message.state !== 'covered');
    expect(alerts.length).toBeGreaterThanOrEqual(5);
    expect(queued.filter((message) => message.state === 'sent')).toHaveLength(1);
    // The one cut off mid-send is left marked "sending" (its attempt recorded), not "pending".
    expect(queued.filter((message) => message.state === 'sending')).toHaveLength(1);
    const escalated = await findEntries(workspace, 'support_tickets', { filter: { field: 'Escalated', operator: 'is_true' } });
    expect((await workspace.db.query(`SELECT count(DISTINCT entry_id) AS count FROM job_ledger`))[0]!.count).toBe(alerts.length);
    expect(escalated.length).toBeGreaterThanOrEqual(alerts.length);

    // Restart once more: the outbox delivers what is left.
    const parent: string[] = [];
    const marked: string[] = [];
    const outbox = new Outbox({
      workspace,
      deliverers: [
        {
          channel: 'telegram',
          deliver: async (message) => {
            parent.push(message.idempotencyKey);
            if (message.resentAfterRestart) marked.push(message.idempotencyKey);
            return { remoteId: `p-${parent.length}` };
          },
        },
      ],
    });
    await outbox.drain();
    const child = readFileSync(deliveries, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { key: string; acknowledged: boolean });
    const acknowledged = child.filter((delivery) => delivery.acknowledged).map((delivery) => delivery.key);
    const interrupted = child.filter((delivery) => !delivery.acknowledged).map((delivery) => delivery.key);
    expect(acknowledged).toHaveLength(1);
    expect(interrupted).toHaveLength(1);
    // Nothing acknowledged is sent again; the one cut off mid-send goes again under the same idempotency key.
    expect(parent).not.toContain(acknowledged[0]);
    expect(parent).toContain(interrupted[0]);
    // … marked as sent again after a restart, and counted.
    expect(marked).toEqual(interrupted);
    expect((await listOutbox(workspace)).find((message) => message.idempotencyKey === interrupted[0])).toMatchObject({ state: 'sent', restartResends: 1 });
    const remote = new Set([...acknowledged, ...parent]);
    expect(remote.size).toBe(acknowledged.length + parent.length);
    expect([...remote].sort()).toEqual(queued.map((message) => message.idempotencyKey).sort());
    expect((await listOutbox(workspace)).every((message) => message.state === 'sent' || message.state === 'covered')).toBe(true);
    // And the job, run again, has nothing left to do.
    expect(await runJob(workspace, 'support-escalation')).toMatchObject({ matched: 0, changed: 0, notified: 0 });
  });
});
