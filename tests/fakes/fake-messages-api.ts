// A local fake of the Anthropic Messages API (POST /v1/messages, JSON or SSE), scripted per test: each request takes
// the next scripted reply — a message (text and tool_use blocks) or an HTTP error — and is recorded for assertions.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown };

export type ScriptedReply =
  | { kind: 'message'; content: FakeBlock[]; stop_reason: 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal' }
  | { kind: 'error'; status: number; type: string; message: string; headers?: Record<string, string> };

export interface RecordedRequest {
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    max_tokens: number;
    system?: { type: string; text: string; cache_control?: unknown }[];
    tools?: { name: string; description: string; input_schema: Record<string, unknown>; cache_control?: unknown }[];
    messages: { role: 'user' | 'assistant'; content: string | Record<string, unknown>[] }[];
    stream?: boolean;
  };
}

let toolIds = 0;

/** A final text answer. */
export function says(text: string): ScriptedReply {
  return { kind: 'message', content: [{ type: 'text', text }], stop_reason: 'end_turn' };
}

/** A turn that calls one or more tools (optionally with a text block first). */
export function callsTools(...calls: { name: string; input: unknown }[]): ScriptedReply {
  return {
    kind: 'message',
    content: calls.map((call) => ({ type: 'tool_use', id: `toolu_${String(++toolIds).padStart(4, '0')}`, name: call.name, input: call.input })),
    stop_reason: 'tool_use',
  };
}

export function fails(status: number, type: string, message = type, headers?: Record<string, string>): ScriptedReply {
  return headers ? { kind: 'error', status, type, message, headers } : { kind: 'error', status, type, message };
}

export class FakeMessagesApi {
  readonly requests: RecordedRequest[] = [];
  private readonly script: ScriptedReply[] = [];
  private server: Server | undefined;
  private messageCount = 0;

  /** Queues replies, consumed one per request in order. */
  queue(...replies: ScriptedReply[]): void {
    this.script.push(...replies);
  }

  get pending(): number {
    return this.script.length;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || !request.url?.startsWith('/v1/messages')) {
      return this.json(response, 404, { type: 'error', error: { type: 'not_found_error', message: `fake: no route ${request.method} ${request.url}` } });
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'];
    this.requests.push({ headers: request.headers, body });
    const reply = this.script.shift();
    if (!reply) return this.json(response, 500, { type: 'error', error: { type: 'api_error', message: 'fake: no scripted reply left' } });
    if (reply.kind === 'error') {
      return this.json(response, reply.status, { type: 'error', error: { type: reply.type, message: reply.message } }, reply.headers);
    }
    const message = {
      id: `msg_${++this.messageCount}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: reply.content,
      stop_reason: reply.stop_reason,
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
    if (body.stream) return this.stream(response, message);
    this.json(response, 200, message);
  }

  private json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${this.requests.length}`, ...headers });
    response.end(JSON.stringify(body));
  }

  private stream(response: ServerResponse, message: { content: FakeBlock[]; stop_reason: string } & Record<string, unknown>): void {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null } });
    message.content.forEach((block, index) => {
      if (block.type === 'text') {
        send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
      } else {
        send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
      }
      send('content_block_stop', { type: 'content_block_stop', index });
    });
    send('message_delta', { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: 20 } });
    send('message_stop', { type: 'message_stop' });
    response.end();
  }
}
