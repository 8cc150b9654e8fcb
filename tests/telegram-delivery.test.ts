// Alert delivery through the jobs outbox to the fake Bot API: rate limits, runs of server errors and long outages
// end with every alert delivered exactly once, in order (fake time; the outbox's backoff runs on the fake clock).
import { telegramDeliverer } from '../channels/telegram/deliverer';
import { enqueueMessage, listOutbox, Outbox } from '../jobs/outbox';
import type { Deliverer } from '../jobs/outbox';
import { FakeTimers } from './fake-time';
import { FakeBotApi } from './fakes/telegram-bot-api';
import { createTestWorkspace, type TestWorkspace } from './helpers';

const chat = 1001;
const minute = 60_000;

describe('alert delivery to Telegram', () => {
  let test: TestWorkspace;
  let fake: FakeBotApi;
  let timers: FakeTimers;
  let outbox: Outbox | undefined;

  beforeEach(async () => {
    test = await createTestWorkspace();
    fake = await FakeBotApi.start({ now: () => test.clock.now() });
    timers = new FakeTimers(test.clock, async () => outbox?.idle());
  });
  afterEach(async () => {
    await outbox?.stop();
    outbox = undefined;
    await fake.close();
    await test.cleanup();
  });

  async function start(deliverer: Deliverer = telegramDeliverer({ token: fake.token, apiRoot: fake.apiRoot, inlineRetryAfterSeconds: 0 })) {
    outbox = new Outbox({ workspace: test.workspace, timers, deliverers: [deliverer], baseBackoffMs: 5_000, maxBackoffMs: 2 * minute });
    await outbox.start();
  }

  async function queue(text: string, recipient = chat): Promise<string> {
    const id = await enqueueMessage(test.workspace, { to: { channel: 'telegram', recipient: String(recipient) }, text, payload: { kind: 'message' } });
    await outbox?.idle();
    return id!;
  }

  function delivered(text: string): number {
    return fake.botMessages(chat).filter((message) => message.text === text).length;
  }

  it('waits out a 429 for its retry_after and then delivers the message once', async () => {
    await start();
    fake.failNext('sendMessage', { errorCode: 429, retryAfter: 30 });
    const id = await queue('P1 alert');
    expect(delivered('P1 alert')).toBe(0);
    const [waiting] = await listOutbox(test.workspace);
    expect(waiting).toMatchObject({ id, state: 'pending', attempts: 1, lastError: 'Telegram answered 429: Too Many Requests: retry after 30' });
    expect(waiting!.nextAttemptAt).toEqual(new Date(test.clock.now().getTime() + 30_000));
    await timers.advance(29_000);
    expect(delivered('P1 alert')).toBe(0);
    await timers.advance(1_000);
    expect(delivered('P1 alert')).toBe(1);
    expect((await listOutbox(test.workspace))[0]).toMatchObject({ state: 'sent', remoteId: String(fake.botMessages(chat)[0]!.message_id) });
  });

  it('lets @grammyjs/auto-retry wait out a short retry_after in place (one real second) and delivers once', async () => {
    await start(telegramDeliverer({ token: fake.token, apiRoot: fake.apiRoot, inlineRetryAfterSeconds: 1 }));
    fake.failNext('sendMessage', { errorCode: 429, retryAfter: 1 });
    await queue('quick alert');
    expect(delivered('quick alert')).toBe(1);
    expect(fake.calls.filter((call) => call.method === 'sendMessage').map((call) => call.errorCode ?? 200)).toEqual([429, 200]);
    expect((await listOutbox(test.workspace))[0]).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('retries a run of 500s with backoff and delivers exactly once', async () => {
    await start();
    fake.failNext('sendMessage', { errorCode: 500 }, 4);
    await queue('P2 alert');
    for (let step = 0; step < 10; step++) await timers.advance(minute);
    expect(delivered('P2 alert')).toBe(1);
    const attempts = fake.calls.filter((call) => call.method === 'sendMessage');
    expect(attempts.map((call) => call.errorCode ?? 200)).toEqual([500, 500, 500, 500, 200]);
    expect((await listOutbox(test.workspace))[0]).toMatchObject({ state: 'sent', attempts: 5 });
  });

  it('after half an hour of Telegram being down, delivers every alert once and in order', async () => {
    await start();
    fake.goDown({ errorCode: 502, description: 'Bad Gateway' });
    const texts: string[] = [];
    for (let index = 1; index <= 12; index++) {
      texts.push(`alert ${index}`);
      await queue(`alert ${index}`);
      await timers.advance(2 * minute);
      if (index === 6) fake.goDown({ network: true }); // the second half of the outage drops connections instead
    }
    await timers.advance(6 * minute);
    expect(fake.botMessages(chat)).toHaveLength(0);
    // While Telegram fails, only the cheap getMe probe is tried (every 2 min at most here), not the alerts themselves.
    expect(fake.calls.filter((call) => call.method === 'sendMessage')).toHaveLength(1);
    expect(fake.calls.filter((call) => call.method === 'getMe').length).toBeGreaterThan(12);
    fake.comeBack();
    await timers.advance(3 * minute);
    expect(fake.botMessages(chat).map((message) => message.text)).toEqual(texts);
    const rows = await listOutbox(test.workspace);
    expect(rows.every((row) => row.state === 'sent' && row.remoteId !== null)).toBe(true);
    expect(new Set(rows.map((row) => row.remoteId)).size).toBe(12);
  });

  it('gives up at once on a chat Telegram refuses, without holding back other chats', async () => {
    await start();
    fake.failNext('sendMessage', { errorCode: 403, description: 'Forbidden: bot was blocked by the user' });
    await queue('to a blocked chat', 777);
    await queue('to the lead');
    expect(delivered('to the lead')).toBe(1);
    const blocked = (await listOutbox(test.workspace)).find((row) => row.recipient === '777')!;
    expect(blocked).toMatchObject({ state: 'failed', lastError: 'Telegram answered 403: Forbidden: bot was blocked by the user' });
  });
});
