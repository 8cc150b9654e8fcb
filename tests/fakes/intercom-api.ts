// A local fake of the Intercom REST API parts write-back uses, on node:http, answering as Intercom documents:
// `POST /tags {name}` creates or finds a tag (`{type: "tag", id, name}`), `POST /conversations/{id}/tags {id, admin_id}`
// attaches it, `POST /conversations/{id}/reply` with message_type "note" adds a note part and returns the
// conversation, `GET /conversations/{id}` returns the conversation with its parts; errors are `{type: "error.list",
// errors: [{code, message}]}` (401 unauthorized, 404 not_found); failures can be injected, and so can a request applied
// whose answer is lost.
import { JsonFake, type Answer, type RecordedRequest } from './json-http';

export interface FakeConversation {
  id: string;
  tags: { id: string; name: string }[];
  notes: { id: string; body: string; adminId: string }[];
}

export class FakeIntercom {
  readonly conversations = new Map<string, FakeConversation>();
  readonly tags = new Map<string, string>();
  private nextId = 7522900;

  private constructor(
    private readonly fake: JsonFake,
    readonly token: string,
    readonly adminId: string,
  ) {}

  static async start(options: { token?: string; adminId?: string } = {}): Promise<FakeIntercom> {
    let intercom: FakeIntercom | undefined;
    const fake = await JsonFake.start((request) => intercom!.route(request.method, request.path, String(request.headers.authorization ?? ''), request.body));
    intercom = new FakeIntercom(fake, options.token ?? 'intercom-access-token', options.adminId ?? '991267618');
    return intercom;
  }

  get apiRoot(): string {
    return this.fake.apiRoot;
  }

  get requests(): RecordedRequest[] {
    return this.fake.requests;
  }

  addConversation(id: string): FakeConversation {
    const conversation: FakeConversation = { id, tags: [], notes: [] };
    this.conversations.set(id, conversation);
    return conversation;
  }

  failNext(answer: Answer): void {
    this.fake.failNext(answer);
  }

  /** The next successful request (to `method path`, when given) is applied, then the connection drops before Intercom's answer is written. */
  applyThenDropAnswer(to?: { method: string; path: string }): void {
    this.fake.dropNextAnswer(to ? (method, path) => method === to.method && path === to.path : undefined);
  }

  close(): Promise<void> {
    return this.fake.close();
  }

  private error(status: number, code: string, message: string): Answer {
    return { status, body: { type: 'error.list', request_id: `req-${this.nextId++}`, errors: [{ code, message }] } };
  }

  private route(method: string, path: string, authorization: string, body: unknown): Answer {
    if (authorization !== `Bearer ${this.token}`) return this.error(401, 'unauthorized', 'Access Token Invalid');
    const fields = (body ?? {}) as Record<string, unknown>;
    if (method === 'POST' && path === '/tags') {
      if (typeof fields.name !== 'string' || fields.name === '') return this.error(400, 'parameter_invalid', 'name is required');
      let id = this.tags.get(fields.name);
      if (!id) this.tags.set(fields.name, (id = String(this.nextId++)));
      return { status: 200, body: { type: 'tag', id, name: fields.name } };
    }
    const shown = /^\/conversations\/([^/]+)$/.exec(path);
    if (shown && method === 'GET') {
      const conversation = this.conversations.get(decodeURIComponent(shown[1]!));
      return conversation ? { status: 200, body: this.conversationJson(conversation, conversation.notes) } : this.error(404, 'not_found', 'Conversation Not Found');
    }
    const match = /^\/conversations\/([^/]+)\/(tags|reply)$/.exec(path);
    if (!match || method !== 'POST') return this.error(404, 'not_found', 'Resource Not Found');
    const conversation = this.conversations.get(decodeURIComponent(match[1]!));
    if (!conversation) return this.error(404, 'not_found', 'Conversation Not Found');
    if (String(fields.admin_id ?? '') !== this.adminId) return this.error(404, 'admin_not_found', 'Admin not found');
    if (match[2] === 'tags') {
      const name = [...this.tags.entries()].find(([, id]) => id === String(fields.id))?.[0];
      if (!name) return this.error(404, 'tag_not_found', 'Tag not found');
      if (!conversation.tags.some((tag) => tag.name === name)) conversation.tags.push({ id: String(fields.id), name });
      return { status: 200, body: { type: 'tag', id: String(fields.id), name, applied_at: Math.floor(Date.now() / 1000) } };
    }
    if (fields.message_type !== 'note' && fields.message_type !== 'comment') return this.error(400, 'parameter_invalid', 'message_type must be comment or note');
    if (fields.type !== 'admin') return this.error(400, 'parameter_invalid', 'type must be admin for notes');
    if (typeof fields.body !== 'string' || fields.body === '') return this.error(400, 'parameter_invalid', 'body is required');
    const note = { id: String(this.nextId++), body: fields.body, adminId: String(fields.admin_id) };
    conversation.notes.push(note);
    return { status: 200, body: this.conversationJson(conversation, [note]) };
  }

  /** A conversation as the API returns it, with these notes as its parts. */
  private conversationJson(conversation: FakeConversation, notes: FakeConversation['notes']): Record<string, unknown> {
    return {
      type: 'conversation',
      id: conversation.id,
      state: 'open',
      tags: { type: 'tag.list', tags: conversation.tags.map((tag) => ({ type: 'tag', ...tag })) },
      conversation_parts: {
        type: 'conversation_part.list',
        conversation_parts: notes.map((note) => ({ type: 'conversation_part', id: note.id, part_type: 'note', body: note.body, author: { type: 'admin', id: note.adminId } })),
        total_count: notes.length,
      },
    };
  }
}
