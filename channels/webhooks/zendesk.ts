// Zendesk deliveries: trigger bodies read by key names ({"ticket": {…}} as in the README or Zendesk's ticket API,
// or flat like Zulip's and Pipedream's), and Zendesk event webhooks ({"type": "zen:event-type:…", "detail": {…}}),
// of which ticket events are read and the rest (user.*, organization.*) acknowledged and ignored.
import { z } from 'zod';
import type { IncomingTicket } from '../ingest/incoming-ticket';
import { optionalScalar, parseOr422, scalar, textOf } from './payload-schema';
import { isObject, looksLikeFlatTicket, ticketFromKeys } from './ticket-keys';
import { WebhookError } from './webhook-error';

export { isObject } from './ticket-keys';

const eventSchema = z
  .object({
    type: z.string(),
    id: optionalScalar,
    time: optionalScalar,
    detail: z
      .object({
        id: scalar,
        subject: optionalScalar,
        description: optionalScalar,
        priority: optionalScalar,
        status: optionalScalar,
        assignee_id: optionalScalar,
        created_at: optionalScalar,
        updated_at: optionalScalar,
      })
      .loose(),
    event: z
      .object({
        current: z.unknown().optional(),
        comment: z
          .object({
            is_public: z.unknown().optional(),
            author: z.object({ is_staff: z.unknown().optional(), name: optionalScalar }).loose().nullish(),
          })
          .loose()
          .nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();

/** A parsed Zendesk delivery: a ticket (with the event's id when it is an event), or an event to ignore. */
export type ZendeskDelivery =
  | { kind: 'ticket'; ticket: IncomingTicket; eventId: string | undefined }
  | { kind: 'ignored'; eventId: string | undefined; reason: string };

const expected =
  'not a ticket: expected {"ticket": {"id": …}} (the trigger body in the README, or Zendesk\'s ticket API), a flat body with "ticket_id", or a Zendesk event ("type": "zen:event-type:…")';

/** Reads a Zendesk body; what cannot be read as a ticket, and is not a known event to ignore, is refused with 422. */
export function parseZendeskBody(body: unknown): ZendeskDelivery {
  if (!isObject(body)) throw new WebhookError(422, expected);
  if (typeof body.type === 'string' && body.type.startsWith('zen:event-type:')) return parseEvent(body);
  if ('ticket' in body) {
    if (!isObject(body.ticket)) throw new WebhookError(422, expected);
    const ticket = ticketFromKeys('Zendesk', body.ticket);
    if (!ticket) throw new WebhookError(422, 'not a Zendesk ticket: ticket.id: missing (give "id": "{{ticket.id}}")');
    return { kind: 'ticket', ticket, eventId: undefined };
  }
  const flat = looksLikeFlatTicket(body) ? ticketFromKeys('Zendesk', body) : undefined;
  if (flat) return { kind: 'ticket', ticket: flat, eventId: undefined };
  throw new WebhookError(422, expected);
}

function parseEvent(body: Record<string, unknown>): ZendeskDelivery {
  const type = String(body.type);
  const eventId = textOf(body.id as string | number | undefined);
  if (!type.startsWith('zen:event-type:ticket.')) return { kind: 'ignored', eventId, reason: `Zendesk event ${type} is not about a ticket` };
  const event = parseOr422(eventSchema, body, 'a Zendesk ticket event');
  const detail = event.detail;
  const kind = type.slice('zen:event-type:ticket.'.length);
  const at = event.time ?? detail.updated_at ?? undefined;
  const ticket: IncomingTicket = {
    source: 'Zendesk',
    externalId: String(detail.id),
    title: textOf(detail.subject),
    description: textOf(detail.description),
    priority: textOf(detail.priority),
    status: textOf(detail.status),
    assigneeId: textOf(detail.assignee_id),
    createdAt: detail.created_at ?? undefined,
    // The event's time orders deliveries more finely than the ticket's updated_at (seconds; several events share one).
    updatedAt: event.time ?? detail.updated_at ?? undefined,
  };
  if (kind === 'status_changed' && typeof event.event?.current === 'string') ticket.status = event.event.current;
  if (kind === 'agent_assignment_changed') {
    const current = event.event?.current;
    if (typeof current === 'string' || typeof current === 'number') ticket.assigneeId = String(current);
  }
  const comment = event.event?.comment;
  // A public comment by staff is the agent answering the customer: the first one is the first response.
  if (kind === 'comment_added' && comment && isTrue(comment.is_public) && isTrue(comment.author?.is_staff)) ticket.firstResponseAt = at;
  // The event's own time is when the ticket was solved, if this event solved it.
  if (/^(solved|closed)$/i.test(ticket.status ?? '')) ticket.resolvedAt = kind === 'status_changed' ? at : undefined;
  return { kind: 'ticket', ticket, eventId };
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
