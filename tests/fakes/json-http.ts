// The little node:http plumbing the help-desk API fakes share: a JSON server on a free loopback port, every request
// recorded, and failures queued to be answered before the next real answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The status the fake answered. */
  status: number;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Route = (request: { method: string; path: string; headers: IncomingMessage['headers']; body: unknown }) => Answer;

export class JsonFake {
  readonly requests: RecordedRequest[] = [];
  private readonly failures: Answer[] = [];

  private constructor(
    private readonly server: Server,
    readonly apiRoot: string,
  ) {}

  static async start(route: Route): Promise<JsonFake> {
    let fake: JsonFake | undefined;
    const server = createServer((request, response) => void fake!.handle(request, response, route));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new JsonFake(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  /** The next request (whatever it is) gets this answer instead of the real one. */
  failNext(answer: Answer): void {
    this.failures.push(answer);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse, route: Route): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      body = text;
    }
    const path = (request.url ?? '/').split('?')[0]!;
    const method = request.method ?? 'GET';
    const answer = this.failures.shift() ?? route({ method, path, headers: request.headers, body });
    this.requests.push({ method, path, headers: request.headers, body, status: answer.status });
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  }
}
