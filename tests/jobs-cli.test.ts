import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { seedEscalationJob } from '../jobs/seed-job';
import { runEscalator, temporaryDir, testNow } from './helpers';

const root = join(__dirname, '..');

describe('escalator jobs, sla, outbox and action on the command line', () => {
  const { dir, remove } = temporaryDir();
  const workspace = join(dir, 'workspace');
  const inWorkspace = (...argv: string[]) => runEscalator([...argv, '--workspace', workspace]);
  beforeAll(async () => {
    expect((await inWorkspace('init', '--demo', '--timezone', 'UTC')).code).toBe(0);
    writeFileSync(join(workspace, 'jobs', 'support-escalation.job.yaml'), dump(seedEscalationJob({ channel: 'telegram', chat: 42 })));
  });
  afterAll(remove);

  it('lists jobs as JSON with the keys of their file, the next three runs and their state', async () => {
    const { code, stdout } = await inWorkspace('jobs', 'list', '--json');
    expect(code).toBe(0);
    const [job] = JSON.parse(stdout) as Record<string, unknown>[];
    expect(job).toMatchObject({
      name: 'support-escalation',
      schedule: '*/30 * * * *',
      timezone: 'UTC',
      object: 'support_tickets',
      created_by: { channel: 'telegram', chat: 42 },
      enabled: true,
      next_runs: ['2026-04-14T10:30:00.000Z', '2026-04-14T11:00:00.000Z', '2026-04-14T11:30:00.000Z'],
      state: { last_run_at: null, failing: false, runs: 0, fired: 0 },
    });
    expect((job!.rules as unknown[]).length).toBe(3);
  });

  it('dry-runs a job as {job, at, rules: [{rule, entries}]} and changes nothing', async () => {
    const first = await inWorkspace('jobs', 'run', 'support-escalation', '--dry-run', '--json');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as { job: string; at: string; rules: { rule: string; entries: string[] }[] };
    expect(Object.keys(result)).toEqual(['job', 'at', 'rules']);
    expect(result).toMatchObject({ job: 'support-escalation', at: testNow });
    expect(result.rules.map((rule) => rule.rule)).toEqual(['p1-no-first-response', 'p2-enterprise-4h', 'unresolved-48h']);
    expect(result.rules[0]!.entries).toHaveLength(2);
    const again = JSON.parse((await inWorkspace('jobs', 'run', 'support-escalation', '--dry-run', '--json')).stdout) as typeof result;
    expect(again.rules).toEqual(result.rules);
  });

  it('runs a job, queues its alerts in the outbox, and a second run does nothing', async () => {
    const run = await inWorkspace('jobs', 'run', 'support-escalation');
    expect(run.stdout).toContain('Unable to export data');
    expect(run.stdout).toMatch(/matched 7, changed 7, queued 7 messages/);
    const again = JSON.parse((await inWorkspace('jobs', 'run', 'support-escalation', '--json')).stdout) as Record<string, unknown>;
    expect(again).toMatchObject({ matched: 0, changed: 0, notified: 0 });
    const outbox = JSON.parse((await inWorkspace('outbox', '--json')).stdout) as { state: string; payload: { kind: string } }[];
    // 7 alerts in one run to one chat: 5 go on their own, 2 are covered by one digest message.
    expect(outbox).toHaveLength(8);
    expect(outbox.filter((row) => row.state === 'covered')).toHaveLength(2);
    expect(outbox[0]).toMatchObject({ state: 'pending', payload: { kind: 'digest', job: 'support-escalation', covered: 2 } });
    expect(outbox.find((row) => row.payload.kind === 'alert' && row.state === 'pending')).toMatchObject({ channel: 'telegram', recipient: '42', state: 'pending', attempts: 0, payload: { kind: 'alert', job: 'support-escalation' } });
    const text = (await inWorkspace('outbox')).stdout;
    expect(text).toContain("pending  telegram:42  2026-04-14 10:00");
    expect(text).toContain('6 pending, 2 covered');
    const shown = JSON.parse((await inWorkspace('jobs', 'show', 'support-escalation', '--json')).stdout) as { state: { fired: number; runs: number }; recent_runs: unknown[] };
    expect(shown.state).toMatchObject({ fired: 7, runs: 2 });
    expect(shown.recent_runs).toHaveLength(2);
  });

  it('disables and enables a job', async () => {
    expect((await inWorkspace('jobs', 'disable', 'support-escalation')).stdout).toBe('support-escalation disabled');
    const listed = JSON.parse((await inWorkspace('jobs', 'list', '--json')).stdout) as { enabled: boolean; next_runs: string[] }[];
    expect(listed[0]).toMatchObject({ enabled: false, next_runs: [] });
    expect((await inWorkspace('jobs', 'enable', 'support-escalation')).stdout).toBe('support-escalation enabled');
  });

  it('shows SLA state per open ticket, most urgent first', async () => {
    const rows = JSON.parse((await inWorkspace('sla', '--json')).stdout) as { title: string; state: string; firstResponse: { state: string } }[];
    expect(rows.length).toBeGreaterThan(10);
    expect(rows[0]!.state).toBe('breached');
    expect(rows.find((row) => row.title === 'API rate limits hit after upgrade')).toMatchObject({ state: 'at_risk', firstResponse: { state: 'at_risk' } });
    expect((await inWorkspace('sla')).stdout).toMatch(/\(\d+ open; \d+ breached, \d+ at risk; calendar hours\)/);
  });

  it("runs an action field and prints the script's status message", async () => {
    copyFileSync(join(__dirname, 'fixtures', 'seed-step6-sla.py'), join(workspace, 'actions', 'sla_status.py'));
    const objectFile = join(workspace, 'objects', 'support_tickets', '.object.yaml');
    const definition = load(readFileSync(objectFile, 'utf8')) as { fields: unknown[] };
    definition.fields.push({ name: 'SLA Status', type: 'action', script: 'sla_status.py' });
    writeFileSync(objectFile, dump(definition));
    const { code, stdout, stderr } = await inWorkspace('action', 'support_tickets', 'Checkout page returns 500', 'SLA Status');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^SLA Status: (Within SLA|BREACHED) \| Hours open: -?\d+\.\d \| Target: [\d.]+h$/);
  });

  it('says what is wrong in one line: an unknown job (exit 1), a missing name (exit 2)', async () => {
    expect(await inWorkspace('jobs', 'run', 'nope')).toMatchObject({ code: 1, stderr: 'escalator: no job named "nope" (jobs: support-escalation)' });
    expect((await inWorkspace('jobs', 'show')).code).toBe(2);
    expect((await inWorkspace('outbox', '--state', 'lost')).code).toBe(2);
  });

  it('serves: runs the jobs, prints alerts in the terminal, and stops cleanly on SIGTERM', async () => {
    const { dir: serveDir, remove: removeServe } = temporaryDir();
    try {
      const target = join(serveDir, 'workspace');
      expect((await runEscalator(['init', '--demo', '--workspace', target])).code).toBe(0);
      const job = seedEscalationJob({ channel: 'terminal', chat: 'me' });
      writeFileSync(join(target, 'jobs', 'support-escalation.job.yaml'), dump(job));
      const child = spawn(process.execPath, ['-r', join(root, 'tests/support/register-ts.js'), join(root, 'bin/escalator.ts'), 'serve', '--workspace', target], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', ESCALATOR_NOW: testNow },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          // The first run's 7 alerts: 5 on their own, then one digest of the other 2.
          if ((stdout.match(/ESCALATION/g) ?? []).length >= 5 && stdout.includes('more tickets were escalated')) resolve();
        });
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain("🚨 ESCALATION: Acme Corp — 'Unable to export data' (P1)");
      expect(stdout).toMatch(/🚨 2 more tickets were escalated \(support-escalation\): .+ — escalator board/);
      expect(stderr).toMatch(/serving .*: 1 job \(support-escalation\); alerts to the terminal/);
      expect(stderr).toMatch(/job support-escalation: first run for 2026-04-14 10:00 — matched 7, changed 7, notified 7/);
      expect(stderr).toContain('SIGTERM: stopping');
    } finally {
      removeServe();
    }
  });
});
