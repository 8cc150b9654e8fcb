// The command line beside the tools: SLA clocks breaching within a horizon, the escalation history as SQL, and
// workspace documents.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { seedEscalationJob } from '../jobs/seed-job';
import { runEscalator, temporaryDir } from './helpers';

describe('escalator sla --within, v_escalations and docs on the command line', () => {
  const { dir, remove } = temporaryDir();
  const workspace = join(dir, 'workspace');
  const inWorkspace = (argv: string[], stdin?: string) => runEscalator([...argv, '--workspace', workspace], stdin === undefined ? {} : { stdin });
  beforeAll(async () => {
    expect((await inWorkspace(['init', '--demo', '--timezone', 'UTC'])).code).toBe(0);
    writeFileSync(join(workspace, 'jobs', 'support-escalation.job.yaml'), dump(seedEscalationJob({ channel: 'telegram', chat: 42 })));
  });
  afterAll(remove);

  it('lists only the clocks that breach within 2h, with minutes used and left as numbers', async () => {
    const { code, stdout } = await inWorkspace(['sla', '--within', '2h', '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { title: string; first_response: { state: string; used_minutes: number; left_minutes: number; target_minutes: number; breaches_within: boolean } | null; resolution: { left_minutes: number; breaches_within: boolean } | null }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const soon = [row.first_response, row.resolution].filter((clock) => clock?.breaches_within);
      expect(soon.length).toBeGreaterThan(0);
      for (const clock of soon) expect(clock!.left_minutes).toBeGreaterThanOrEqual(0);
      for (const clock of soon) expect(clock!.left_minutes).toBeLessThanOrEqual(120);
    }
    const all = JSON.parse((await inWorkspace(['sla', '--json'])).stdout) as unknown[];
    expect(rows.length).toBeLessThan(all.length);
    const text = await inWorkspace(['sla', '--within', '2h']);
    expect(text.stdout).toMatch(new RegExp(`\\(${rows.length} of ${all.length} open breach within 2 h; calendar hours\\)`));
  });

  it('refuses a horizon that is not a duration, with usage', async () => {
    const { code, stderr } = await inWorkspace(['sla', '--within', 'soon']);
    expect(code).toBe(2);
    expect(stderr).toContain('--within: "soon" is not a duration');
  });

  it('answers escalation trends from v_escalations, the job and rule of each escalation included', async () => {
    expect((await inWorkspace(['jobs', 'run', 'support-escalation'])).code).toBe(0);
    const byRule = await inWorkspace(['query', `SELECT rule, count(*)::INTEGER AS n FROM v_escalations WHERE job = 'support-escalation' GROUP BY rule ORDER BY rule`, '--json']);
    expect(byRule.code).toBe(0);
    expect(JSON.parse(byRule.stdout)).toEqual([
      { rule: 'p1-no-first-response', n: expect.any(Number) },
      { rule: 'p2-enterprise-4h', n: expect.any(Number) },
      { rule: 'unresolved-48h', n: expect.any(Number) },
    ]);
    const perMonth = await inWorkspace(['query', `SELECT strftime(escalated_at, '%Y-%m') AS month, count(*)::INTEGER AS n FROM v_escalations GROUP BY 1 ORDER BY 1`, '--json']);
    const months = JSON.parse(perMonth.stdout) as { month: string; n: number }[];
    expect(months.length).toBeGreaterThan(3);
    expect(months[months.length - 1]).toMatchObject({ month: '2026-04' });
    const columns = await inWorkspace(['query', 'SELECT * FROM v_escalations LIMIT 1', '--json']);
    expect(Object.keys((JSON.parse(columns.stdout) as Record<string, unknown>[])[0]!)).toEqual([
      'entry_id', 'object', 'customer', 'tier_field', 'from_tier', 'to_tier', 'escalated_at', 'by_kind', 'job', 'rule', 'person', 'channel', 'changed_by',
    ]);
  });

  it('writes and shows the escalation policy as a workspace document', async () => {
    const written = await inWorkspace(['docs', 'write', 'escalation-policy'], '## Tiers\nTier 3: Enterprise P1, immediate.\n');
    expect(written).toMatchObject({ code: 0, stdout: 'wrote docs/escalation-policy.md' });
    expect((await inWorkspace(['docs', 'list'])).stdout).toBe('escalation-policy');
    expect((await inWorkspace(['docs', 'show', 'Escalation Policy'])).stdout).toBe('## Tiers\nTier 3: Enterprise P1, immediate.');
    const missing = await inWorkspace(['docs', 'show', 'runbook']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no workspace document "runbook" (documents: escalation-policy)');
  });
});
