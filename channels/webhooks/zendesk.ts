// Zendesk deliveries: the trigger body the README documents ({"ticket": {…}} filled with placeholders) and
// Zendesk's ticket event webhooks ({"type": "zen:event-type:ticket.…", "detail": {…}}).
import { z } from 'zod';
import type { IncomingTicket, TicketSource } from '../ingest/incoming-ticket';
import { optionalScalar, organizationName, parseOr422, scalar, textOf, ticketBodySchema, type TicketBody } from './payload-schema';
import { WebhookError } from './webhook-error';

const triggerSchema = z.object({ ticket: ticketBodySchema }).loose();

const eventSchema = z
  .object({
    type: z.string(),
    id: optionalScalar,
    detail: z
      .object({
        id: scalar,
        subject: optionalScalar,
        description: optionalScalar,
        priority: optionalScalar,
        status: optionalScalar,
        created_at: optionalScalar,
        updated_at: optionalScalar,
      })
      .loose(),
  })
  .loose();

/** A parsed Zendesk delivery: the ticket, and the event id when Zendesk gave one. */
export interface ZendeskDelivery {
  ticket: IncomingTicket;
  eventId: string | undefined;
}

/** Reads a Zendesk body; anything that is not a ticket is refused with 422 saying what was expected. */
export function parseZendeskBody(body: unknown): ZendeskDelivery {
  if (isObject(body) && 'ticket' in body) {
    return { ticket: ticketFromBody('Zendesk', parseOr422(triggerSchema, body, 'a Zendesk ticket').ticket), eventId: undefined };
  }
  if (isObject(body) && typeof body.type === 'string' && body.type.startsWith('zen:event-type:')) {
    if (!body.type.startsWith('zen:event-type:ticket.')) throw new WebhookError(422, `not a ticket: Zendesk event type "${body.type}" is not a ticket event`);
    const event = parseOr422(eventSchema, body, 'a Zendesk ticket event');
    const detail = event.detail;
    return {
      ticket: {
        source: 'Zendesk',
        externalId: String(detail.id),
        title: textOf(detail.subject),
        description: textOf(detail.description),
        priority: textOf(detail.priority),
        status: textOf(detail.status),
        createdAt: detail.created_at ?? undefined,
        updatedAt: detail.updated_at ?? undefined,
      },
      eventId: textOf(event.id),
    };
  }
  throw new WebhookError(422, 'not a ticket: expected {"ticket": {"id": …}} (the trigger body in the README) or a Zendesk ticket event ("type": "zen:event-type:ticket.…")');
}

/** A ticket from the trigger body's vocabulary (shared with the generic endpoint). */
export function ticketFromBody(source: TicketSource, ticket: TicketBody): IncomingTicket {
  return {
    source,
    externalId: String(ticket.id).trim(),
    title: textOf(ticket.title ?? ticket.subject),
    description: textOf(ticket.description),
    priority: textOf(ticket.priority),
    status: textOf(ticket.status),
    organization: organizationName(ticket.organization),
    requesterEmail: textOf(ticket.requester_email),
    assignee: textOf(ticket.assignee),
    createdAt: ticket.created_at ?? undefined,
    updatedAt: ticket.updated_at ?? undefined,
    firstResponseAt: ticket.first_response_at ?? undefined,
    resolvedAt: ticket.resolved_at ?? ticket.solved_at ?? undefined,
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
