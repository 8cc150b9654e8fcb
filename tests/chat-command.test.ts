// `escalator chat`: piped messages separated by blank lines, the scheduler running in-process with alerts printed in
// the chat, Claude when ANTHROPIC_API_KEY is set (against the local fake Messages API), offline otherwise.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadDemo } from '../objects/demo';
import { Workspace } from '../objects/workspace';
import { FixedClock } from '../objects/clock';
import { FakeMessagesApi, says } from './fakes/fake-messages-api';
import { runEscalator, temporaryDir, testNow } from './helpers';
import { seedStep4 } from './fixtures/seed-instructions';

let folder: { dir: string; remove: () => void };
let workspaceDir: string;
beforeEach(async () => {
  folder = temporaryDir();
  workspaceDir = join(folder.dir, 'workspace');
  const workspace = await Workspace.init(workspaceDir, { clock: new FixedClock(testNow), timezone: 'UTC', populate: async (staged) => void (await loadDemo(staged)) });
  await workspace.close();
});
afterEach(() => folder.remove());

describe('escalator chat', () => {
  it('reads piped messages separated by blank lines, saves the seed job on yes, and prints its alerts in the chat', async () => {
    // Every write is said back and waits for a yes: the job, then the new ticket.
    const script = [seedStep4, 'yes', 'new P1 ticket from Initech: Payments failing', 'yes', 'how many open P1 tickets'].join('\n\n');
    const result = await runEscalator(['chat', '--offline', '--workspace', workspaceDir], { stdin: script });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/brain: offline/);
    expect(result.stdout).toContain('> - P2 tickets from Enterprise accounts open more than 4 hours: escalate to Tier 1');
    expect(result.stdout).toContain('Next runs: 2026-04-14 10:30, 2026-04-14 11:00, 2026-04-14 11:30.');
    expect(result.stdout).toMatch(/Saved\. The job "support-escalation"/);
    const saved = result.stdout.indexOf('Saved. The job');
    const alert = result.stdout.indexOf("🚨 ESCALATION: Acme Corp — 'Unable to export data' (P1)");
    const nextMessage = result.stdout.indexOf('> new P1 ticket from Initech');
    expect(alert).toBeGreaterThan(saved);
    expect(alert).toBeLessThan(nextMessage);
    expect(result.stdout).toMatch(/Logged P1 ticket "Payments failing" for Initech/);
    expect(existsSync(join(workspaceDir, 'jobs', 'support-escalation.job.yaml'))).toBe(true);
  });

  it('records the person --as names as the author of the chat\'s changes, and refuses a name the workspace does not know', async () => {
    const result = await runEscalator(['chat', '--offline', '--as', 'priya', '--workspace', workspaceDir], { stdin: ['escalate the Globex SSO ticket to tier 1', 'yes'].join('\n\n') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('you are Priya Patel');
    const workspace = await Workspace.open(workspaceDir, { clock: new FixedClock(testNow) });
    try {
      const rows = await workspace.db.query<{ person: string; by_kind: string; changed_by: string }>(
        `SELECT person, by_kind, changed_by FROM v_escalations WHERE customer = 'Globex Industries' AND escalated_at = $1::TIMESTAMPTZ`,
        [new Date(testNow)],
      );
      expect(rows).toEqual([{ person: 'Priya Patel', by_kind: 'person', changed_by: 'chat:terminal:local:Priya Patel' }]);
    } finally {
      await workspace.close();
    }
    const unknown = await runEscalator(['chat', '--offline', '--as', 'Nobody Here', '--workspace', workspaceDir], { stdin: 'show the board' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/--as: no person named "Nobody Here"/);
  });

  it('talks to Claude when ANTHROPIC_API_KEY is set, at ANTHROPIC_BASE_URL with ESCALATOR_MODEL', async () => {
    const api = new FakeMessagesApi();
    const baseUrl = await api.start();
    try {
      api.queue(says('Hello from Claude.'));
      const result = await runEscalator(['chat', '--workspace', workspaceDir], {
        stdin: 'hi there',
        env: { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: baseUrl, ESCALATOR_MODEL: 'claude-test-model' },
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/brain: Claude \(claude-test-model\)/);
      expect(result.stdout).toContain('Hello from Claude.');
      expect(api.requests[0]!.body.model).toBe('claude-test-model');
    } finally {
      await api.stop();
    }
  });

  it('says the brain is offline when there is no API key, and --offline wins over a key', async () => {
    const noKey = await runEscalator(['chat', '--workspace', workspaceDir], { stdin: 'show the board' });
    expect(noKey.stdout).toMatch(/brain: offline \(no ANTHROPIC_API_KEY\)/);
    expect(noKey.stdout).toMatch(/support_tickets by Status: Open/);
    const forced = await runEscalator(['chat', '--offline', '--workspace', workspaceDir], { stdin: 'help', env: { ANTHROPIC_API_KEY: 'sk-unused', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } });
    expect(forced.stdout).toMatch(/brain: offline\./);
    expect(forced.stdout).toMatch(/Offline I understand the escalation language/);
  });

  it('escalator start creates the demo workspace on first use and opens the chat', async () => {
    const fresh = join(folder.dir, 'fresh');
    const result = await runEscalator(['start', '--offline', '--workspace', fresh], { stdin: 'how many open P1 tickets' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/creating a demo workspace/);
    expect(result.stdout).toMatch(/\d+ open P1 tickets\./);
  });
});
