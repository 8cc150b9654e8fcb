// Intercom deliveries: the notification_event envelope whose data.item is a conversation or a ticket. The ping
// Intercom sends when a webhook is set up is answered and ignored.
import { z } from 'zod';
import type { IncomingTicket } from '../ingest/incoming-ticket';
import { optionalScalar, parseOr422, scalar, textOf } from './payload-schema';
import { WebhookError } from './webhook-error';
import { isObject } from './zendesk';

const envelopeSchema = z
  .object({
    type: z.literal('notification_event', { error: 'expected "type": "notification_event"' }),
    id: z.string().trim().min(1, 'the notification has no id'),
    topic: z.string().min(1, 'the notification has no topic'),
    data: z.object({ item: z.unknown() }).loose().nullish(),
  })
  .loose();

const person = z.object({ email: optionalScalar, name: optionalScalar }).loose();
const company = z.object({ name: optionalScalar }).loose().nullish();

const conversationSchema = z
  .object({
    type: z.literal('conversation'),
    id: scalar,
    title: optionalScalar,
    state: optionalScalar,
    priority: optionalScalar,
    created_at: optionalScalar,
    updated_at: optionalScalar,
    source: z
      .object({ subject: optionalScalar, body: optionalScalar, author: person.nullish() })
      .loose()
      .nullish(),
    statistics: z.object({ first_admin_reply_at: optionalScalar }).loose().nullish(),
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
    contacts: z.object({ contacts: z.array(person).nullish() }).loose().nullish(),
    company,
  })
  .loose();

/** A parsed Intercom delivery: a ticket to upsert, or a notification to acknowledge and ignore. */
export type IntercomDelivery =
  | { kind: 'ticket'; notificationId: string; ticket: IncomingTicket }
  | { kind: 'ignored'; notificationId: string; reason: string };

/** Reads an Intercom body; what is not a conversation or ticket notification is refused with 422. */
export function parseIntercomBody(body: unknown, options: { priorityAttribute: string | undefined }): IntercomDelivery {
  const envelope = parseOr422(envelopeSchema, body, 'an Intercom notification');
  const topic = envelope.topic;
  if (topic === 'ping') return { kind: 'ignored', notificationId: envelope.id, reason: 'ping' };
  const item = envelope.data?.item;
  if (!isObject(item) || (item.type !== 'conversation' && item.type !== 'ticket')) {
    throw new WebhookError(422, `not a ticket: Intercom topic "${topic}" carries ${isObject(item) && typeof item.type === 'string' ? `a ${item.type}` : 'no item'}, not a conversation or ticket`);
  }
  if (item.type === 'conversation') {
    const conversation = parseOr422(conversationSchema, item, 'an Intercom conversation');
    const attribute = options.priorityAttribute ? conversation.custom_attributes?.[options.priorityAttribute] : undefined;
    return {
      kind: 'ticket',
      notificationId: envelope.id,
      ticket: {
        source: 'Intercom',
        externalId: String(conversation.id),
        title: textOf(conversation.title) ?? textOf(conversation.source?.subject) ?? firstLine(plainText(textOf(conversation.source?.body))),
        description: plainText(textOf(conversation.source?.body)),
        priority: typeof attribute === 'string' && attribute.trim() !== '' ? attribute : textOf(conversation.priority),
        status: textOf(conversation.state),
        organization: textOf(conversation.company?.name),
        requesterEmail: textOf(conversation.source?.author?.email),
        createdAt: conversation.created_at ?? undefined,
        updatedAt: conversation.updated_at ?? undefined,
        firstResponseAt: conversation.statistics?.first_admin_reply_at ?? undefined,
        topic,
      },
    };
  }
  const ticket = parseOr422(ticketSchema, item, 'an Intercom ticket');
  const attributes = ticket.ticket_attributes ?? {};
  const state = typeof ticket.ticket_state === 'object' && ticket.ticket_state !== null ? textOf(ticket.ticket_state.category) : textOf(ticket.ticket_state);
  return {
    kind: 'ticket',
    notificationId: envelope.id,
    ticket: {
      source: 'Intercom',
      externalId: `ticket-${ticket.id}`,
      title: stringAttribute(attributes._default_title_),
      description: plainText(stringAttribute(attributes._default_description_)),
      priority: textOf(ticket.priority),
      status: state,
      organization: textOf(ticket.company?.name),
      requesterEmail: textOf(ticket.contacts?.contacts?.find((contact) => contact.email)?.email),
      createdAt: ticket.created_at ?? undefined,
      updatedAt: ticket.updated_at ?? undefined,
      topic,
    },
  };
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
