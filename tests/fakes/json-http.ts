// The little node:http plumbing the help-desk API fakes share: a JSON server on a free loopback port, every request
// recorded, failures queued to be answered before the next real answer, and a request that is carried out but whose
// answer is lost (the connection dropped after the work was done).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The status the fake answered; 0 when it dropped the connection instead (see dropNextAnswer). */
  status: number;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Route = (request: { method: string; path: string; query: URLSearchParams; headers: IncomingMessage['headers']; body: unknown }) => Answer;

export class JsonFake {
  readonly requests: RecordedRequest[] = [];
  private readonly failures: Answer[] = [];
  private readonly drops: ((method: string, path: string) => boolean)[] = [];

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

  /**
   * The next request that succeeds (and that `which` picks, when given) is carried out as usual, then its connection
   * is destroyed before any answer is written: the work is done, the sender never hears so.
   */
  dropNextAnswer(which: (method: string, path: string) => boolean = () => true): void {
    this.drops.push(which);
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
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    const answer = this.failures.shift() ?? route({ method, path, query: url.searchParams, headers: request.headers, body });
    const drop = answer.status < 300 ? this.drops.findIndex((which) => which(method, path)) : -1;
    if (drop >= 0) {
      this.drops.splice(drop, 1);
      this.requests.push({ method, path, headers: request.headers, body, status: 0 });
      request.socket.destroy();
      return;
    }
    this.requests.push({ method, path, headers: request.headers, body, status: answer.status });
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  }
}
