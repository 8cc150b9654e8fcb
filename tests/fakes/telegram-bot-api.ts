// A local fake of the Telegram Bot API on node:http, good enough for the real grammY client: long polling with
// real timeout/offset, messages, photos (multipart), edits, callback queries, commands, webhooks, Bot-API-shaped
// errors and injectable failures (429 with retry_after, 5xx, dropped connections). It records every call.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { multipartBoundary, parseMultipart } from './multipart';
import { parseTelegramHtml } from './telegram-html';

export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
}

export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
}

export interface FakeMessage {
  message_id: number;
  chat: { id: number; type: 'private' | 'group'; first_name?: string; last_name?: string; username?: string; title?: string };
  from: FakeUser & { is_bot: boolean };
  date: number;
  text?: string;
  caption?: string;
  parse_mode?: string;
  /** The photo's bytes and file name, for sendPhoto. */
  photo?: { bytes: Buffer; filename: string | undefined };
  reply_markup?: { inline_keyboard: InlineButton[][] };
  /** Earlier versions of text and keyboard, oldest first, kept on each edit. */
  history: { text?: string; reply_markup?: FakeMessage['reply_markup'] }[];
}

export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  ok: boolean;
  errorCode?: number;
  description?: string;
  /** Real time of the call (ms), for ordering only. */
  at: number;
}

/** A failure the fake answers with instead of doing the call. */
export type Failure = { errorCode: number; description?: string; retryAfter?: number } | { network: true };

interface PendingPoll {
  offset: number;
  limit: number;
  respond: (updates: unknown[]) => void;
}

const bot: FakeUser & { is_bot: true } = { id: 777000, is_bot: true, first_name: 'Escalator', username: 'escalator_test_bot' };

export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  /** What setMyCommands last registered. */
  commands: { command: string; description: string }[] = [];
  /** answerCallbackQuery calls by query id. */
  readonly callbackAnswers = new Map<string, { text?: string; show_alert?: boolean }>();
  webhook: { url: string; secretToken?: string } | undefined;

  private readonly chats = new Map<number, FakeMessage[]>();
  private readonly updates: { update_id: number; [key: string]: unknown }[] = [];
  private nextUpdateId = 1000;
  private nextQueryId = 1;
  private confirmedOffset = 0;
  private polls: PendingPoll[] = [];
  private failures: { method: string; failure: Failure; times: number }[] = [];
  private outage: { failure: Failure; methods?: string[] } | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly token: string,
    readonly apiRoot: string,
    private readonly now: () => Date,
  ) {}

  /** Starts the fake on a free port of 127.0.0.1. `now` dates messages (a test's fake clock). */
  static async start(options: { token?: string; now?: () => Date } = {}): Promise<FakeBotApi> {
    const token = options.token ?? '123456:TEST-token';
    let fake: FakeBotApi | undefined;
    const server = createServer((request, response) => void fake!.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    fake = new FakeBotApi(server, token, `http://127.0.0.1:${port}`, options.now ?? (() => new Date()));
    server.on('connection', (socket) => {
      fake!.sockets.add(socket);
      socket.on('close', () => fake!.sockets.delete(socket));
    });
    return fake;
  }

  get botUser(): FakeUser & { is_bot: true } {
    return bot;
  }

  /** Answers the next `times` calls of `method` ('*' for any but getUpdates) with `failure`. */
  failNext(method: string, failure: Failure, times = 1): void {
    this.failures.push({ method, failure, times });
  }

  /** Telegram is down: every call (or the listed methods) fails with `failure` until `comeBack`. getUpdates too. */
  goDown(failure: Failure = { errorCode: 502, description: 'Bad Gateway' }, methods?: string[]): void {
    this.outage = methods ? { failure, methods } : { failure };
  }

  comeBack(): void {
    this.outage = undefined;
  }

  /** A user writes to the bot; returns the update id. In a private chat the chat id is the user id. */
  sendUserMessage(chatId: number, text: string, from: FakeUser = defaultUser(chatId)): number {
    // As in Telegram, a private chat carries its person's names.
    const chat = chatId > 0 ? { chat: { id: chatId, type: 'private' as const, first_name: from.first_name, ...(from.last_name ? { last_name: from.last_name } : {}), ...(from.username ? { username: from.username } : {}) } } : {};
    const message = this.store(chatId, { from: { ...from, is_bot: false }, text, ...chat });
    const entities = [...text.matchAll(/(?<=^|\s)\/[a-zA-Z0-9_]+(?:@[a-zA-Z0-9_]+)?/g)].map((match) => ({
      type: 'bot_command',
      offset: match.index,
      length: match[0].length,
    }));
    const { history: _history, photo: _photo, ...wire } = message;
    return this.pushUpdate({ message: entities.length ? { ...wire, entities } : wire });
  }

  /**
   * A user presses an inline button of a bot message: by its label (it must be on the message's current keyboard)
   * or by raw callback data (a forged or stale press). Returns the callback query id.
   */
  pressButton(chatId: number, messageId: number, button: string | { data: string }, from: FakeUser = defaultUser(chatId)): string {
    const message = this.message(chatId, messageId);
    let data: string;
    if (typeof button === 'string') {
      const found = message.reply_markup?.inline_keyboard.flat().find((candidate) => candidate.text === button);
      if (!found?.callback_data) {
        const labels = message.reply_markup?.inline_keyboard.flat().map((candidate) => candidate.text) ?? [];
        throw new Error(`message ${messageId} in chat ${chatId} has no button "${button}" (buttons: ${labels.join(', ') || 'none'})`);
      }
      data = found.callback_data;
    } else {
      data = button.data;
    }
    const id = String(this.nextQueryId++);
    const { history: _history, photo: _photo, ...wire } = message;
    this.pushUpdate({ callback_query: { id, from: { ...from, is_bot: false }, message: wire, chat_instance: `ci${chatId}`, data } });
    return id;
  }

  /** The bot's messages in a chat (current text and keyboard), oldest first. */
  botMessages(chatId: number): FakeMessage[] {
    return (this.chats.get(chatId) ?? []).filter((message) => message.from.is_bot);
  }

  message(chatId: number, messageId: number): FakeMessage {
    const found = this.chats.get(chatId)?.find((message) => message.message_id === messageId);
    if (!found) throw new Error(`no message ${messageId} in chat ${chatId}`);
    return found;
  }

  /** Successful calls of one method. */
  succeeded(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && call.ok);
  }

  /**
   * Resolves with `check()`'s first defined value, re-checking after every call the fake receives. Fails after
   * `timeoutMs` of real time (a bound on a test that would otherwise hang, not a sleep).
   */
  waitFor<T>(check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const first = check();
    if (first !== undefined && first !== false) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const listener = () => {
        const value = check();
        if (value === undefined || value === false) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`waitFor: condition not met within ${timeoutMs} ms; last calls: ${this.calls.slice(-5).map((call) => call.method).join(', ')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  async close(): Promise<void> {
    for (const poll of this.polls) poll.respond([]);
    this.polls = [];
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pushUpdate(body: Record<string, unknown>): number {
    const update = { update_id: this.nextUpdateId++, ...body };
    if (this.webhook) {
      void this.postToWebhook(update);
      return update.update_id;
    }
    this.updates.push(update);
    this.wakePolls();
    return update.update_id;
  }

  private async postToWebhook(update: unknown): Promise<void> {
    const { url, secretToken } = this.webhook!;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secretToken) headers['x-telegram-bot-api-secret-token'] = secretToken;
    await fetch(url, { method: 'POST', headers, body: JSON.stringify(update) }).catch(() => undefined);
  }

  private wakePolls(): void {
    const waiting = this.polls;
    this.polls = [];
    for (const poll of waiting) {
      const ready = this.pending(poll.offset, poll.limit);
      if (ready.length > 0) poll.respond(ready);
      else this.polls.push(poll);
    }
  }

  private pending(offset: number, limit: number): unknown[] {
    if (offset > this.confirmedOffset) this.confirmedOffset = offset;
    while (this.updates.length > 0 && this.updates[0]!.update_id < this.confirmedOffset) this.updates.shift();
    return this.updates.slice(0, limit);
  }

  private store(chatId: number, fields: Partial<FakeMessage> & { from: FakeMessage['from'] }): FakeMessage {
    const messages = this.chats.get(chatId) ?? [];
    this.chats.set(chatId, messages);
    const message: FakeMessage = {
      message_id: (messages.at(-1)?.message_id ?? 0) + 1,
      chat: chatId > 0 ? { id: chatId, type: 'private', first_name: `User${chatId}` } : { id: chatId, type: 'group', title: `Group${chatId}` },
      date: Math.floor(this.now().getTime() / 1000),
      history: [],
      ...fields,
    };
    messages.push(message);
    return message;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((request.url ?? '').split('?')[0]!);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (!match) return send(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = match as unknown as [string, string, string];
    let payload: Record<string, unknown>;
    let files = new Map<string, { bytes: Buffer; filename: string | undefined }>();
    try {
      ({ payload, files } = readBody(request, Buffer.concat(chunks)));
    } catch (error) {
      return send(response, 400, { ok: false, error_code: 400, description: `Bad Request: ${(error as Error).message}` });
    }
    const record: RecordedCall = { method, payload, ok: false, at: Date.now() };
    this.calls.push(record);
    const failure = token === this.token ? this.takeFailure(method) : ({ errorCode: 401, description: 'Unauthorized' } as Failure);
    if (failure && 'network' in failure) {
      record.description = 'connection dropped';
      this.notify();
      request.socket.destroy();
      return;
    }
    if (failure) {
      record.errorCode = failure.errorCode;
      record.description = failure.description ?? defaultDescription(failure.errorCode);
      this.notify();
      const body: Record<string, unknown> = { ok: false, error_code: failure.errorCode, description: record.description };
      if (failure.retryAfter !== undefined) {
        body.parameters = { retry_after: failure.retryAfter };
        record.description = `Too Many Requests: retry after ${failure.retryAfter}`;
        body.description = record.description;
      }
      return send(response, failure.errorCode, body);
    }
    if (method === 'getUpdates') return this.getUpdates(payload, record, request, response);
    const outcome = this.perform(method, payload, files);
    if ('error' in outcome) {
      record.errorCode = 400;
      record.description = outcome.error;
    } else {
      record.ok = true;
    }
    this.notify();
    if ('error' in outcome) return send(response, outcome.code ?? 400, { ok: false, error_code: outcome.code ?? 400, description: outcome.error });
    send(response, 200, { ok: true, result: outcome.result });
  }

  private getUpdates(payload: Record<string, unknown>, record: RecordedCall, request: IncomingMessage, response: ServerResponse): void {
    if (this.webhook) {
      record.errorCode = 409;
      record.description = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
      this.notify();
      return send(response, 409, { ok: false, error_code: 409, description: record.description });
    }
    record.ok = true;
    this.notify();
    const offset = Number(payload.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(payload.limit ?? 100)));
    const timeout = Math.max(0, Number(payload.timeout ?? 0));
    const ready = this.pending(offset, limit);
    if (ready.length > 0 || timeout === 0) return send(response, 200, { ok: true, result: ready });
    let done = false;
    // A kept-alive socket carries poll after poll: each answered poll takes its close listener away again, or they
    // pile up on the socket (MaxListenersExceededWarning after ten polls).
    const closed = () => {
      done = true;
      clearTimeout(timer);
      this.polls = this.polls.filter((candidate) => candidate !== poll);
    };
    const poll: PendingPoll = {
      offset,
      limit,
      respond: (updates) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        request.socket.off('close', closed);
        send(response, 200, { ok: true, result: updates });
      },
    };
    const timer = setTimeout(() => {
      this.polls = this.polls.filter((candidate) => candidate !== poll);
      poll.respond([]);
    }, timeout * 1000);
    request.socket.once('close', closed);
    this.polls.push(poll);
  }

  private takeFailure(method: string): Failure | undefined {
    if (this.outage && (!this.outage.methods || this.outage.methods.includes(method))) return this.outage.failure;
    const index = this.failures.findIndex((entry) => entry.method === method || (entry.method === '*' && method !== 'getUpdates'));
    if (index < 0) return undefined;
    const entry = this.failures[index]!;
    if (--entry.times <= 0) this.failures.splice(index, 1);
    return entry.failure;
  }

  private perform(
    method: string,
    payload: Record<string, unknown>,
    files: Map<string, { bytes: Buffer; filename: string | undefined }>,
  ): { result: unknown } | { error: string; code?: number } {
    switch (method) {
      case 'getMe':
        return { result: { ...bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } };
      case 'deleteWebhook':
        this.webhook = undefined;
        if (payload.drop_pending_updates === true || payload.drop_pending_updates === 'true') this.updates.length = 0;
        return { result: true };
      case 'setWebhook': {
        if (typeof payload.url !== 'string' || !payload.url) return { error: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' };
        this.webhook = typeof payload.secret_token === 'string' ? { url: payload.url, secretToken: payload.secret_token } : { url: payload.url };
        return { result: true };
      }
      case 'getWebhookInfo':
        return { result: { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.updates.length } };
      case 'setMyCommands': {
        const commands = payload.commands;
        if (!Array.isArray(commands)) return { error: 'Bad Request: parameter "commands" is required' };
        for (const command of commands as { command?: unknown; description?: unknown }[]) {
          if (typeof command.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command.command)) return { error: 'Bad Request: BOT_COMMAND_INVALID' };
          if (typeof command.description !== 'string' || command.description.length < 1 || command.description.length > 256) {
            return { error: 'Bad Request: command description is invalid' };
          }
        }
        this.commands = commands as { command: string; description: string }[];
        return { result: true };
      }
      case 'sendChatAction':
        return this.chatOf(payload) === undefined ? { error: 'Bad Request: chat not found' } : { result: true };
      case 'sendMessage':
        return this.sendMessage(payload);
      case 'sendPhoto':
        return this.sendPhoto(payload, files);
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        return this.edit(method, payload);
      case 'answerCallbackQuery': {
        const id = String(payload.callback_query_id ?? '');
        if (!id || Number(id) >= this.nextQueryId || this.callbackAnswers.has(id)) {
          return { error: 'Bad Request: query is too old and response timeout expired or query ID is invalid' };
        }
        const answer: { text?: string; show_alert?: boolean } = {};
        if (typeof payload.text === 'string') answer.text = payload.text;
        if (payload.show_alert !== undefined) answer.show_alert = payload.show_alert === true || payload.show_alert === 'true';
        this.callbackAnswers.set(id, answer);
        return { result: true };
      }
      default:
        return { error: 'Not Found: method not found', code: 404 };
    }
  }

  private chatOf(payload: Record<string, unknown>): number | undefined {
    const id = Number(payload.chat_id);
    return Number.isInteger(id) && id !== 0 ? id : undefined;
  }

  private sendMessage(payload: Record<string, unknown>): { result: unknown } | { error: string } {
    const chatId = this.chatOf(payload);
    if (chatId === undefined) return { error: 'Bad Request: chat not found' };
    const checked = checkText(payload.text, payload.parse_mode, 4096, 'message text');
    if ('error' in checked) return checked;
    const markup = readMarkup(payload.reply_markup);
    if (markup && 'error' in markup) return markup;
    const message = this.store(chatId, { from: bot, text: String(payload.text), ...optional('parse_mode', typeof payload.parse_mode === 'string' ? payload.parse_mode : undefined), ...optional('reply_markup', markup) });
    return { result: wireMessage(message, checked.plain) };
  }

  private sendPhoto(payload: Record<string, unknown>, files: Map<string, { bytes: Buffer; filename: string | undefined }>): { result: unknown } | { error: string } {
    const chatId = this.chatOf(payload);
    if (chatId === undefined) return { error: 'Bad Request: chat not found' };
    const reference = String(payload.photo ?? '');
    const file = reference.startsWith('attach://') ? files.get(reference.slice('attach://'.length)) : undefined;
    if (!file) return { error: 'Bad Request: there is no photo in the request' };
    if (file.bytes.length === 0) return { error: 'Bad Request: file must be non-empty' };
    let caption: string | undefined;
    if (payload.caption !== undefined) {
      const checked = checkText(payload.caption, payload.parse_mode, 1024, 'caption');
      if ('error' in checked) return checked;
      caption = String(payload.caption);
    }
    const markup = readMarkup(payload.reply_markup);
    if (markup && 'error' in markup) return markup;
    const message = this.store(chatId, { from: bot, photo: file, ...optional('caption', caption), ...optional('parse_mode', typeof payload.parse_mode === 'string' ? payload.parse_mode : undefined), ...optional('reply_markup', markup) });
    const { history: _history, photo: _photo, ...wire } = message;
    return {
      result: { ...wire, photo: [{ file_id: `photo-${chatId}-${message.message_id}`, file_unique_id: `u${message.message_id}`, width: 800, height: 400, file_size: file.bytes.length }] },
    };
  }

  private edit(method: string, payload: Record<string, unknown>): { result: unknown } | { error: string } {
    const chatId = this.chatOf(payload);
    const messageId = Number(payload.message_id);
    const message = chatId === undefined ? undefined : this.chats.get(chatId)?.find((candidate) => candidate.message_id === messageId && candidate.from.is_bot);
    if (!message) return { error: 'Bad Request: message to edit not found' };
    const markup = readMarkup(payload.reply_markup);
    if (markup && 'error' in markup) return markup;
    let text = message.text;
    let plain = text;
    if (method === 'editMessageText') {
      const checked = checkText(payload.text, payload.parse_mode, 4096, 'message text');
      if ('error' in checked) return checked;
      text = String(payload.text);
      plain = checked.plain;
    }
    if (text === message.text && JSON.stringify(markup) === JSON.stringify(message.reply_markup)) {
      return { error: 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message' };
    }
    message.history.push({ ...optional('text', message.text), ...optional('reply_markup', message.reply_markup) });
    if (text !== undefined) message.text = text;
    if (method === 'editMessageText') {
      if (typeof payload.parse_mode === 'string') message.parse_mode = payload.parse_mode;
      else delete message.parse_mode;
    }
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    return { result: wireMessage(message, plain ?? '') };
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function defaultUser(chatId: number): FakeUser {
  return { id: Math.abs(chatId), first_name: `User${Math.abs(chatId)}` };
}

function defaultDescription(code: number): string {
  if (code === 401) return 'Unauthorized';
  if (code === 429) return 'Too Many Requests';
  if (code === 500) return 'Internal Server Error';
  if (code === 502) return 'Bad Gateway';
  if (code === 503) return 'Service Unavailable';
  return 'Error';
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

function checkText(value: unknown, parseMode: unknown, limit: number, what: string): { plain: string } | { error: string } {
  if (typeof value !== 'string' || value.length === 0) return { error: `Bad Request: ${what} is empty` };
  let plain = value;
  if (parseMode === 'HTML') {
    const parsed = parseTelegramHtml(value);
    if ('error' in parsed) return parsed;
    plain = parsed.text;
  } else if (parseMode !== undefined) {
    return { error: `Bad Request: unsupported parse_mode ${String(parseMode)} in this fake` };
  }
  if (plain.trim().length === 0) return { error: `Bad Request: ${what} is empty` };
  if (plain.length > limit) return { error: what === 'caption' ? 'Bad Request: message caption is too long' : 'Bad Request: message is too long' };
  return { plain };
}

function readMarkup(value: unknown): FakeMessage['reply_markup'] | { error: string } | undefined {
  if (value === undefined || value === null) return undefined;
  let markup: { inline_keyboard?: unknown };
  try {
    markup = (typeof value === 'string' ? JSON.parse(value) : value) as { inline_keyboard?: unknown };
  } catch {
    return { error: "Bad Request: can't parse reply keyboard markup JSON object" };
  }
  if (!Array.isArray(markup.inline_keyboard)) return { error: "Bad Request: can't parse reply keyboard markup JSON object" };
  for (const row of markup.inline_keyboard as unknown[]) {
    if (!Array.isArray(row)) return { error: 'Bad Request: field "inline_keyboard" must be an Array of Arrays' };
    for (const button of row as InlineButton[]) {
      if (typeof button.text !== 'string' || !button.text) return { error: 'Bad Request: text buttons are unallowed in the inline keyboard' };
      if (button.callback_data !== undefined && Buffer.byteLength(button.callback_data) > 64) return { error: 'Bad Request: BUTTON_DATA_INVALID' };
    }
  }
  if ((markup.inline_keyboard as unknown[]).length === 0) return undefined;
  return { inline_keyboard: markup.inline_keyboard as InlineButton[][] };
}

function wireMessage(message: FakeMessage, plain: string): Record<string, unknown> {
  const { history: _history, photo: _photo, parse_mode: _mode, ...wire } = message;
  return { ...wire, text: plain };
}

function readBody(request: IncomingMessage, body: Buffer): { payload: Record<string, unknown>; files: Map<string, { bytes: Buffer; filename: string | undefined }> } {
  const files = new Map<string, { bytes: Buffer; filename: string | undefined }>();
  const boundary = multipartBoundary(request.headers['content-type']);
  if (boundary) {
    const payload: Record<string, unknown> = {};
    for (const part of parseMultipart(body, boundary)) {
      if (part.filename !== undefined) files.set(part.name, { bytes: part.data, filename: part.filename });
      else payload[part.name] = decodeField(part.data.toString('utf8'));
    }
    return { payload, files };
  }
  if (body.length === 0) return { payload: {}, files };
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null) throw new Error('body is not a JSON object');
  return { payload: parsed as Record<string, unknown>, files };
}

/** Form fields arrive as text; objects (reply_markup) as JSON text. */
function decodeField(text: string): unknown {
  if (/^[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.writableEnded || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
