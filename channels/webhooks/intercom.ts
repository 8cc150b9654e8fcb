// Intercom deliveries: the notification_event envelope whose data.item is a conversation (API 1.x shape: user,
// assignee, conversation_message, conversation_parts; 2.x: source, contacts, admin_assignee_id, statistics) or a
// ticket. The ping, and notifications about anything else (contacts, companies, users), are answered and ignored.
import { z } from 'zod';
import type { IncomingTicket } from '../ingest/incoming-ticket';
import { optionalScalar, parseOr422, scalar, textOf } from './payload-schema';
import { isObject } from './ticket-keys';

const envelopeSchema = z
  .object({
    type: z.literal('notification_event', { error: 'expected "type": "notification_event"' }),
    // The ping Intercom sends when a webhook is saved carries "id": null.
    id: z.union([z.string(), z.number()]).nullish(),
    topic: z.string().min(1, 'the notification has no topic'),
    data: z.object({ item: z.unknown() }).loose().nullish(),
  })
  .loose();

const person = z.object({ type: optionalScalar, id: optionalScalar, email: optionalScalar, name: optionalScalar }).loose();
const company = z.object({ name: optionalScalar }).loose().nullish();
const message = z.object({ subject: optionalScalar, body: optionalScalar, author: person.nullish() }).loose().nullish();
const part = z
  .object({
    part_type: optionalScalar,
    body: optionalScalar,
    created_at: optionalScalar,
    author: person.nullish(),
    assigned_to: person.nullish(),
  })
  .loose();

const conversationSchema = z
  .object({
    type: z.literal('conversation'),
    id: scalar,
    title: optionalScalar,
    state: optionalScalar,
    priority: optionalScalar,
    created_at: optionalScalar,
    updated_at: optionalScalar,
    source: message,
    conversation_message: message,
    user: person.nullish(),
    assignee: person.nullish(),
    admin_assignee_id: optionalScalar,
    conversation_parts: z.object({ conversation_parts: z.array(part).nullish() }).loose().nullish(),
    statistics: z.object({ first_admin_reply_at: optionalScalar, last_close_at: optionalScalar }).loose().nullish(),
    custom_attributes: z.record(z.string(), z.unknown()).nullish(),
    company,
  })
  .loose();

const ticketSchema = z
  .object({
    type: z.literal('ticket'),
    id: scalar,
    ticket_attributes: z.record(z.string(), z.unknown()).nullish(),
    ticket_state: z.union([z.string(), z.object({ category: optionalScalar }).loose()]).nullish(),
    priority: optionalScalar,
    created_at: optionalScalar,
    updated_at: optionalScalar,
    admin_assignee_id: optionalScalar,
    contacts: z.object({ contacts: z.array(person).nullish() }).loose().nullish(),
    company,
  })
  .loose();

/** A parsed Intercom delivery: a ticket to upsert, or a notification to acknowledge and ignore. */
export type IntercomDelivery =
  | { kind: 'ticket'; notificationId: string | undefined; ticket: IncomingTicket }
  | { kind: 'ignored'; notificationId: string | undefined; reason: string };

/** Reads an Intercom body; a body that is not a notification, or a conversation or ticket that cannot be read, is refused with 422. */
export function parseIntercomBody(body: unknown, options: { priorityAttribute: string | undefined }): IntercomDelivery {
  const envelope = parseOr422(envelopeSchema, body, 'an Intercom notification');
  const topic = envelope.topic;
  const notificationId = textOf(envelope.id);
  if (topic === 'ping') return { kind: 'ignored', notificationId, reason: 'ping' };
  const item = envelope.data?.item;
  if (!isObject(item) || (item.type !== 'conversation' && item.type !== 'ticket')) {
    const carries = isObject(item) && typeof item.type === 'string' ? `a ${item.type}` : 'no item';
    return { kind: 'ignored', notificationId, reason: `Intercom topic "${topic}" carries ${carries}, not a conversation or ticket` };
  }
  if (item.type === 'conversation') return { kind: 'ticket', notificationId, ticket: conversationTicket(parseOr422(conversationSchema, item, 'an Intercom conversation'), topic, options) };
  return { kind: 'ticket', notificationId, ticket: intercomTicket(parseOr422(ticketSchema, item, 'an Intercom ticket'), topic) };
}

function conversationTicket(conversation: z.infer<typeof conversationSchema>, topic: string, options: { priorityAttribute: string | undefined }): IncomingTicket {
  const attribute = options.priorityAttribute ? conversation.custom_attributes?.[options.priorityAttribute] : undefined;
  const first = conversation.source ?? conversation.conversation_message;
  const body = plainText(textOf(conversation.source?.body) ?? textOf(conversation.conversation_message?.body));
  const parts = conversation.conversation_parts?.conversation_parts ?? [];
  // An admin's part with a body is a reply to the customer (notes are private; bots are not people answering).
  const adminReply = parts.find((entry) => entry.author?.type === 'admin' && entry.part_type !== 'note' && textOf(entry.body) !== undefined);
  const closing = parts.find((entry) => entry.part_type === 'close');
  const assignee = conversation.assignee?.type === 'admin' ? conversation.assignee : undefined;
  const assigneeId = textOf(assignee?.id) ?? unassignedAsUndefined(textOf(conversation.admin_assignee_id));
  const state = textOf(conversation.state);
  return {
    source: 'Intercom',
    externalId: String(conversation.id),
    title: textOf(conversation.title) ?? textOf(first?.subject) ?? textOf(conversation.conversation_message?.subject) ?? firstLine(body),
    description: body,
    priority: typeof attribute === 'string' && attribute.trim() !== '' ? attribute : textOf(conversation.priority),
    status: state,
    organization: textOf(conversation.company?.name),
    requesterEmail: textOf(conversation.source?.author?.email) ?? textOf(conversation.user?.email),
    assignee: textOf(assignee?.name),
    assigneeId,
    createdAt: conversation.created_at ?? undefined,
    updatedAt: conversation.updated_at ?? undefined,
    firstResponseAt: conversation.statistics?.first_admin_reply_at ?? (adminReply?.created_at ?? undefined),
    resolvedAt: state === 'closed' ? (closing?.created_at ?? conversation.statistics?.last_close_at ?? undefined) : undefined,
    topic,
  };
}

function intercomTicket(ticket: z.infer<typeof ticketSchema>, topic: string): IncomingTicket {
  const attributes = ticket.ticket_attributes ?? {};
  const state = typeof ticket.ticket_state === 'object' && ticket.ticket_state !== null ? textOf(ticket.ticket_state.category) : textOf(ticket.ticket_state);
  return {
    source: 'Intercom',
    externalId: `ticket-${ticket.id}`,
    title: stringAttribute(attributes._default_title_),
    description: plainText(stringAttribute(attributes._default_description_)),
    priority: textOf(ticket.priority),
    status: state,
    organization: textOf(ticket.company?.name),
    requesterEmail: textOf(ticket.contacts?.contacts?.find((contact) => textOf(contact.email))?.email),
    assigneeId: unassignedAsUndefined(textOf(ticket.admin_assignee_id)),
    createdAt: ticket.created_at ?? undefined,
    updatedAt: ticket.updated_at ?? undefined,
    topic,
  };
}

/** Intercom says "0" (or nothing) for no admin. */
function unassignedAsUndefined(id: string | undefined): string | undefined {
  return id === undefined || id === '0' ? undefined : id;
}

function stringAttribute(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Intercom bodies are HTML: tags out, common entities decoded, whitespace tidied. */
export function plainText(html: string | undefined): string | undefined {
  if (html === undefined) return undefined;
  const text = html
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
  return text === '' ? undefined : text;
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n')[0]?.trim();
  if (!line) return undefined;
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
