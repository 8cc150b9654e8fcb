// A local fake of the Zendesk Support API's ticket update (`PUT /api/v2/tickets/{id}.json`) and List Comments
// (`GET /api/v2/tickets/{id}/comments.json`, `sort_order` asc or desc) on node:http, answering as Zendesk documents:
// `{ticket, audit}` on success, `additional_tags` merged into the ticket's tags (where `tags` would replace them),
// comments with their `public` flag, `{comments, next_page, previous_page, count}` for the list; `{"error": "Couldn't
// authenticate you"}` for bad basic auth, RecordNotFound for an unknown ticket, and injectable failures (429 with
// Retry-After, 5xx, an update applied whose answer is lost).
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
  /** Per ticket, the id, audit and time of each comment (in the order of `comments`). */
  private readonly commentFacts = new Map<number, { id: number; audit_id: number; created_at: string }[]>();
  private nextAudit = 9000;
  private nextComment = 41000;

  private constructor(
    private readonly fake: JsonFake,
    readonly email: string,
    readonly token: string,
    private readonly now: () => Date,
  ) {}

  static async start(options: { email?: string; token?: string; now?: () => Date } = {}): Promise<FakeZendesk> {
    let zendesk: FakeZendesk | undefined;
    const fake = await JsonFake.start((request) => zendesk!.route(request.method, request.path, request.query, String(request.headers.authorization ?? ''), request.body));
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

  /** Every request, in the order they came (reads included). */
  get requests(): RecordedRequest[] {
    return this.fake.requests;
  }

  failNext(answer: Answer): void {
    this.fake.failNext(answer);
  }

  /** The next successful request (to `method path`, when given) is applied, then the connection drops before Zendesk's answer is written. */
  applyThenDropAnswer(to?: { method: string; path: string }): void {
    this.fake.dropNextAnswer(to ? (method, path) => method === to.method && path === to.path : undefined);
  }

  /** Zendesk's rate limit answer for ticket updates. */
  tooManyRequests(retryAfterSeconds: number): Answer {
    return { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: 'Rate limit for ticket updates exceeded, please wait before updating this ticket again' };
  }

  close(): Promise<void> {
    return this.fake.close();
  }

  private route(method: string, path: string, query: URLSearchParams, authorization: string, body: unknown): Answer {
    const expected = `Basic ${Buffer.from(`${this.email}/token:${this.token}`).toString('base64')}`;
    if (authorization !== expected) return { status: 401, body: { error: "Couldn't authenticate you" } };
    const list = /^\/api\/v2\/tickets\/(\d+)\/comments\.json$/.exec(path);
    if (list && method === 'GET') return this.listComments(Number(list[1]), query);
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
    ticket.updated_at = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const auditId = this.nextAudit++;
    const comment = update.comment as { body?: unknown; public?: unknown } | undefined;
    if (comment && typeof comment.body === 'string') {
      ticket.comments.push({ body: comment.body, public: comment.public !== false });
      const facts = this.commentFacts.get(ticket.id) ?? [];
      facts.push({ id: this.nextComment++, audit_id: auditId, created_at: ticket.updated_at });
      this.commentFacts.set(ticket.id, facts);
      events.push({ type: 'Comment', body: comment.body, public: comment.public !== false });
    }
    const audit = { id: auditId, ticket_id: ticket.id, created_at: ticket.updated_at, author_id: 235323, events };
    return { status: 200, body: { ticket: { id: ticket.id, tags: ticket.tags, priority: ticket.priority, updated_at: ticket.updated_at }, audit } };
  }

  /** List Comments: oldest first unless `sort_order=desc`, each as Zendesk's Ticket Comments JSON format has it. */
  private listComments(id: number, query: URLSearchParams): Answer {
    const ticket = this.tickets.get(id);
    if (!ticket) return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
    const facts = this.commentFacts.get(id) ?? [];
    const comments = ticket.comments.map((comment, index) => ({
      id: facts[index]?.id ?? index + 1,
      type: 'Comment',
      author_id: 235323,
      body: comment.body,
      html_body: `<div class="zd-comment"><p>${comment.body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>')}</p></div>`,
      plain_body: comment.body,
      public: comment.public,
      attachments: [],
      audit_id: facts[index]?.audit_id ?? null,
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      created_at: facts[index]?.created_at ?? ticket.updated_at,
      metadata: { system: {}, custom: {} },
    }));
    if (query.get('sort_order') === 'desc') comments.reverse();
    return { status: 200, body: { comments, next_page: null, previous_page: null, count: comments.length } };
  }
}
