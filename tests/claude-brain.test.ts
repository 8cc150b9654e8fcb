// The Claude brain over HTTP against a local fake Messages API: tool loop, tool errors, the cap, history, failures.
import { existsSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { createAgent } from '../agent/agent';
import type { Agent, ChatRef } from '../agent/brain';
import { ClaudeBrain, type ClaudeBrainOptions } from '../agent/claude-brain';
import { ConversationStore } from '../agent/conversation-store';
import { Toolbox } from '../agent/toolbox';
import { readJob } from '../jobs/job-files';
import { loadDemo } from '../objects/demo';
import { findEntries } from '../objects/entries';
import { buildSystemPrompt } from '../prompts/system-prompt';
import { createTools } from '../tools';
import { callsTools, fails, FakeMessagesApi, says, type RecordedRequest } from './fakes/fake-messages-api';
import { createTestWorkspace, type TestWorkspace } from './helpers';

let test: TestWorkspace;
let api: FakeMessagesApi;
let baseURL: string;
let sleeps: number[];
let chatNumber = 0;

beforeAll(async () => {
  test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
});
afterAll(async () => test.cleanup());
beforeEach(async () => {
  api = new FakeMessagesApi();
  baseURL = await api.start();
  sleeps = [];
});
afterEach(async () => api.stop());

function newChat(): ChatRef {
  return { channel: 'telegram', id: String(1000 + ++chatNumber) };
}

function agentWith(options: Partial<ClaudeBrainOptions> = {}): Agent {
  const workspace = test.workspace;
  const brain = new ClaudeBrain({
    client: new Anthropic({ apiKey: 'sk-test', baseURL, maxRetries: 0 }),
    model: 'claude-test',
    toolbox: new Toolbox(createTools({ workspace })),
    history: new ConversationStore(workspace.db, () => test.clock.now()),
    systemPrompt: () => buildSystemPrompt(workspace),
    sleep: async (milliseconds) => void sleeps.push(milliseconds),
    now: () => test.clock.now(),
    ...options,
  });
  return createAgent(brain);
}

/** Blocks of a recorded message as a list (a string content becomes one text block). */
function blocks(message: RecordedRequest['body']['messages'][number]): Record<string, unknown>[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/** The history the model is sent must alternate, open with the person's words and answer every tool_use. */
function expectWellFormed(messages: RecordedRequest['body']['messages']): void {
  expect(messages[0]!.role).toBe('user');
  expect(blocks(messages[0]!).every((block) => block.type === 'text')).toBe(true);
  messages.forEach((message, index) => {
    if (index > 0) expect(message.role).not.toBe(messages[index - 1]!.role);
    const uses = blocks(message).filter((block) => block.type === 'tool_use').map((block) => block.id);
    if (uses.length) {
      const answered = blocks(messages[index + 1] ?? { role: 'user', content: [] }).filter((block) => block.type === 'tool_result').map((block) => block.tool_use_id);
      expect(answered).toEqual(uses);
    }
  });
}

describe('Claude brain', () => {
  it('runs the tool Claude asks for, sends the result back, and replies with Claude\'s final text', async () => {
    api.queue(
      callsTools({
        name: 'create_entries',
        input: { object: 'support_tickets', entries: [{ Title: 'SSO broken for all users', Customer: 'Initech', Priority: 'P1', Status: 'Open', 'Opened Date': 'now' }] },
      }),
      says('Logged a P1 for Initech: "SSO broken for all users".'),
    );
    const reply = await agentWith().handle({ chat: newChat(), text: 'new P1 ticket from Initech: SSO broken for all users' });
    expect(reply.text).toBe('Logged a P1 for Initech: "SSO broken for all users".');
    const [ticket] = await findEntries(test.workspace, 'support_tickets', { filter: { field: 'Title', operator: 'is', value: 'SSO broken for all users' } });
    expect(ticket).toMatchObject({ Customer: 'Initech', Priority: 'P1 - Critical', Status: 'Open' });
    expect(api.requests).toHaveLength(2);
    const second = api.requests[1]!.body.messages;
    const result = blocks(second[second.length - 1]!)[0]!;
    expect(result).toMatchObject({ type: 'tool_result', tool_use_id: blocks(second[1]!)[0]!.id });
    expect(result.is_error).toBeUndefined();
    expect(JSON.parse(String(result.content))).toMatchObject({ object: 'support_tickets', created: 1 });
    expectWellFormed(second);
  });

  it('sends a failing tool call back as an is_error result, and Claude can correct itself', async () => {
    api.queue(
      callsTools({ name: 'update_entries', input: { object: 'support_tickets', updates: [{ entry: 'Checkout page returns 500', values: { Priority: 'P9' } }] } }),
      callsTools({ name: 'update_entries', input: { object: 'support_tickets', updates: [{ entry: 'Checkout page returns 500', values: { 'Assigned To': 'Priya Patel' } }] } }),
      says('Assigned to Priya Patel.'),
    );
    const reply = await agentWith().handle({ chat: newChat(), text: 'assign the checkout ticket to Priya' });
    expect(reply.text).toBe('Assigned to Priya Patel.');
    const failed = blocks(api.requests[1]!.body.messages.at(-1)!)[0]!;
    expect(failed).toMatchObject({ type: 'tool_result', is_error: true });
    expect(String(failed.content)).toMatch(/"P9" is not an option of Priority/);
    const [ticket] = await findEntries(test.workspace, 'support_tickets', { filter: { field: 'Title', operator: 'is', value: 'Checkout page returns 500' } });
    expect(ticket).toMatchObject({ Priority: 'P1 - Critical', 'Assigned To': 'Priya Patel' });
  });

  it('answers input that does not fit a tool\'s schema with an is_error result naming the field', async () => {
    api.queue(callsTools({ name: 'find_entries', input: { limit: 5 } }), says('Sorry.'));
    await agentWith().handle({ chat: newChat(), text: 'list tickets' });
    const result = blocks(api.requests[1]!.body.messages.at(-1)!)[0]!;
    expect(result).toMatchObject({ is_error: true });
    expect(String(result.content)).toMatch(/invalid input for find_entries.*object/);
  });

  it('caches tools and the stable system prompt, and shows Claude the live workspace', async () => {
    api.queue(says('Hello.'));
    await agentWith().handle({ chat: newChat(), text: 'hi' });
    const { body, headers } = api.requests[0]!;
    expect(headers.authorization ?? headers['x-api-key']).toMatch(/sk-test/);
    expect(body.model).toBe('claude-test');
    expect(body.system![0]!.cache_control).toEqual({ type: 'ephemeral' });
    expect(body.system![1]!.cache_control).toBeUndefined();
    expect(body.tools!.at(-1)!.cache_control).toEqual({ type: 'ephemeral' });
    const live = body.system![1]!.text;
    expect(live).toContain('Now: 2026-04-14 10:00 (UTC)');
    expect(live).toContain('Priority: enum [P1 - Critical | P2 - High | P3 - Medium | P4 - Low]');
    expect(live).toContain('Customer: relation → company');
    expect(live).toContain('view "Open Tickets with Account Context"');
    const names = body.tools!.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['describe_workspace', 'create_object', 'find_entries', 'query', 'write_document']));
    for (const tool of body.tools!) {
      expect(tool.input_schema.type).toBe('object');
      expect(tool.input_schema.$schema).toBeUndefined();
      for (const [name, property] of Object.entries(tool.input_schema.properties as Record<string, { description?: string }>)) {
        expect(`${tool.name}.${name}: ${property.description ?? ''}`).not.toMatch(/: $/);
      }
    }
  });

  it('stops at the iteration cap, says so, and leaves a history the next turn can use', async () => {
    const chat = newChat();
    const lookup = { name: 'find_entries', input: { object: 'support_tickets', limit: 1 } };
    api.queue(callsTools(lookup), callsTools(lookup), callsTools(lookup));
    const agent = agentWith({ maxIterations: 3 });
    const reply = await agent.handle({ chat, text: 'keep looking' });
    expect(reply.text).toMatch(/stopped after 3 steps.*find_entries ×3/);
    expect(api.requests).toHaveLength(3);
    api.queue(says('Fine.'));
    await agent.handle({ chat, text: 'ok, stop' });
    const messages = api.requests[3]!.body.messages;
    expectWellFormed(messages);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(messages.at(-2)!.content).toMatch(/stopped after 3 steps/);
  });

  it('remembers each chat\'s conversation separately', async () => {
    const agent = agentWith();
    const alice = newChat();
    const bob = newChat();
    api.queue(says('Noted, Alice.'), says('Hi Bob.'), says('You said: I am Alice.'));
    await agent.handle({ chat: alice, text: 'I am Alice' });
    await agent.handle({ chat: bob, text: 'I am Bob' });
    await agent.handle({ chat: alice, text: 'who am I?' });
    expect(api.requests[1]!.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'I am Bob', cache_control: { type: 'ephemeral' } }] }]);
    const third = api.requests[2]!.body.messages;
    expect(third.map((message) => blocks(message)[0]!.text)).toEqual(['I am Alice', 'Noted, Alice.', 'who am I?']);
  });

  it('trims a long history to its budget, keeping the latest turns and starting at a person\'s message', async () => {
    const agent = agentWith({ historyBudgetChars: 400 });
    const chat = newChat();
    for (let turn = 1; turn <= 6; turn++) {
      api.queue(says(`Answer ${turn}: ${'x'.repeat(60)}`));
      await agent.handle({ chat, text: `Question ${turn}` });
    }
    const last = api.requests.at(-1)!.body.messages;
    expectWellFormed(last);
    expect(last.length).toBeLessThan(11);
    expect(blocks(last.at(-1)!)[0]!.text).toBe('Question 6');
    expect(blocks(last[0]!)[0]!.text).toMatch(/^Question \d$/);
  });

  it('tells the person to check ANTHROPIC_API_KEY on a 401, without retrying', async () => {
    api.queue(fails(401, 'authentication_error', 'invalid x-api-key'));
    const reply = await agentWith().handle({ chat: newChat(), text: 'hi' });
    expect(reply.text).toMatch(/check ANTHROPIC_API_KEY/);
    expect(api.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries 529, 429 (honouring retry-after) and 500 with backoff, then answers', async () => {
    api.queue(
      fails(529, 'overloaded_error', 'Overloaded'),
      fails(429, 'rate_limit_error', 'slow down', { 'retry-after': '7' }),
      fails(500, 'api_error', 'boom'),
      says('Here now.'),
    );
    const reply = await agentWith().handle({ chat: newChat(), text: 'hi' });
    expect(reply.text).toBe('Here now.');
    expect(api.requests).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(sleeps[0]).toBeGreaterThanOrEqual(800);
    expect(sleeps[0]).toBeLessThanOrEqual(1200);
    expect(sleeps[1]).toBe(7000);
    expect(sleeps[2]).toBeGreaterThanOrEqual(3200);
  });

  it('says plainly when Claude stays overloaded, and the conversation goes on afterwards', async () => {
    const agent = agentWith({ retries: 2 });
    const chat = newChat();
    api.queue(
      callsTools({ name: 'create_entries', input: { object: 'support_tickets', entries: [{ Title: 'Webhooks stopped', Customer: 'Globex Industries', Priority: 'P2', Status: 'Open', 'Opened Date': 'now' }] } }),
      fails(529, 'overloaded_error'),
      fails(529, 'overloaded_error'),
      fails(529, 'overloaded_error'),
    );
    const reply = await agent.handle({ chat, text: 'new P2 ticket from Globex: Webhooks stopped' });
    expect(reply.text).toMatch(/overloaded right now \(529\) \(tried 3 times\)/);
    expect(await findEntries(test.workspace, 'support_tickets', { filter: { field: 'Title', operator: 'is', value: 'Webhooks stopped' } })).toHaveLength(1);
    api.queue(says('Yes, it was created.'));
    const next = await agent.handle({ chat, text: 'did that work?' });
    expect(next.text).toBe('Yes, it was created.');
    const messages = api.requests.at(-1)!.body.messages;
    expectWellFormed(messages);
    expect(messages).toHaveLength(5);
    expect(blocks(messages[3]!)[0]!.text).toMatch(/cut short/);
  });

  it('previews a job without saving it, and saves it only when Claude confirms after the person agreed', async () => {
    const chat = newChat();
    const job = {
      name: 'p1-watch',
      schedule: 'every 30 minutes',
      object: 'support_tickets',
      rules: [
        {
          name: 'p1-no-first-response',
          when: { all: [{ field: 'Priority', operator: 'is', value: 'P1' }, { field: 'First Response Date', operator: 'is_empty' }, { field: 'Opened Date', operator: 'older_than', value: '30m' }] },
          then: [{ escalate: { tier: 'Tier 2' } }, { notify: { to: ['me'] } }],
        },
      ],
    };
    const agent = agentWith();
    api.queue(callsTools({ name: 'schedule_job', input: job }), says('Every 30 minutes … right now this would escalate 2 tickets. Save it?'));
    await agent.handle({ chat, text: 'escalate P1s without a response after 30 minutes' });
    const preview = JSON.parse(String(blocks(api.requests[1]!.body.messages.at(-1)!)[0]!.content)) as Record<string, unknown>;
    expect(preview).toMatchObject({ saved: false, job: 'p1-watch', next_runs: ['2026-04-14T10:30+00:00', '2026-04-14T11:00+00:00', '2026-04-14T11:30+00:00'] });
    expect((preview.rules as { would_act_on_now: number }[])[0]!.would_act_on_now).toBeGreaterThan(0);
    expect(existsSync(test.workspace.path('jobs', 'p1-watch.job.yaml'))).toBe(false);
    api.queue(callsTools({ name: 'schedule_job', input: { ...job, confirm: true } }), says('Saved.'));
    await agent.handle({ chat, text: 'yes, save it' });
    const saved = await readJob(test.workspace, 'p1-watch');
    expect(saved.created_by).toEqual({ channel: 'telegram', chat: Number(chat.id) });
    expect(saved.rules[0]!.then[0]).toEqual({ escalate: { tier: 'Tier 2 - Engineering' } });
  });

  it('stops on a refusal', async () => {
    api.queue({ kind: 'message', content: [], stop_reason: 'refusal' });
    const reply = await agentWith().handle({ chat: newChat(), text: 'something bad' });
    expect(reply.text).toMatch(/declined/);
  });
});
