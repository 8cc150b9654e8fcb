// Ticket bodies read by key names: the README's trigger body, Zulip's and Pipedream's published Zendesk bodies, the
// {"ticket": {…}} of Zendesk's ticket API and the generic endpoint name the same things in different words.
import type { IncomingTicket, TicketSource } from '../ingest/incoming-ticket';

/** Text or a number, trimmed; anything else (lists, objects, booleans, blanks) is absent, never a refusal. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** "Sam Ortiz <sam@example.com>" (Pipedream's requester and assignee), a bare address, or a person object. */
function personOf(value: unknown): { name?: string | undefined; email?: string | undefined; id?: string | undefined } {
  if (isObject(value)) return { name: textOf(value.name), email: textOf(value.email), id: textOf(value.id) };
  const text = textOf(value);
  if (!text) return {};
  const bracketed = /^(.*?)\s*<([^<>]*)>$/.exec(text);
  if (bracketed) return { name: textOf(bracketed[1]), email: textOf(bracketed[2]) };
  return text.includes('@') && !/\s/.test(text) ? { email: text } : { name: text };
}

/** Each ticket value and the keys it may come under, first match wins. */
const keys = {
  id: ['id', 'ticket_id', 'ticketId'],
  title: ['title', 'subject', 'ticket_title', 'ticketTitle'],
  description: ['description', 'ticket_description', 'ticketDescription', 'message'],
  priority: ['priority', 'ticket_priority', 'ticketPriority'],
  status: ['status', 'ticket_status', 'ticketStatus'],
  organization: ['organization', 'organization_name', 'organizationName', 'company'],
  requester: ['requester_email', 'requesterEmail', 'requester'],
  assignee: ['assignee', 'assignee_name', 'assigneeName', 'assignee_full_name'],
  assigneeId: ['assignee_id', 'assigneeId'],
  createdAt: ['created_at', 'createdAt', 'created_at_with_timestamp'],
  updatedAt: ['updated_at', 'updatedAt', 'updated_at_with_timestamp', 'last_updated_at', 'lastUpdatedAt'],
  firstResponseAt: ['first_response_at', 'firstResponseAt'],
  resolvedAt: ['resolved_at', 'solved_at', 'resolvedAt', 'solvedAt'],
  latestPublicCommentAt: ['latest_public_comment_at'],
  latestPublicCommentAuthorRole: ['latest_public_comment_author_role'],
} as const;

const personKeys = new Set<string>([...keys.organization, ...keys.requester, ...keys.assignee]);

/** Keys besides an id that make a flat body a ticket: `{"event": …, "id": 123}` alone is not one. */
const ticketLike = [...keys.title, ...keys.status, ...keys.priority, ...keys.description];

/** Whether a body without a `ticket` object is a flat ticket body (Zulip's, Pipedream's). */
export function looksLikeFlatTicket(body: Record<string, unknown>): boolean {
  if (textOf(body.ticket_id) !== undefined || textOf(body.ticketId) !== undefined) return true;
  return textOf(body.id) !== undefined && ticketLike.some((key) => textOf(body[key]) !== undefined);
}

/**
 * Reads a ticket from a body by key names; undefined when it has no ticket id. Agents' public comments count as a
 * first response when the body says who wrote the latest one (`latest_public_comment_author_role`).
 */
export function ticketFromKeys(source: TicketSource, body: Record<string, unknown>): IncomingTicket | undefined {
  // Every key is read leniently: a body is never refused for the type of a value it need not have. (A zod schema
  // of these keys did the same, at 14 µs a delivery: more than the signature.)
  const first = <T>(names: readonly string[], read: (value: unknown) => T | undefined): T | undefined => {
    for (const name of names) {
      const value = read(personKeys.has(name) ? personOf(body[name]) : textOf(body[name]));
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const asText = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const asPerson = (value: unknown) => value as ReturnType<typeof personOf> | undefined;
  const externalId = first(keys.id, asText);
  if (externalId === undefined) return undefined;
  const assignee = first(keys.assignee, (value) => asPerson(value)?.name ?? asPerson(value)?.email);
  const assigneeId = first(keys.assigneeId, asText) ?? first(keys.assignee, (value) => asPerson(value)?.id);
  const role = first(keys.latestPublicCommentAuthorRole, asText);
  const agentReplied = role !== undefined && /agent|admin/i.test(role) && !/end.?user/i.test(role);
  return {
    source,
    externalId,
    title: first(keys.title, asText),
    description: first(keys.description, asText),
    priority: first(keys.priority, asText),
    status: first(keys.status, asText),
    organization: first(keys.organization, (value) => asPerson(value)?.name),
    requesterEmail: first(keys.requester, (value) => asPerson(value)?.email),
    assignee,
    assigneeId,
    createdAt: first(keys.createdAt, asText),
    updatedAt: first(keys.updatedAt, asText),
    firstResponseAt: first(keys.firstResponseAt, asText) ?? (agentReplied ? first(keys.latestPublicCommentAt, asText) : undefined),
    resolvedAt: first(keys.resolvedAt, asText),
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
