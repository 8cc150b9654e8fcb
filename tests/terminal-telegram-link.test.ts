// workspace.yaml `terminal.telegram` links the terminal user to a Telegram chat: "me" in a job saved from the terminal
// chat and in send_message reaches that chat through the outbox and the real grammY client (against the fake Bot
// API); without the link it stays in the terminal and the previews say so. A chat id that is not one is refused.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createAgent } from '../agent/agent';
import type { ChatRef } from '../agent/brain';
import { ClaudeBrain } from '../agent/claude-brain';
import { ConversationStore } from '../agent/conversation-store';
import { Toolbox } from '../agent/toolbox';
import { telegramDeliverer } from '../channels/telegram/deliverer';
import { readJob, saveJob } from '../jobs/job-files';
import { listOutbox, Outbox, terminalDeliverer } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { startJobsRuntime, type JobsRuntime } from '../jobs/runtime';
import { createEntries, updateEntries } from '../objects/entries';
import { loadDemo } from '../objects/demo';
import { Workspace } from '../objects/workspace';
import { FixedClock } from '../objects/clock';
import { buildSystemPrompt } from '../prompts/system-prompt';
import { createTools } from '../tools';
import { terminalCreatorWarning } from '../tools/recipient-preview';
import { FakeTimers } from './fake-time';
import { callsTools, FakeMessagesApi, says } from './fakes/fake-messages-api';
import { FakeBotApi } from './fakes/telegram-bot-api';
import { seedStep4 } from './fixtures/seed-instructions';
import { offlineChat, type OfflineChat } from './offline-chat';
import { runEscalator, temporaryDir, testNow } from './helpers';

const myChat = 1001;
const terminal: ChatRef = { channel: 'terminal', id: 'local' };
const acme = "Acme Corp — 'Unable to export data' (P1)";

let chat: OfflineChat;
let fake: FakeBotApi;
let outbox: Outbox;
let printed: string[];

beforeEach(async () => {
  chat = await offlineChat();
  fake = await FakeBotApi.start({ now: () => chat.test.clock.now() });
  printed = [];
  const timers = new FakeTimers(chat.test.clock, async () => outbox.idle());
  outbox = new Outbox({
    workspace: chat.workspace,
    timers,
    deliverers: [telegramDeliverer({ token: fake.token, apiRoot: fake.apiRoot, inlineRetryAfterSeconds: 0, chatSpacingMs: 0 }), terminalDeliverer((text) => printed.push(text))],
  });
});
afterEach(async () => {
  await outbox.stop();
  await fake.close();
  await chat.cleanup();
});

function linkTerminalTo(chatId: number | string): void {
  chat.workspace.saveConfig({ ...chat.workspace.config, terminal: { telegram: chatId } });
}

async function deliver(): Promise<void> {
  await outbox.start();
  await outbox.idle();
}

/** Claude (the real SDK against the fake Messages API) on the terminal chat: one scripted tool call, then "done". */
async function claudeCalls(name: string, input: unknown): Promise<{ is_error: boolean; json: Record<string, unknown> }> {
  const api = new FakeMessagesApi();
  const baseURL = await api.start();
  try {
    const workspace = chat.workspace;
    const agent = createAgent(
      new ClaudeBrain({
        client: new Anthropic({ apiKey: 'sk-test', baseURL, maxRetries: 0 }),
        model: 'claude-test',
        toolbox: new Toolbox(createTools({ workspace })),
        history: new ConversationStore(workspace.db, () => chat.test.clock.now()),
        systemPrompt: () => buildSystemPrompt(workspace),
        sleep: async () => undefined,
        now: () => chat.test.clock.now(),
      }),
    );
    api.queue(callsTools({ name, input }), says('done'));
    await agent.handle({ chat: terminal, text: 'message me on Telegram: the Acme export is fixed' });
    const messages = api.requests[1]!.body.messages;
    const block = (messages[messages.length - 1]!.content as Record<string, unknown>[]).find((candidate) => candidate.type === 'tool_result')!;
    return { is_error: block.is_error === true, json: JSON.parse(String(block.content)) as Record<string, unknown> };
  } finally {
    await api.stop();
  }
}

describe('the terminal user linked to a Telegram chat (workspace.yaml terminal.telegram)', () => {
  it("delivers the alerts of a job saved from the terminal chat with \"me\" to the linked chat, through the outbox and grammY", async () => {
    linkTerminalTo(myChat);
    const preview = await chat.say(seedStep4);
    expect(preview.text).toMatch(/Right now it would escalate 7 support tickets:/);
    expect(preview.text).not.toContain('"me" is this terminal');
    await chat.say('yes');
    expect((await readJob(chat.workspace, 'support-escalation')).created_by).toEqual({ channel: 'terminal', chat: 'local' });

    await runJob(chat.workspace, 'support-escalation');
    await deliver();
    const alerts = fake.botMessages(myChat);
    expect(alerts.some((message) => message.text?.includes(acme) && message.reply_markup !== undefined)).toBe(true);
    expect(printed).toEqual([]);
    const rows = await listOutbox(chat.workspace);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.channel === 'telegram' && row.recipient === String(myChat) && row.state !== 'pending')).toBe(true);
  });

  it('without the link the alerts print in the terminal and the preview warns that "me" stays there', async () => {
    const preview = await chat.say(seedStep4);
    expect(preview.text).toContain(`⚠️ ${terminalCreatorWarning}`);
    await chat.say('yes');
    await runJob(chat.workspace, 'support-escalation');
    await deliver();
    expect(fake.botMessages(myChat)).toEqual([]);
    expect(printed.some((text) => text.startsWith('── to local ──') && text.includes(acme))).toBe(true);
  });

  it("schedule_job's preview says \"me\" reaches the linked chat, and warns without the link", async () => {
    const job = { name: 'p1-watch', schedule: 'every 30 minutes', object: 'support_tickets', rules: [{ name: 'p1', when: { field: 'Priority', operator: 'is', value: 'P1 - Critical' }, then: [{ notify: { to: ['me'] } }] }] };
    const unlinked = await claudeCalls('schedule_job', job);
    expect(unlinked.json.recipients).toEqual([{ spec: 'me', reaches: [{ to: 'you', channel: 'terminal' }] }]);
    expect(unlinked.json.warnings).toEqual([terminalCreatorWarning]);
    linkTerminalTo(String(myChat));
    const linked = await claudeCalls('schedule_job', job);
    expect(linked.json.recipients).toEqual([{ spec: 'me', reaches: [{ to: `you (Telegram chat ${myChat}, linked by terminal.telegram in workspace.yaml)`, channel: 'telegram' }] }]);
    expect(linked.json.warnings).toBeUndefined();
  });

  it('send_message to "me" from the terminal reaches the linked Telegram chat', async () => {
    linkTerminalTo(myChat);
    const result = await claudeCalls('send_message', { to: ['me'], text: 'The Acme export is fixed' });
    expect(result.is_error).toBe(false);
    expect(result.json).toEqual({ queued: [{ id: expect.any(String), channel: 'telegram', to: String(myChat) }] });
    await deliver();
    expect(fake.botMessages(myChat).map((message) => message.text)).toEqual(['The Acme export is fixed']);
    expect(printed).toEqual([]);
  });

  it('send_message to "me" without the link prints in the terminal and says it never reaches Telegram', async () => {
    const result = await claudeCalls('send_message', { to: ['me'], text: 'The Acme export is fixed' });
    expect(result.json).toEqual({ queued: [{ id: expect.any(String), channel: 'terminal', to: 'local' }], warnings: [terminalCreatorWarning] });
    await deliver();
    expect(fake.botMessages(myChat)).toEqual([]);
    expect(printed).toEqual(['── to local ──\nThe Acme export is fixed']);
  });
});

describe('the scheduler with the link', () => {
  it('tells the terminal user on the linked chat when a job they saved fails', async () => {
    linkTerminalTo(myChat);
    const workspace = chat.workspace;
    let runtime: JobsRuntime | undefined;
    const timers = new FakeTimers(chat.test.clock, async () => {
      await runtime?.scheduler.idle();
      await runtime?.outbox.idle();
    });
    const deliverers = [telegramDeliverer({ token: fake.token, apiRoot: fake.apiRoot, inlineRetryAfterSeconds: 0, chatSpacingMs: 0 }), terminalDeliverer((text) => printed.push(text))];
    runtime = await startJobsRuntime({ workspace, clock: chat.test.clock, timers, deliverers });
    try {
      await saveJob(workspace, {
        name: 'assign-acme',
        schedule: '*/30 * * * *',
        object: 'support_tickets',
        created_by: { channel: 'terminal', chat: 'local' },
        rules: [{ name: 'link', when: { field: 'Customer', operator: 'is_empty' }, then: [{ set: { Customer: 'Acme Corp' } }] }],
      });
      await timers.advance(0);
      // The job was checked against Acme Corp when saved; renaming the company makes its runs fail.
      const [acmeCompany] = await workspace.db.query<{ id: string }>(`SELECT id FROM obj_company WHERE "Name" = 'Acme Corp'`);
      await updateEntries(workspace, 'company', [{ id: acmeCompany!.id, values: { Name: 'Acme Inc' } }], { by: 'test' });
      await createEntries(workspace, 'support_tickets', [{ Title: 'Down', Priority: 'P1 - Critical', Status: 'Open', 'Opened Date': chat.test.clock.now() }], { by: 'test' });
      await timers.advance(31 * 60_000);
      expect(fake.botMessages(myChat).map((message) => message.text)).toEqual([expect.stringMatching(/^⚠️ Job "assign-acme" failed: .*Acme Corp/)]);
      expect(printed).toEqual([]);
    } finally {
      await runtime.stop();
    }
  });
});

describe('chat ids in workspace.yaml', () => {
  const folder = temporaryDir();
  let count = 0;
  afterAll(() => folder.remove());

  it.each([
    ['terminal:\n  telegram: "@priya"\n', /terminal\.telegram: "@priya" is not a Telegram chat id; use the number "escalator pair list" shows/],
    ['terminal:\n  telegram: 12.5\n', /terminal\.telegram: "12\.5" is not a Telegram chat id/],
    ['terminal:\n  telgram: 1001\n', /terminal: Unrecognized key: "telgram"/],
    ['people:\n  - name: Priya Patel\n    telegram: priya_p\n', /people\.0\.telegram: "priya_p" is not a Telegram chat id/],
  ])('refuses %j naming the path', async (yaml, expected) => {
    const dir = join(folder.dir, `workspace-${++count}`);
    const workspace = await Workspace.init(dir, { clock: new FixedClock(testNow), timezone: 'UTC' });
    await workspace.close();
    writeFileSync(join(dir, 'workspace.yaml'), `name: test\ntimezone: UTC\n${yaml}`);
    const result = await runEscalator(['jobs', 'list', '--workspace', dir]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(expected);
  });

  it('accepts a group chat id (negative) given as a string', async () => {
    linkTerminalTo('-1001234567890');
    expect(chat.workspace.config.terminal).toEqual({ telegram: '-1001234567890' });
  });
});

describe('escalator chat with the link', () => {
  it('sends the alerts of a job saved in the chat to the linked chat through the outbox when TELEGRAM_BOT_TOKEN is set', async () => {
    const folder = temporaryDir();
    const bot = await FakeBotApi.start();
    try {
      const dir = join(folder.dir, 'workspace');
      const workspace = await Workspace.init(dir, { clock: new FixedClock(testNow), timezone: 'UTC', populate: async (staged) => void (await loadDemo(staged)) });
      workspace.saveConfig({ ...workspace.config, terminal: { telegram: myChat } });
      await workspace.close();
      const result = await runEscalator(['chat', '--offline', '--workspace', dir], { stdin: [seedStep4, 'yes'].join('\n\n'), env: { TELEGRAM_BOT_TOKEN: bot.token, TELEGRAM_API_ROOT: bot.apiRoot } });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`"me" is Telegram chat ${myChat} (terminal.telegram).`);
      expect(result.stdout).toMatch(/Saved\. The job "support-escalation"/);
      expect(result.stdout).not.toContain('🚨 ESCALATION');
      // The chat ends when its input does; on its fixed clock the outbox's 1 s spacing per chat lets the first alert
      // go, and the rest wait in the outbox for the next chat or serve — none of them printed in the terminal.
      const sent = bot.botMessages(myChat);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((message) => message.text?.startsWith('🚨 ESCALATION:'))).toBe(true);
      const reopened = await Workspace.open(dir, { clock: new FixedClock(testNow) });
      try {
        const rows = await listOutbox(reopened);
        expect(rows.length).toBeGreaterThan(sent.length);
        expect(rows.every((row) => row.channel === 'telegram' && row.recipient === String(myChat))).toBe(true);
        expect(rows.filter((row) => row.state === 'sent').length).toBe(sent.length);
      } finally {
        await reopened.close();
      }
    } finally {
      await bot.close();
      folder.remove();
    }
  });
});
