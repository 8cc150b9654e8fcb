// The agent's tools called directly (as either brain calls them): compact results, one-line errors, jobs through the
// jobs API, messages through the outbox.
import { existsSync } from 'node:fs';
import { Toolbox, type ToolOutcome } from '../agent/toolbox';
import { listOutbox } from '../jobs/outbox';
import { seedEscalationJob } from '../jobs/seed-job';
import { readJob, saveJob } from '../jobs/job-files';
import { loadDemo } from '../objects/demo';
import { readDocument } from '../objects/documents';
import { createTools } from '../tools';
import { toolJsonSchema } from '../tools/tool';
import { createTestWorkspace, type TestWorkspace } from './helpers';

let test: TestWorkspace;
let toolbox: Toolbox;
const context = { chat: { channel: 'telegram' as const, id: '4242' }, user: 'Priya' };
beforeAll(async () => {
  test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
  toolbox = new Toolbox(createTools({ workspace: test.workspace }));
  await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 4242 }));
});
afterAll(async () => test.cleanup());

async function call(name: string, input: unknown): Promise<Record<string, unknown>> {
  const outcome: ToolOutcome = await toolbox.call(name, input, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result;
}

describe('tools', () => {
  it('every tool has a described object schema the model can read, and the seventeen of DESIGN.md and mute are there', () => {
    expect(toolbox.definitions.map((tool) => tool.name).sort()).toEqual(
      ['add_fields', 'create_entries', 'create_object', 'create_view', 'delete_job', 'describe_workspace', 'find_entries', 'list_jobs', 'mute', 'query', 'read_document', 'render_chart', 'run_job', 'schedule_job', 'send_message', 'show_job', 'sla_status', 'update_entries', 'update_job', 'write_document'],
    );
    for (const tool of createTools({ workspace: test.workspace })) {
      const schema = toolJsonSchema(tool);
      expect(schema.type).toBe('object');
      expect(tool.description.length).toBeGreaterThan(40);
    }
  });

  it('lists jobs in words with their next run, runs one dry, pauses and resumes it', async () => {
    const listed = (await call('list_jobs', {})) as { jobs: { name: string; next_run: string; rules: { says: string }[] }[] };
    expect(listed.jobs[0]).toMatchObject({ name: 'support-escalation', next_run: '2026-04-14T10:30+00:00' });
    const described = (await call('describe_workspace', {})) as { jobs: { name: string; next_run: string }[] };
    expect(described.jobs[0]).toMatchObject({ name: 'support-escalation', next_run: '2026-04-14T10:30+00:00' });
    expect(listed.jobs[0]!.rules[0]!.says).toMatch(/^Priority is P1 - Critical, no First Response Date, Opened Date more than 30 minutes ago/);
    const dry = (await call('run_job', { name: 'support-escalation' })) as { dry_run: boolean; matched: number; changed: number; rules: { rule: string; entries: number }[] };
    expect(dry).toMatchObject({ dry_run: true, matched: 7, changed: 7 });
    expect((await call('find_entries', { object: 'support_tickets', filter: { field: 'Status', operator: 'is', value: 'Escalated' } })).total).toBe(1);
    expect(await call('update_job', { name: 'support-escalation', enabled: false })).toMatchObject({ saved: false, changes: ['paused'] });
    expect((await readJob(test.workspace, 'support-escalation')).enabled).toBe(true);
    expect(await call('update_job', { name: 'support-escalation', enabled: false, confirm: true })).toMatchObject({ saved: true, job: 'support-escalation', changes: ['paused'] });
    expect((await readJob(test.workspace, 'support-escalation')).enabled).toBe(false);
    expect(await call('update_job', { name: 'support-escalation', enabled: true, confirm: true })).toMatchObject({ saved: true, changes: ['resumed'] });
  });

  it('sends a message to "me", a role and a person through the outbox', async () => {
    const result = (await call('send_message', { to: ['me', 'role:support_lead', 'Sarah Chen'], text: 'Heads up: Acme export issue' })) as { queued: { channel: string; to: string }[] };
    expect(result.queued.map((message) => `${message.channel}:${message.to}`)).toEqual(['telegram:4242', 'terminal:Priya Patel', 'terminal:Sarah Chen']);
    const outbox = await listOutbox(test.workspace);
    expect(outbox.filter((message) => message.text === 'Heads up: Acme export issue')).toHaveLength(3);
    expect((await toolbox.call('send_message', { to: ['role:ceo'], text: 'x' }, context))).toEqual({ ok: false, error: 'role "ceo" is not in workspace.yaml (roles: support_lead, engineering_lead, cs_vp, account_executive)' });
  });

  it('writes documents, answers read-only SQL, refuses writes, and reports SLA state', async () => {
    const written = await call('write_document', { object: 'company', entry: 'Initech', markdown: '## Note\nRenewal at risk.' });
    expect(readDocument(test.workspace, 'company', String(written.entry))).toBe('## Note\nRenewal at risk.\n');
    const rows = (await call('query', { sql: `SELECT "Name", "Health" FROM v_company WHERE "Account Tier" = 'Enterprise' ORDER BY "Name"` })) as { row_count: number; rows: unknown[] };
    expect(rows.row_count).toBe(4);
    expect(await toolbox.call('query', { sql: 'DELETE FROM obj_company' }, context)).toMatchObject({ ok: false, error: expect.stringMatching(/^query refused/) });
    const sla = (await call('sla_status', { show: 'breached' })) as { breached: number; tickets: { state: string }[] };
    expect(sla.tickets.length).toBe(sla.breached);
    expect(sla.tickets.every((ticket) => ticket.state === 'breached')).toBe(true);
  });

  it('deletes a job when asked and confirmed, keeping nothing on disk', async () => {
    await call('schedule_job', { ...seedEscalationJob({ channel: 'telegram', chat: 4242 }, { name: 'to-delete' }), confirm: true });
    expect(existsSync(test.workspace.path('jobs', 'to-delete.job.yaml'))).toBe(true);
    expect(await call('delete_job', { name: 'to-delete' })).toMatchObject({ deleted: false, preview: expect.stringMatching(/^This will delete the job to-delete/) });
    expect(existsSync(test.workspace.path('jobs', 'to-delete.job.yaml'))).toBe(true);
    await call('delete_job', { name: 'to-delete', confirm: true });
    expect(existsSync(test.workspace.path('jobs', 'to-delete.job.yaml'))).toBe(false);
    expect(await toolbox.call('delete_job', { name: 'to-delete' }, context)).toMatchObject({ ok: false, error: expect.stringMatching(/no job named "to-delete"/) });
  });
});
