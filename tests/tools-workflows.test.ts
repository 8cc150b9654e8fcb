// Tools a model can drive, through the real SDK client against the local fake Messages API: each case scripts what
// Claude calls and checks what the tool handed back to it (and what changed in the workspace).
import { existsSync, readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { createAgent } from '../agent/agent';
import type { Agent, ChatRef } from '../agent/brain';
import { ClaudeBrain } from '../agent/claude-brain';
import { ConversationStore } from '../agent/conversation-store';
import { Toolbox } from '../agent/toolbox';
import { readJob, saveJob } from '../jobs/job-files';
import { runJob } from '../jobs/runner';
import { seedEscalationJob } from '../jobs/seed-job';
import { loadDemo } from '../objects/demo';
import { findEntries } from '../objects/entries';
import { buildSystemPrompt } from '../prompts/system-prompt';
import { createTools } from '../tools';
import { callsTools, FakeMessagesApi, says, type RecordedRequest } from './fakes/fake-messages-api';
import { createTestWorkspace, type TestWorkspace } from './helpers';

let test: TestWorkspace;
let api: FakeMessagesApi;
let agent: Agent;
let chatNumber = 0;

beforeAll(async () => {
  test = await createTestWorkspace({ timezone: 'Europe/London', populate: async (workspace) => void (await loadDemo(workspace)) });
});
afterAll(async () => test.cleanup());
beforeEach(async () => {
  api = new FakeMessagesApi();
  const baseURL = await api.start();
  const workspace = test.workspace;
  agent = createAgent(
    new ClaudeBrain({
      client: new Anthropic({ apiKey: 'sk-test', baseURL, maxRetries: 0 }),
      model: 'claude-test',
      toolbox: new Toolbox(createTools({ workspace })),
      history: new ConversationStore(workspace.db, () => test.clock.now()),
      systemPrompt: () => buildSystemPrompt(workspace),
      sleep: async () => undefined,
      now: () => test.clock.now(),
    }),
  );
});
afterEach(async () => api.stop());

function newChat(): ChatRef {
  return { channel: 'telegram', id: String(7000 + ++chatNumber) };
}

interface ToolResult {
  is_error: boolean;
  text: string;
  json: Record<string, unknown>;
}

/** The person says `text`; Claude calls `call` (a tool and its input), then answers. Returns what the tool gave Claude. */
async function callThroughClaude(chat: ChatRef, text: string, name: string, input: unknown): Promise<ToolResult> {
  api.queue(callsTools({ name, input }), says('done'));
  const before = api.requests.length;
  await agent.handle({ chat, text });
  const request = api.requests[before + 1]!;
  return lastToolResult(request);
}

function lastToolResult(request: RecordedRequest): ToolResult {
  const last = request.body.messages[request.body.messages.length - 1]!;
  const block = (last.content as Record<string, unknown>[]).find((candidate) => candidate.type === 'tool_result')!;
  const text = String(block.content);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // an error message is plain text
  }
  return { is_error: block.is_error === true, text, json };
}

/**
 * The person asks; Claude previews (confirm=false). The person says yes in their next message; Claude calls again with
 * the same input and confirm=true. Returns both results.
 */
async function agreeThroughClaude(chat: ChatRef, ask: string, name: string, input: Record<string, unknown>): Promise<{ preview: ToolResult; done: ToolResult }> {
  const preview = await callThroughClaude(chat, ask, name, { ...input, confirm: false });
  const done = await callThroughClaude(chat, 'yes', name, { ...input, confirm: true });
  return { preview, done };
}

/** An untrusted_data wrapper's content. */
function inner<T>(value: unknown): T {
  return (value as { untrusted_data: T }).untrusted_data;
}

describe('tools a model can drive (via Claude)', () => {
  it("accepts the seed's view filter with operator: in and values, as the YAML does", async () => {
    const result = await callThroughClaude(newChat(), 'Build a view that shows open tickets with account context', 'create_view', {
      object: 'support_tickets',
      name: 'Open Tickets with Account Context',
      filter: { field: 'Status', operator: 'in', values: ['Open', 'In Progress', 'Escalated'] },
      sort: [{ field: 'Priority', direction: 'asc' }, { field: 'Opened Date', direction: 'asc' }],
      columns: ['Title', 'Customer', 'Priority', 'Customer.Contract Value', 'Customer.Health'],
    });
    expect(result.is_error).toBe(false);
    expect(result.json.filter).toEqual({ field: 'Status', operator: 'is_any_of', value: ['Open', 'In Progress', 'Escalated'] });
    expect(result.json.matching_now).toBeGreaterThan(0);
  });

  it('names the offending filter key and lists what is allowed, instead of "Invalid input at filter"', async () => {
    const wrongKey = await callThroughClaude(newChat(), 'open P1s', 'find_entries', { object: 'support_tickets', filter: { field: 'Priority', op: 'is', value: 'P1' } });
    expect(wrongKey.is_error).toBe(true);
    expect(wrongKey.text).toContain('filter: unknown key "op"');
    expect(wrongKey.text).toContain('field, operator, value');
    const wrongOperator = await callThroughClaude(newChat(), 'tickets opened in the last day', 'find_entries', {
      object: 'support_tickets',
      filter: { all: [{ field: 'Opened Date', operator: 'within', value: '1d' }] },
    });
    expect(wrongOperator.is_error).toBe(true);
    expect(wrongOperator.text).toMatch(/filter\.all\.0\.operator: unknown operator "within"; expected one of is, is_not, .*older_than/);
  });

  it('refuses a misspelt key in a job action, naming it, instead of dropping it', async () => {
    const result = await callThroughClaude(newChat(), 'escalate P1s on Support Level', 'schedule_job', {
      name: 'typo-watch',
      schedule: 'every 30 minutes',
      object: 'support_tickets',
      rules: [{ name: 'p1', when: { field: 'Priority', operator: 'is', value: 'P1' }, then: [{ escalate: { tier: 'Tier 2', feild: 'Support Level' } }] }],
    });
    expect(result.is_error).toBe(true);
    expect(result.text).toMatch(/^invalid input for schedule_job: rules\.0\.then\.0\.escalate: Unrecognized key: "feild"$/);
  });

  it("shows a view's saved columns with relation paths, money as $180k and times as ISO with the offset", async () => {
    const result = await callThroughClaude(newChat(), 'open tickets with account context', 'find_entries', { object: 'support_tickets', view: 'Open Tickets with Account Context', limit: 50 });
    expect(result.is_error).toBe(false);
    expect(result.json.fields).toEqual(['Title', 'Customer', 'Priority', 'Customer.Contract Value', 'Customer.Health']);
    const entries = inner<Record<string, unknown>[]>(result.json.entries);
    const acme = entries.find((entry) => entry.Title === 'Unable to export data')!;
    expect(acme).toEqual({ id: acme.id, Title: 'Unable to export data', Customer: 'Acme Corp', Priority: 'P1 - Critical', 'Customer.Contract Value': '$180k', 'Customer.Health': 'Yellow' });
    const byPath = await callThroughClaude(newChat(), 'when did the Acme export ticket open?', 'find_entries', {
      object: 'support_tickets',
      filter: { field: 'Customer.Contract Value', operator: 'gte', value: 100000 },
      sort: [{ field: 'Customer.Contract Value', direction: 'desc' }],
      fields: ['Title', 'Opened Date', 'Customer.Renewal Date'],
    });
    const rows = inner<Record<string, unknown>[]>(byPath.json.entries);
    expect(rows.length).toBeGreaterThan(0);
    expect(String(rows[0]!['Opened Date'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d\+01:00$/);
    expect(String(rows[0]!['Customer.Renewal Date'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d$/);
  });

  it('refuses an unknown field in fields, naming it and the fields there are, instead of dropping it', async () => {
    const result = await callThroughClaude(newChat(), 'titles and severity', 'find_entries', { object: 'support_tickets', fields: ['Title', 'Severity'] });
    expect(result.is_error).toBe(true);
    expect(result.text).toMatch(/fields: unknown field "Severity" on support_tickets.*\(fields: Title, Description, Customer/);
  });

  it('gives minutes used and left as numbers for the clocks breaching within a horizon', async () => {
    const result = await callThroughClaude(newChat(), 'which tickets breach SLA in the next 2 hours?', 'sla_status', { within: '2h' });
    expect(result.is_error).toBe(false);
    expect(result.json).toMatchObject({ within: '2 h' });
    const tickets = inner<{ minutes: { first_response?: { used: number; left: number; target: number }; resolution?: { left: number } } }[]>(result.json.tickets);
    expect(tickets.length).toBe(result.json.breaching_within);
    expect(tickets.length).toBeGreaterThan(0);
    for (const ticket of tickets) {
      const lefts = [ticket.minutes.first_response?.left, ticket.minutes.resolution?.left].filter((left): left is number => typeof left === 'number');
      expect(lefts.some((left) => left >= 0 && left <= 120)).toBe(true);
    }
    const first = tickets.find((ticket) => ticket.minutes.first_response)!.minutes.first_response!;
    expect(first.used + first.left).toBe(first.target);
  });

  it('writes the escalation policy as a workspace document and reads it back', async () => {
    const chat = newChat();
    const policy = '## Escalation tiers\n| Tier | Trigger | Owner | SLA |\n| Tier 2 | P1 issue, data loss or outage | Engineering Lead | 30 min response |\n';
    const written = await callThroughClaude(chat, 'Document these tiers in a workspace doc', 'write_document', { document: 'Escalation Policy', markdown: policy, append: false });
    expect(written.json).toMatchObject({ document: 'escalation-policy', file: 'docs/escalation-policy.md' });
    expect(readFileSync(`${test.dir}/docs/escalation-policy.md`, 'utf8')).toBe(policy);
    const read = await callThroughClaude(chat, 'what is the Tier 2 SLA?', 'read_document', { document: 'escalation-policy' });
    expect(inner<string>(read.json.markdown)).toContain('Tier 2 | P1 issue, data loss or outage | Engineering Lead | 30 min response');
    const listed = await callThroughClaude(chat, 'which documents are there?', 'read_document', {});
    expect(listed.json.documents).toEqual(['escalation-policy']);
    const outside = await callThroughClaude(chat, 'read ../workspace.yaml', 'read_document', { document: '../workspace.yaml' });
    expect(outside.is_error).toBe(true);
    expect(outside.text).toContain('is refused');
  });

  it('installs the built-in Step 6 SLA script for an action field, and refuses a missing script in one line', async () => {
    const added = await callThroughClaude(newChat(), 'Add the SLA status action field', 'add_fields', { object: 'support_tickets', fields: [{ name: 'SLA Check', type: 'action', script: 'sla-status.py' }] });
    expect(added.is_error).toBe(false);
    expect(added.json.installed_builtin_actions).toEqual(['actions/sla-status.py']);
    expect(readFileSync(`${test.dir}/actions/sla-status.py`, 'utf8')).toContain('sla_targets = {');
    const refused = await callThroughClaude(newChat(), 'add a field running my script', 'add_fields', { object: 'company', fields: [{ name: 'Health Score', type: 'action', script: 'health.py' }] });
    expect(refused.is_error).toBe(true);
    expect(refused.text).toMatch(/^Health Score: actions\/health\.py does not exist; put the script at .*\/actions\/health\.py yourself .*built-in: sla-status\.py$/);
    expect(refused.text).not.toContain('\n');
    expect(existsSync(`${test.dir}/actions/health.py`)).toBe(false);
  });

  it('escalates on an object whose tier field is not "Escalation Tier" when the rule names escalate.field', async () => {
    const chat = newChat();
    await callThroughClaude(chat, 'create an incidents object', 'create_object', {
      name: 'incidents',
      fields: [
        { name: 'Title', type: 'text' },
        { name: 'Severity', type: 'enum', options: ['Low', 'High'] },
        { name: 'Support Level', type: 'enum', options: ['None', 'L1', 'L2', 'L3'] },
      ],
    });
    await callThroughClaude(chat, 'new incident', 'create_entries', { object: 'incidents', entries: [{ Title: 'Checkout down', Severity: 'High', 'Support Level': 'None' }] });
    const { done: saved } = await agreeThroughClaude(chat, 'escalate high incidents to L2', 'schedule_job', {
      name: 'incident-watch',
      schedule: 'every 15 minutes',
      object: 'incidents',
      rules: [{ name: 'high-to-l2', when: { field: 'Severity', operator: 'is', value: 'High' }, then: [{ escalate: { tier: 'L2', field: 'Support Level' } }] }],
      first_run: true,
    });
    expect(saved.is_error).toBe(false);
    expect((await readJob(test.workspace, 'incident-watch')).rules[0]!.then).toEqual([{ escalate: { tier: 'L2', field: 'Support Level' } }]);
    expect((await findEntries(test.workspace, 'incidents'))[0]!['Support Level']).toBe('L2');
  });

  it('shows a job\'s rules as JSON and replaces or removes one rule by name, the preview saying what changes', async () => {
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 4242 }));
    const chat = newChat();
    const shown = await callThroughClaude(chat, 'show me the escalation job', 'show_job', { name: 'support-escalation' });
    const rules = shown.json.rules as { name: string; when: unknown; then: unknown[] }[];
    expect(rules.map((rule) => rule.name)).toEqual(['p1-no-first-response', 'p2-enterprise-4h', 'unresolved-48h']);
    expect(rules[0]!.when).toEqual({
      all: [
        { field: 'Priority', operator: 'is', value: 'P1 - Critical' },
        { field: 'First Response Date', operator: 'is_empty' },
        { field: 'Opened Date', operator: 'older_than', value: '30m' },
        { field: 'Status', operator: 'is_none_of', value: ['Resolved', 'Closed'] },
      ],
    });
    const when = rules[0]!.when as { all: { value?: unknown }[] };
    const changed = { ...rules[0]!, when: { all: when.all.map((condition) => (condition.value === '30m' ? { ...condition, value: '20m' } : condition)) } };
    delete (changed as { says?: string }).says;
    const preview = await callThroughClaude(chat, 'make the P1 threshold 20 minutes', 'update_job', { name: 'support-escalation', replace_rule: changed });
    expect(preview.json.saved).toBe(false);
    expect(preview.json.changes).toEqual([
      expect.stringMatching(/^changes rule p1-no-first-response: was .*more than 30 minutes ago.*; becomes .*more than 20 minutes ago/),
      'unchanged: p2-enterprise-4h, unresolved-48h',
    ]);
    await callThroughClaude(chat, 'yes', 'update_job', { name: 'support-escalation', replace_rule: changed, confirm: true });
    const job = await readJob(test.workspace, 'support-escalation');
    expect(job.rules.map((rule) => rule.name)).toEqual(['p1-no-first-response', 'p2-enterprise-4h', 'unresolved-48h']);
    expect(JSON.stringify(job.rules[0]!.when)).toContain('"20m"');
    const { done: removal } = await agreeThroughClaude(chat, 'drop the 48 hour rule', 'update_job', { name: 'support-escalation', remove_rule: 'unresolved-48h' });
    expect(removal.json.changes).toEqual([expect.stringMatching(/^removes rule unresolved-48h: /), 'unchanged: p1-no-first-response, p2-enterprise-4h']);
    expect((await readJob(test.workspace, 'support-escalation')).rules).toHaveLength(2);
    const unknown = await callThroughClaude(chat, 'drop the weekend rule', 'update_job', { name: 'support-escalation', remove_rule: 'weekend' });
    expect(unknown.text).toBe('remove_rule: support-escalation has no rule "weekend" (rules: p1-no-first-response, p2-enterprise-4h)');
  });

  it('says that a saved job ran and what that run did: counts, alerts queued and to whom', async () => {
    const { done: saved } = await agreeThroughClaude(newChat(), 'escalate P1s with no response after 30 minutes to Tier 3 and tell me', 'schedule_job', {
      name: 'p1-watch',
      schedule: 'every 30 minutes',
      object: 'support_tickets',
      rules: [
        {
          name: 'p1-no-first-response',
          when: { all: [{ field: 'Priority', operator: 'is', value: 'P1 - Critical' }, { field: 'First Response Date', operator: 'is_empty' }, { field: 'Opened Date', operator: 'older_than', value: '30m' }] },
          then: [{ escalate: { tier: 'Tier 3 - Executive' } }, { notify: { to: ['me'] } }],
        },
      ],
      first_run: true,
    });
    expect(saved.is_error).toBe(false);
    const run = saved.json.first_run as { trigger: string; matched: number; changed: number; notified: number; alerts: { to: string; channel: string; messages: number }[]; rules: { entries: number }[] };
    expect(run.trigger).toBe('first');
    expect(run.matched).toBeGreaterThan(0);
    expect(run.changed).toBe(run.matched);
    expect(run.notified).toBe(run.matched);
    expect(run.alerts).toEqual([{ to: expect.any(String), channel: 'telegram', messages: run.matched }]);
  });

  it('keeps escalation history as data: v_escalations counts when escalations happened and by which job and rule', async () => {
    const result = await callThroughClaude(newChat(), 'how many escalations did jobs make, by rule?', 'query', {
      sql: `SELECT job, rule, to_tier, count(*)::INTEGER AS escalations FROM v_escalations WHERE by_kind = 'job' GROUP BY ALL ORDER BY job, rule`,
    });
    expect(result.is_error).toBe(false);
    const rows = inner<{ job: string; rule: string; to_tier: string; escalations: number }[]>(result.json.rows);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ job: 'incident-watch', rule: 'high-to-l2', to_tier: 'L2', escalations: 1 }),
        expect.objectContaining({ job: 'p1-watch', rule: 'p1-no-first-response', to_tier: 'Tier 3 - Executive' }),
      ]),
    );
    const monthly = await callThroughClaude(newChat(), 'monthly escalation report', 'query', {
      sql: `SELECT strftime(escalated_at, '%Y-%m') AS month, count(*)::INTEGER AS escalations FROM v_escalations WHERE object = 'support_tickets' GROUP BY 1 ORDER BY 1`,
    });
    expect(inner<unknown[]>(monthly.json.rows).length).toBeGreaterThan(3);
  });

  it('summarises older tool results in the history it resends, keeping the latest turns whole', async () => {
    const chat = newChat();
    for (const text of ['all tickets', 'all companies', 'all tickets again']) {
      api.queue(callsTools({ name: 'find_entries', input: { object: text.includes('compan') ? 'company' : 'support_tickets', limit: 60 } }), says(`here: ${text}`));
      await agent.handle({ chat, text });
    }
    const last = api.requests[api.requests.length - 1]!.body.messages;
    const results = last.flatMap((message) => (typeof message.content === 'string' ? [] : message.content.filter((block) => block.type === 'tool_result')));
    expect(results).toHaveLength(3);
    expect(String(results[0]!.content)).toContain('summarised');
    expect(String(results[0]!.content).length).toBeLessThan(1500);
    expect(String(results[0]!.content)).toMatch(/"total":\d+/);
    expect(String(results[2]!.content)).not.toContain('summarised');
    expect(String(results[2]!.content).length).toBeGreaterThan(5000);
  });

  it('describes the filter language once: tools refer to it instead of repeating its schema', async () => {
    api.queue(says('hello'));
    await agent.handle({ chat: newChat(), text: 'hi' });
    const { tools, system } = api.requests[0]!.body;
    expect(system![0]!.text).toContain('Filter language');
    // 22.6k before report jobs, active windows and confirm in schedule_job / update_job / run_job (measured: 24.1k).
    expect(JSON.stringify(tools).length).toBeLessThan(24_500);
    for (const name of ['find_entries', 'create_view']) {
      const filter = (tools!.find((tool) => tool.name === name)!.input_schema.properties as Record<string, { description: string }>).filter!;
      expect(JSON.stringify(filter).length).toBeLessThan(400);
    }
  });
});

describe('preview first, then confirm in a later message (via Claude)', () => {
  /** The person says `text`; in that one turn Claude calls each tool in order, then answers. Returns each result. */
  async function oneTurn(chat: ChatRef, text: string, ...calls: { name: string; input: unknown }[]): Promise<ToolResult[]> {
    api.queue(...calls.map((call) => callsTools(call)), says('done'));
    const before = api.requests.length;
    await agent.handle({ chat, text });
    return calls.map((_, index) => lastToolResult(api.requests[before + index + 1]!));
  }

  const watch = {
    name: 'same-turn-watch',
    schedule: 'every 30 minutes',
    object: 'support_tickets',
    rules: [{ name: 'p1', when: { field: 'Priority', operator: 'is', value: 'P1 - Critical' }, then: [{ notify: { to: ['me'] } }] }],
  };

  it('saves nothing when schedule_job is confirmed in the same turn as its preview (or with no preview), and saves after the yes', async () => {
    const chat = newChat();
    const [blind] = await oneTurn(chat, 'watch P1s', { name: 'schedule_job', input: { ...watch, confirm: true } });
    expect(blind!.json).toMatchObject({ saved: false, next_step: expect.stringMatching(/counts only after the person agreed .* in a later message/) });
    const [preview, sameTurn] = await oneTurn(chat, 'watch P1s', { name: 'schedule_job', input: watch }, { name: 'schedule_job', input: { ...watch, confirm: true } });
    expect(preview!.json.saved).toBe(false);
    expect(sameTurn!.json.saved).toBe(false);
    expect(existsSync(test.workspace.path('jobs', 'same-turn-watch.job.yaml'))).toBe(false);
    const [saved] = await oneTurn(chat, 'yes', { name: 'schedule_job', input: { ...watch, confirm: true } });
    expect(saved!.json).toMatchObject({ saved: true, next_runs: [expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d$/), expect.any(String), expect.any(String)] });
    expect(existsSync(test.workspace.path('jobs', 'same-turn-watch.job.yaml'))).toBe(true);
    // A different input than the one previewed is a new action: it needs its own preview.
    const [changed] = await oneTurn(chat, 'yes', { name: 'schedule_job', input: { ...watch, schedule: 'every 15 minutes', confirm: true } });
    expect(changed!.json.saved).toBe(false);
  });

  it('pauses nothing and runs nothing for real when update_job or run_job is confirmed in the same turn, and does after the yes', async () => {
    const chat = newChat();
    await saveJob(test.workspace, { ...watch, name: 'pause-me', created_by: { channel: 'telegram', chat: 4242 } });
    const [pausePreview, pauseSameTurn] = await oneTurn(
      chat,
      'pause pause-me',
      { name: 'update_job', input: { name: 'pause-me', enabled: false } },
      { name: 'update_job', input: { name: 'pause-me', enabled: false, confirm: true } },
    );
    expect(pausePreview!.json).toMatchObject({ saved: false, changes: ['paused'] });
    expect(pauseSameTurn!.json.saved).toBe(false);
    expect((await readJob(test.workspace, 'pause-me')).enabled).toBe(true);
    const [paused] = await oneTurn(chat, 'yes', { name: 'update_job', input: { name: 'pause-me', enabled: false, confirm: true } });
    expect(paused!.json).toMatchObject({ saved: true, changes: ['paused'] });
    expect((await readJob(test.workspace, 'pause-me')).enabled).toBe(false);

    await saveJob(test.workspace, { ...watch, name: 'run-me', created_by: { channel: 'telegram', chat: 4242 } });
    const [runSameTurn] = await oneTurn(chat, 'run run-me for real', { name: 'run_job', input: { name: 'run-me', dry_run: false, confirm: true } });
    expect(runSameTurn!.json).toMatchObject({ dry_run: true, next_step: expect.stringMatching(/later message/) });
    expect(runSameTurn!.json.matched).toBeGreaterThan(0);
    const [ran] = await oneTurn(chat, 'yes, run it', { name: 'run_job', input: { name: 'run-me', dry_run: false, confirm: true } });
    expect(ran!.json).toMatchObject({ dry_run: false, notified: runSameTurn!.json.matched });
    expect(ran!.json.next_step).toBeUndefined();
  });

  it('sets a job\'s active window with update_job, the preview saying what changes', async () => {
    const chat = newChat();
    await saveJob(test.workspace, { ...watch, name: 'weekday-watch', schedule: '0 9 * * 1-5', created_by: { channel: 'telegram', chat: 4242 } });
    const { preview, done } = await agreeThroughClaude(chat, 'pause it on weekends', 'update_job', { name: 'weekday-watch', active: { days: ['mon', 'tue', 'wed', 'thu', 'fri'] } });
    expect(preview.json).toMatchObject({ saved: false, changes: ['active: always → Mon–Fri all day (Europe/London)'] });
    expect(done.json.saved).toBe(true);
    expect((await readJob(test.workspace, 'weekday-watch')).active).toEqual({ days: ['mon', 'tue', 'wed', 'thu', 'fri'] });
    const { preview: back } = await agreeThroughClaude(chat, 'make it run every day again', 'update_job', { name: 'weekday-watch', active: 'always' });
    expect(back.json.changes).toEqual(['active: Mon–Fri all day (Europe/London) → always']);
    expect((await readJob(test.workspace, 'weekday-watch')).active).toBeUndefined();
  });

  it('schedules a monthly escalation report: the preview shows what it would send, to whom, and warns about a person with no Telegram chat', async () => {
    const chat = newChat();
    const report = { name: 'monthly-report', schedule: '0 9 1 * *', report: { title: 'Monthly escalation report', builtin: 'escalations', chart: true, to: ['me', 'person:priya patel'] } };
    const { preview, done } = await agreeThroughClaude(chat, 'on the 1st of every month at 9am send me and Priya the escalation report', 'schedule_job', report);
    expect(preview.is_error).toBe(false);
    expect(preview.json).toMatchObject({ saved: false, next_runs: ['2026-05-01T09:00+01:00', '2026-06-01T09:00+01:00', '2026-07-01T09:00+01:00'] });
    expect(String(inner<string>((preview.json.report as { would_send_now: unknown }).would_send_now))).toMatch(/^📊 Monthly escalation report — .*\n\d+ escalations? \(\d+ the period before\)\./);
    expect(preview.json.recipients).toEqual([
      { spec: 'me', reaches: [{ to: 'you', channel: 'telegram' }] },
      { spec: 'person:Priya Patel', reaches: [{ to: 'Priya Patel', channel: 'terminal' }] },
    ]);
    expect(preview.json.warnings).toEqual([expect.stringMatching(/^Priya Patel has no Telegram chat: messages to them only print in the terminal/)]);
    expect(done.json).toMatchObject({ saved: true, report: expect.stringContaining('the escalation report (v_escalations), with a chart') });
    expect((await readJob(test.workspace, 'monthly-report')).report!.to).toEqual(['me', 'person:Priya Patel']);
    const listed = await callThroughClaude(chat, 'what jobs do I have?', 'list_jobs', {});
    expect(listed.json.jobs).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'monthly-report', report: expect.any(String), next_run: '2026-05-01T09:00+01:00' })]));
    const unknown = await callThroughClaude(chat, 'also send it to Bob', 'schedule_job', { ...report, report: { ...report.report, to: ['person:Bob Nobody'] } });
    expect(unknown.is_error).toBe(true);
    expect(unknown.text).toMatch(/report\.to: person:Bob Nobody is nobody the workspace knows \(people: .*Priya Patel/);
  });

  it('notifies a person by name from a rule, and the preview warns they can only be reached in the terminal', async () => {
    const result = await callThroughClaude(newChat(), 'tell Marcus about P1s', 'schedule_job', { ...watch, name: 'tell-marcus', rules: [{ ...watch.rules[0]!, then: [{ notify: { to: ['person:Marcus Reid'] } }] }] });
    expect(result.json.recipients).toEqual([{ spec: 'person:Marcus Reid', reaches: [{ to: 'Marcus Reid', channel: 'terminal' }] }]);
    expect(result.json.warnings).toEqual([expect.stringContaining('Marcus Reid has no Telegram chat')]);
  });
});

describe('the first run and the scheduler', () => {
  it("a run after a saved job's first run finds nothing new to do: a rule fires once per entry", async () => {
    const again = await runJob(test.workspace, 'p1-watch');
    expect(again.matched).toBe(0);
  });
});
