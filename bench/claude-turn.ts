// What a Claude turn costs in characters: a scripted 20-message conversation on the demo workspace, through the real
// SDK client against the local fake Messages API. Prints the size of the last request and how much of it lies
// beyond the cached prefix (tools + stable system prompt), which is what every call pays for in full.
// Run: npm run bench:claude
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createAgent } from '../agent/agent';
import { ClaudeBrain } from '../agent/claude-brain';
import { ConversationStore } from '../agent/conversation-store';
import { Toolbox } from '../agent/toolbox';
import { seedEscalationJob } from '../jobs/seed-job';
import { saveJob } from '../jobs/job-files';
import { FixedClock, seededIds } from '../objects/clock';
import { loadDemo } from '../objects/demo';
import { Workspace } from '../objects/workspace';
import { buildSystemPrompt } from '../prompts/system-prompt';
import { createTools } from '../tools';
import { callsTools, FakeMessagesApi, says, type RecordedRequest } from '../tests/fakes/fake-messages-api';

const open = { field: 'Status', operator: 'is_none_of', value: ['Resolved', 'Closed'] };

/** Twenty messages a support lead might send, each with the tool calls a model would make for it. */
const conversation: { text: string; calls: { name: string; input: unknown }[] }[] = [
  { text: 'what is in this workspace?', calls: [{ name: 'describe_workspace', input: {} }] },
  { text: 'show open tickets', calls: [{ name: 'find_entries', input: { object: 'support_tickets', filter: open, limit: 50 } }] },
  { text: 'open P1 tickets', calls: [{ name: 'find_entries', input: { object: 'support_tickets', filter: { all: [open, { field: 'Priority', operator: 'is', value: 'P1 - Critical' }] } } }] },
  { text: 'which tickets breach SLA', calls: [{ name: 'sla_status', input: { show: 'all' } }] },
  { text: 'list the jobs', calls: [{ name: 'list_jobs', input: {} }] },
  { text: 'run the escalation job dry', calls: [{ name: 'run_job', input: { name: 'support-escalation' } }] },
  { text: 'escalated tickets for Acme Corp', calls: [{ name: 'find_entries', input: { object: 'support_tickets', filter: { field: 'Customer', operator: 'is', value: 'Acme Corp' } } }] },
  { text: 'Enterprise accounts with more than 2 escalated tickets in Q1', calls: [{ name: 'query', input: { sql: `SELECT "Customer", count(*)::INTEGER AS n FROM v_support_tickets WHERE "Escalation Tier" <> 'None' GROUP BY 1 ORDER BY 2 DESC` } }] },
  { text: 'all companies', calls: [{ name: 'find_entries', input: { object: 'company', limit: 50 } }] },
  { text: 'tickets waiting on customer', calls: [{ name: 'find_entries', input: { object: 'support_tickets', filter: { field: 'Status', operator: 'is', value: 'Waiting on Customer' } } }] },
  { text: 'show the describe again for support_tickets', calls: [{ name: 'describe_workspace', input: { object: 'support_tickets' } }] },
  { text: 'all tickets', calls: [{ name: 'find_entries', input: { object: 'support_tickets', limit: 60 } }] },
  { text: 'escalations per month', calls: [{ name: 'query', input: { sql: `SELECT strftime("Opened Date", '%Y-%m') AS month, count(*)::INTEGER AS n FROM v_support_tickets GROUP BY 1 ORDER BY 1` } }] },
  { text: 'SLA again, attention only', calls: [{ name: 'sla_status', input: {} }] },
  { text: 'the field history of the last day', calls: [{ name: 'query', input: { sql: 'SELECT * FROM field_changes ORDER BY changed_at DESC', max_rows: 60 } }] },
  { text: 'P2 tickets', calls: [{ name: 'find_entries', input: { object: 'support_tickets', filter: { field: 'Priority', operator: 'is', value: 'P2 - High' } } }] },
  { text: 'people', calls: [{ name: 'find_entries', input: { object: 'people', limit: 50 } }] },
  { text: 'jobs once more', calls: [{ name: 'list_jobs', input: {} }] },
  { text: 'open tickets sorted by priority', calls: [{ name: 'find_entries', input: { object: 'support_tickets', filter: open, sort: [{ field: 'Priority', direction: 'asc' }], limit: 50 } }] },
  { text: 'thanks — anything breaching now?', calls: [{ name: 'sla_status', input: { show: 'breached' } }] },
];

/** Characters of the request part that stays the same across turns and is marked for caching. */
function cachedPrefix(request: RecordedRequest): number {
  const stable = (request.body.system ?? []).filter((block) => block.cache_control !== undefined);
  return JSON.stringify(request.body.tools ?? []).length + JSON.stringify(stable).length;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'escalator-bench-'));
  const api = new FakeMessagesApi();
  const baseURL = await api.start();
  const clock = new FixedClock('2026-04-14T10:00:00Z');
  const workspace = await Workspace.init(join(dir, 'workspace'), { clock, ids: seededIds(7), timezone: 'UTC', populate: async (staged) => void (await loadDemo(staged)) });
  try {
    await saveJob(workspace, seedEscalationJob({ channel: 'terminal', chat: 'local' }));
    const brain = new ClaudeBrain({
      client: new Anthropic({ apiKey: 'sk-bench', baseURL, maxRetries: 0 }),
      model: 'claude-bench',
      toolbox: new Toolbox(createTools({ workspace })),
      history: new ConversationStore(workspace.db, () => clock.now()),
      systemPrompt: () => buildSystemPrompt(workspace),
    });
    const agent = createAgent(brain);
    for (const message of conversation) {
      api.queue(callsTools(...message.calls), says(`Here is what I found for "${message.text}": a short summary of the rows above, with customers, priorities and times open.`));
      await agent.handle({ chat: { channel: 'terminal', id: 'local' }, text: message.text });
    }
    const last = api.requests[api.requests.length - 1]!;
    const size = JSON.stringify(last.body).length;
    const prefix = cachedPrefix(last);
    console.log(`claude turn: last request ${size} characters (${size - prefix} beyond the cached prefix)`);
    console.log(`  tools ${JSON.stringify(last.body.tools ?? []).length}, system ${JSON.stringify(last.body.system ?? []).length}, messages ${JSON.stringify(last.body.messages).length} in ${last.body.messages.length} messages`);
  } finally {
    await api.stop();
    await workspace.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
