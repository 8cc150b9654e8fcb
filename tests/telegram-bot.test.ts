// The Telegram bot over HTTP against the fake Bot API: who gets in, pairing, the conversation, commands, photos,
// webhook mode.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTelegramBot } from '../channels/telegram/bot';
import { parseTelegramHtml } from './fakes/telegram-html';
import { PairingStore } from '../channels/telegram/pairings';
import { TelegramService } from '../channels/telegram/service';
import type { TelegramAgent, TelegramAgentReply, TelegramAgentRequest } from '../channels/telegram/agent-port';
import { loadDemo } from '../objects/demo';
import { findEntries } from '../objects/entries';
import { saveJob } from '../jobs/job-files';
import { seedEscalationJob } from '../jobs/seed-job';
import type { Workspace } from '../objects/workspace';
import { FakeBotApi } from './fakes/telegram-bot-api';
import { createTestWorkspace, type TestWorkspace } from './helpers';

const lead = 1001;
const stranger = 2002;

/** A stand-in agent that answers what it is told to and records what it was asked. */
class ScriptedAgent implements TelegramAgent {
  readonly requests: TelegramAgentRequest[] = [];
  next: TelegramAgentReply = { text: 'ok' };
  async handle(request: TelegramAgentRequest): Promise<TelegramAgentReply> {
    this.requests.push(request);
    return this.next;
  }
}

describe('the Telegram bot', () => {
  let test: TestWorkspace;
  let fake: FakeBotApi;
  let agent: ScriptedAgent;
  let pairings: PairingStore;
  let service: TelegramService;

  beforeEach(async () => {
    test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
    fake = await FakeBotApi.start({ now: () => test.clock.now() });
    agent = new ScriptedAgent();
    let codes = 0;
    pairings = new PairingStore(test.workspace.db, test.clock, () => `CODE${++codes}`);
  });
  afterEach(async () => {
    await service?.stop();
    await fake.close();
    await test.cleanup();
  });

  async function startBot(mode: ConstructorParameters<typeof TelegramService>[0]['mode'] = { kind: 'polling' }) {
    const telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, workspace: test.workspace, agent, allowedChats: new Set([lead]), pairings });
    service = new TelegramService({ telegram, mode });
    await service.start();
  }

  it('gives an unpaired chat only a pairing code, and serves it once the owner approves the code', async () => {
    await startBot();
    fake.sendUserMessage(stranger, 'show me the board');
    fake.sendUserMessage(stranger, '/board');
    await fake.waitFor(() => fake.botMessages(stranger).length === 2);
    for (const message of fake.botMessages(stranger)) {
      expect(message.text).toContain('Pairing code: <code>CODE1</code>');
      expect(message.text).not.toMatch(/Acme|Escalated/);
    }
    expect(agent.requests).toHaveLength(0);

    const approved = await pairings.approve('code1', 'cli');
    expect(approved).toMatchObject({ chatId: stranger, status: 'approved' });
    fake.sendUserMessage(stranger, 'hello again');
    await fake.waitFor(() => fake.botMessages(stranger).length === 3);
    expect(agent.requests).toEqual([{ chat: { channel: 'telegram', id: String(stranger) }, user: `User${stranger}`, text: 'hello again' }]);

    await pairings.revoke(stranger, 'cli');
    fake.sendUserMessage(stranger, 'still there?');
    await fake.waitFor(() => fake.botMessages(stranger).length === 4);
    expect(fake.botMessages(stranger)[3]!.text).toContain('Pairing code: <code>CODE2</code>');
    expect(agent.requests).toHaveLength(1);
  });

  it('shows the agent typing, then replies with every character escaped for HTML', async () => {
    await startBot();
    agent.next = { text: 'Tickets where value < 5 & tier > 1: <none>' };
    fake.sendUserMessage(lead, 'which tickets?');
    const [reply] = await fake.waitFor(() => fake.botMessages(lead).length === 1 && fake.botMessages(lead));
    expect(reply!.text).toBe('Tickets where value &lt; 5 &amp; tier &gt; 1: &lt;none&gt;');
    expect(reply!.parse_mode).toBe('HTML');
    const methods = fake.calls.map((call) => call.method);
    expect(methods.indexOf('sendChatAction')).toBeLessThan(methods.indexOf('sendMessage'));
    expect(fake.calls.find((call) => call.method === 'sendChatAction')!.payload).toMatchObject({ chat_id: lead, action: 'typing' });
  });

  it('splits a long reply at line boundaries, each message within 4096 formatted characters', async () => {
    await startBot();
    const lines = Array.from({ length: 400 }, (_, index) => `${index + 1}. Acme & Globex <P1> ticket needs a reply`);
    agent.next = { text: lines.join('\n') };
    fake.sendUserMessage(lead, 'list everything');
    await fake.waitFor(() => agent.requests.length === 1 && fake.succeeded('sendMessage').length >= 2 && fake.botMessages(lead));
    await new Promise((resolve) => setImmediate(resolve));
    const messages = await fake.waitFor(() => {
      const sent = fake.botMessages(lead);
      const last = sent.at(-1)?.text ?? '';
      return last.includes('400. Acme') ? sent : undefined;
    });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(message.text!.length).toBeLessThanOrEqual(4096);
    const plain = messages.map((message) => (parseTelegramHtml(message.text!) as { text: string }).text);
    expect(plain.join('\n')).toBe(lines.join('\n'));
  });

  it('registers its commands and answers /board, /open, /ticket, /jobs and /sla from the workspace', async () => {
    await startBot();
    expect(fake.commands.map((command) => command.command)).toEqual(['start', 'help', 'board', 'open', 'sla', 'jobs', 'ticket', 'web']);
    fake.sendUserMessage(lead, '/board');
    fake.sendUserMessage(lead, '/open');
    fake.sendUserMessage(lead, '/ticket Unable to export data');
    await fake.waitFor(() => fake.botMessages(lead).length === 3);
    expect(fake.botMessages(lead)[2]!.text).toMatch(/^2 open tickets are titled "Unable to export data":\n/);
    expect(fake.botMessages(lead)[2]!.text).toContain(` — Acme Corp (Open)`);
    fake.sendUserMessage(lead, `/ticket ${await acmeTicketId(test.workspace)}`);
    await fake.waitFor(() => fake.botMessages(lead).some((message) => message.text?.includes('TICKET')));
    const texts = fake.botMessages(lead).map((message) => message.text!);
    expect(texts[0]).toMatch(/^<pre>support_tickets by Status: Open \d+/);
    expect(texts.find((text) => /open tickets?:/.test(text))).toContain('Unable to export data');
    const card = texts.find((text) => text.includes('TICKET'))!;
    expect(card).toContain("Acme Corp — 'Unable to export data' (P1)");
    expect(card).toContain('Open for: 47 minutes | No first response yet');
    expect(card).toMatch(/Account Value: \$180k \| Renewal: 62 days \| Health: Yellow/);
    expect(card).toContain('Assigned to: (unassigned) — ACTION NEEDED');

    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: lead }));
    fake.sendUserMessage(lead, '/jobs');
    fake.sendUserMessage(lead, '/sla');
    const [jobs, sla] = await fake.waitFor(() => fake.botMessages(lead).length === 6 && fake.botMessages(lead).slice(4));
    expect(jobs!.text).toMatch(/^support-escalation — .*3 rules on support_tickets; next 2026-04-14 10:30; last never; fired on 0$/);
    expect(sla!.text).toMatch(/^SLA of 25 open tickets \(calendar hours\): \d+ breached/);
    expect(sla!.text).toContain('Unable to export data · Acme Corp');
    expect(agent.requests).toHaveLength(0);
  });

  it('sends a chart the agent made as a photo with its caption', async () => {
    await startBot();
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const path = join(test.dir, 'exports', 'escalations.png');
    writeFileSync(path, png);
    agent.next = { text: 'Escalations per month by account tier:', attachments: [{ kind: 'image', path, caption: 'Escalations <by tier>' }] };
    fake.sendUserMessage(lead, 'chart escalations per month');
    const photo = await fake.waitFor(() => fake.botMessages(lead).find((message) => message.photo));
    expect(photo.photo!.bytes.equals(png)).toBe(true);
    expect(photo.caption).toBe('Escalations &lt;by tier&gt;');
  });

  it('in webhook mode handles updates carrying the secret token, each once, and refuses the rest', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/telegram/hook`;
    await startBot({ kind: 'webhook', url, secretToken: 'expected-secret', port });
    expect(fake.webhook).toEqual({ url, secretToken: 'expected-secret' });
    fake.sendUserMessage(lead, 'hello by webhook');
    await fake.waitFor(() => fake.botMessages(lead).length === 1);
    expect(agent.requests.map((request) => request.text)).toEqual(['hello by webhook']);

    const update = { update_id: 99, message: { message_id: 50, date: 0, chat: { id: lead, type: 'private' }, from: { id: lead, is_bot: false, first_name: 'L' }, text: 'forged' } };
    const post = (secret: string | undefined) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) }, body: JSON.stringify(update) });
    expect((await post('wrong-secret')).status).toBe(401);
    expect((await post(undefined)).status).toBe(401);
    expect((await post('expected-secret')).status).toBe(200);
    expect((await post('expected-secret')).status).toBe(200);
    await fake.waitFor(() => fake.botMessages(lead).length === 2);
    await service.stop();
    expect(agent.requests.map((request) => request.text)).toEqual(['hello by webhook', 'forged']);
  });
});

async function acmeTicketId(workspace: Workspace): Promise<string> {
  const [row] = await findEntries(workspace, 'support_tickets', {
    filter: { all: [{ field: 'Title', operator: 'is', value: 'Unable to export data' }, { field: 'Customer', operator: 'is', value: 'Acme Corp' }, { field: 'Status', operator: 'is', value: 'Open' }] },
  });
  return String(row!.id);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
