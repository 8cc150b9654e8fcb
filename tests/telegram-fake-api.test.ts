// The fake Bot API behaves like Telegram for the real grammY client: long polling, photos, errors, failures.
import { Api, Bot, GrammyError, HttpError, InputFile } from 'grammy';
import { FakeBotApi } from './fakes/telegram-bot-api';

describe('the fake Telegram Bot API', () => {
  let fake: FakeBotApi;
  beforeEach(async () => {
    fake = await FakeBotApi.start();
  });
  afterEach(async () => fake.close());

  it('delivers a pushed message to a long-polling grammY bot, which answers it', async () => {
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
    bot.on('message:text', (ctx) => ctx.reply(`you said ${ctx.message.text}`));
    bot.command('help', (ctx) => ctx.reply('help!'));
    const running = bot.start();
    try {
      await fake.waitFor(() => fake.calls.some((call) => call.method === 'getUpdates' && call.payload.timeout === 30));
      fake.sendUserMessage(42, 'hello');
      const reply = await fake.waitFor(() => fake.botMessages(42)[0]);
      expect(reply.text).toBe('you said hello');
      expect(fake.calls.map((call) => call.method).slice(0, 3)).toEqual(['getMe', 'deleteWebhook', 'getUpdates']);
    } finally {
      await bot.stop();
      await running;
    }
    // stop() confirmed the update, so a new poll does not see it again
    const again = await new Api(fake.token, { apiRoot: fake.apiRoot }).getUpdates({ offset: -0, timeout: 0 });
    expect(again).toEqual([]);
  });

  it('receives a photo sent as multipart form data with its caption and bytes', async () => {
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 13, 10, 0]);
    const sent = await api.sendPhoto(5, new InputFile(bytes, 'chart.png'), { caption: '<b>Chart</b> &amp; more', parse_mode: 'HTML' });
    expect(sent.photo[0]!.file_size).toBe(bytes.length);
    const [message] = fake.botMessages(5);
    expect(message!.photo!.bytes.equals(bytes)).toBe(true);
    expect(message!.photo!.filename).toBe('chart.png');
    expect(message!.caption).toBe('<b>Chart</b> &amp; more');
  });

  it('refuses unescaped HTML and over-long text the way Telegram does', async () => {
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    await expect(api.sendMessage(1, 'a < b', { parse_mode: 'HTML' })).rejects.toThrow(/can't parse entities/);
    await expect(api.sendMessage(1, 'x'.repeat(4097))).rejects.toThrow(/message is too long/);
    await expect(api.sendMessage(1, `<b>${'x'.repeat(4096)}</b>`, { parse_mode: 'HTML' })).resolves.toBeDefined();
  });

  it('answers injected failures with Bot API error bodies, and drops connections on request', async () => {
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    fake.failNext('sendMessage', { errorCode: 429, retryAfter: 7 });
    fake.failNext('sendMessage', { errorCode: 500 });
    fake.failNext('sendMessage', { network: true });
    const limited = await api.sendMessage(1, 'a').catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(GrammyError);
    expect((limited as GrammyError).error_code).toBe(429);
    expect((limited as GrammyError).parameters.retry_after).toBe(7);
    await expect(api.sendMessage(1, 'b')).rejects.toMatchObject({ error_code: 500 });
    await expect(api.sendMessage(1, 'c')).rejects.toBeInstanceOf(HttpError);
    await api.sendMessage(1, 'd');
    expect(fake.botMessages(1).map((message) => message.text)).toEqual(['d']);
    await expect(new Api('999:wrong', { apiRoot: fake.apiRoot }).getMe()).rejects.toMatchObject({ error_code: 401 });
  });

  it('edits messages, keeps their history and refuses an edit that changes nothing', async () => {
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    const keyboard = { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] };
    const sent = await api.sendMessage(3, 'before', { reply_markup: keyboard });
    await api.editMessageText(3, sent.message_id, 'after');
    await expect(api.editMessageText(3, sent.message_id, 'after')).rejects.toThrow(/message is not modified/);
    const message = fake.message(3, sent.message_id);
    expect(message.text).toBe('after');
    expect(message.reply_markup).toBeUndefined();
    expect(message.history).toEqual([{ text: 'before', reply_markup: keyboard }]);
  });
});
