// A local fake of the Zendesk Support API's ticket update (`PUT /api/v2/tickets/{id}.json`) on node:http, answering
// as Zendesk documents: `{ticket, audit}` on success, `additional_tags` merged into the ticket's tags (where `tags`
// would replace them), comments with their `public` flag; `{"error": "Couldn't authenticate you"}` for bad basic auth,
// RecordNotFound for an unknown ticket, and injectable failures (429 with Retry-After, 5xx).
import { JsonFake, type Answer, type RecordedRequest } from './json-http';

export interface FakeZendeskTicket {
  id: number;
  tags: string[];
  priority: string | null;
  comments: { body: string; public: boolean }[];
  updated_at: string;
}

export class FakeZendesk {
  readonly tickets = new Map<number, FakeZendeskTicket>();
  private nextAudit = 9000;

  private constructor(
    private readonly fake: JsonFake,
    readonly email: string,
    readonly token: string,
    private readonly now: () => Date,
  ) {}

  static async start(options: { email?: string; token?: string; now?: () => Date } = {}): Promise<FakeZendesk> {
    let zendesk: FakeZendesk | undefined;
    const fake = await JsonFake.start((request) => zendesk!.route(request.method, request.path, String(request.headers.authorization ?? ''), request.body));
    zendesk = new FakeZendesk(fake, options.email ?? 'agent@acme.example', options.token ?? 'zendesk-api-token', options.now ?? (() => new Date()));
    return zendesk;
  }

  get apiRoot(): string {
    return this.fake.apiRoot;
  }

  /** Ticket update requests, in the order they came (failed ones included). */
  get updates(): RecordedRequest[] {
    return this.fake.requests.filter((request) => request.method === 'PUT');
  }

  addTicket(id: number, tags: string[] = []): FakeZendeskTicket {
    const ticket: FakeZendeskTicket = { id, tags: [...tags], priority: null, comments: [], updated_at: this.now().toISOString() };
    this.tickets.set(id, ticket);
    return ticket;
  }

  failNext(answer: Answer): void {
    this.fake.failNext(answer);
  }

  /** Zendesk's rate limit answer for ticket updates. */
  tooManyRequests(retryAfterSeconds: number): Answer {
    return { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: 'Rate limit for ticket updates exceeded, please wait before updating this ticket again' };
  }

  close(): Promise<void> {
    return this.fake.close();
  }

  private route(method: string, path: string, authorization: string, body: unknown): Answer {
    const expected = `Basic ${Buffer.from(`${this.email}/token:${this.token}`).toString('base64')}`;
    if (authorization !== expected) return { status: 401, body: { error: "Couldn't authenticate you" } };
    const match = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(path);
    if (!match || method !== 'PUT') return { status: 404, body: { error: 'InvalidEndpoint', description: 'Not found' } };
    const ticket = this.tickets.get(Number(match[1]));
    if (!ticket) return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
    const update = (body as { ticket?: Record<string, unknown> } | undefined)?.ticket;
    if (!update || typeof update !== 'object') return { status: 400, body: { error: 'InvalidValue', description: 'ticket is required' } };
    const events: Record<string, unknown>[] = [];
    if (Array.isArray(update.tags)) ticket.tags = update.tags.map(String);
    if (Array.isArray(update.additional_tags)) {
      for (const tag of update.additional_tags.map(String)) if (!ticket.tags.includes(tag)) ticket.tags.push(tag);
      events.push({ type: 'Change', field_name: 'tags', value: ticket.tags });
    }
    if (typeof update.priority === 'string') {
      if (!['urgent', 'high', 'normal', 'low'].includes(update.priority)) {
        return { status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors', details: { priority: [{ description: 'Priority: is invalid' }] } } };
      }
      events.push({ type: 'Change', field_name: 'priority', value: update.priority, previous_value: ticket.priority });
      ticket.priority = update.priority;
    }
    const comment = update.comment as { body?: unknown; public?: unknown } | undefined;
    if (comment && typeof comment.body === 'string') {
      ticket.comments.push({ body: comment.body, public: comment.public !== false });
      events.push({ type: 'Comment', body: comment.body, public: comment.public !== false });
    }
    ticket.updated_at = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const audit = { id: this.nextAudit++, ticket_id: ticket.id, created_at: ticket.updated_at, author_id: 235323, events };
    return { status: 200, body: { ticket: { id: ticket.id, tags: ticket.tags, priority: ticket.priority, updated_at: ticket.updated_at }, audit } };
  }
}
