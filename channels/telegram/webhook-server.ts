// Webhook mode: an HTTP endpoint Telegram POSTs updates to. The secret_token header is compared in constant time;
// updates are acknowledged at once and handled one after another, each update id once.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bot, Context } from 'grammy';
import type { Update } from 'grammy/types';
import { z } from 'zod';

export interface WebhookServerOptions {
  bot: Bot<Context>;
  secretToken: string;
  /** Where to listen (default 127.0.0.1:8081; put a TLS proxy in front: Telegram only calls HTTPS URLs). */
  host?: string;
  port?: number;
  /** The path updates arrive on (the webhook URL's path). */
  path: string;
  log?: (line: string) => void;
}

const maxBodyBytes = 1_000_000;
/** An update must at least carry its id; grammY's middleware reads the rest. */
const updateSchema = z.object({ update_id: z.number().int() }).loose();

/** Whether `given` equals `expected`, in time independent of where they differ (and of their lengths). */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export class WebhookServer {
  private queue: Promise<void> = Promise.resolve();
  private readonly seen: number[] = [];
  private server: Server | undefined;

  constructor(private readonly options: WebhookServerOptions) {}

  /** Starts listening; returns the address it listens on. */
  async listen(): Promise<AddressInfo> {
    await this.options.bot.init();
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 8081, this.options.host ?? '127.0.0.1', () => resolve());
    });
    return server.address() as AddressInfo;
  }

  /** Stops accepting updates and waits for the ones being handled. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.queue;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST' || (request.url ?? '').split('?')[0] !== this.options.path) return finish(response, 404, 'not found');
    const header = request.headers['x-telegram-bot-api-secret-token'];
    if (!secretMatches(Array.isArray(header) ? header[0] : header, this.options.secretToken)) return finish(response, 401, 'secret token mismatch');
    let body = '';
    for await (const chunk of request) {
      body += String(chunk);
      if (body.length > maxBodyBytes) return finish(response, 413, 'update too large');
    }
    let update: Update;
    try {
      update = updateSchema.parse(JSON.parse(body)) as Update;
    } catch (error) {
      return finish(response, 400, `not a Telegram update: ${error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message}`);
    }
    finish(response, 200, 'ok');
    if (this.seen.includes(update.update_id)) return;
    this.seen.push(update.update_id);
    if (this.seen.length > 1000) this.seen.shift();
    this.queue = this.queue.then(() =>
      this.options.bot.handleUpdate(update).catch((error: unknown) => {
        this.options.log?.(`telegram: update ${update.update_id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }),
    );
  }
}

function finish(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain' });
  response.end(text);
}
