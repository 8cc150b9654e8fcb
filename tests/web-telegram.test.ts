// /web in Telegram: the real grammY bot against the fake Bot API hands an approved private chat a one-time sign-in
// link to the board `serve --port` is listening on; an unpaired chat gets the pairing text and nothing else.
import { createTelegramBot } from '../channels/telegram/bot';
import { PairingStore } from '../channels/telegram/pairings';
import { TelegramService } from '../channels/telegram/service';
import { startWebhookServer, type WebhookServer } from '../channels/webhooks/server';
import { WebSessions } from '../web/sessions';
import { FakeBotApi } from './fakes/telegram-bot-api';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { sessionCookieOf } from './web-fixtures';

const lead = 1001;
const stranger = 2002;
const group = -3003;

describe('/web in Telegram', () => {
  let test: TestWorkspace;
  let fake: FakeBotApi;
  let service: TelegramService | undefined;
  let server: WebhookServer | undefined;

  beforeEach(async () => {
    test = await createTestWorkspace();
    await new WebSessions(test.workspace.db, test.clock).cookieKey(); // the sign-in tables, so an empty one can be counted
    fake = await FakeBotApi.start({ now: () => test.clock.now() });
    const pairings = new PairingStore(test.workspace.db, test.clock, () => 'CODE1');
    const telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, workspace: test.workspace, allowedChats: new Set([lead, group]), pairings });
    service = new TelegramService({ telegram, mode: { kind: 'polling' } });
    await service.start();
  });
  afterEach(async () => {
    await service?.stop();
    await server?.close();
    server = undefined;
    await fake.close();
    await test.cleanup();
  });

  const tokens = async () => (await test.workspace.db.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM web_login_tokens'))[0]?.n ?? 0;
  const replyTo = async (chat: number, text: string, from?: Parameters<FakeBotApi['sendUserMessage']>[2]) => {
    const before = fake.botMessages(chat).length;
    fake.sendUserMessage(chat, text, from);
    await fake.waitFor(() => fake.botMessages(chat).length > before);
    return { text: fake.botMessages(chat)[before]!.text ?? '' };
  };

  it('sends an approved private chat a one-time link to the port serve listens on, which signs its person in once', async () => {
    server = await startWebhookServer({ workspace: test.workspace, port: 0, secrets: {}, log: () => undefined, clock: test.clock });
    const reply = await replyTo(lead, '/web', { id: lead, first_name: 'Priya', last_name: 'Patel <b>' });
    const link = /<code>(http:\/\/127\.0\.0\.1:(\d+)\/login\?token=[\w-]{43})<\/code>/.exec(reply.text);
    expect(link).not.toBeNull();
    expect(Number(link![2])).toBe(server.port);
    expect(reply.text).toContain('Signs in Priya Patel b once; valid until 2026-04-14 10:10 UTC');
    const [sent] = fake.succeeded('sendMessage').filter((call) => call.payload.chat_id === lead);
    expect(sent!.payload).toMatchObject({ parse_mode: 'HTML', link_preview_options: { is_disabled: true } });

    // The sign-in button of the link's page (fetch cannot send a browser's Sec-Fetch headers).
    const signInForm = () => fetch(`http://127.0.0.1:${server!.port}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${new URL(link![1]!).searchParams.get('token')}` });
    expect(await (await fetch(link![1]!)).text()).toContain('<button type="submit">Sign in</button>');
    const opened = await signInForm();
    expect(opened.status).toBe(200);
    const board = await fetch(`http://127.0.0.1:${server.port}/board/support_tickets`, { headers: { cookie: sessionCookieOf(opened) } });
    expect(await board.text()).toContain('signed in as Priya Patel b');
    expect((await signInForm()).status).toBe(401);
  });

  it('gives an unpaired chat only the pairing text: no link, no token made', async () => {
    server = await startWebhookServer({ workspace: test.workspace, port: 0, secrets: {}, log: () => undefined, clock: test.clock });
    const reply = await replyTo(stranger, '/web');
    expect(reply.text).toContain('Pairing code: <code>CODE1</code>');
    expect(reply.text).not.toMatch(/login|token|http/);
    expect(await tokens()).toBe(0);
  });

  it('sends no link into a group, nor when no serve --port is running', async () => {
    expect((await replyTo(lead, '/web')).text).toContain('The web board is not running');
    server = await startWebhookServer({ workspace: test.workspace, port: 0, secrets: {}, log: () => undefined, clock: test.clock });
    expect((await replyTo(group, '/web')).text).toContain('only in a private chat');
    expect(await tokens()).toBe(0);
  });
});
