// A ticket as it arrives from outside (a help desk webhook, a CSV row), before it is mapped onto support_tickets.

/** Where a ticket came from; stored in the ticket's Source field and, with its External Id, the upsert key. */
export const ticketSources = ['Zendesk', 'Intercom', 'Webhook', 'Import'] as const;
export type TicketSource = (typeof ticketSources)[number];

/** The raw values of one incoming ticket, in the help desk's own words (priority "urgent", status "pending"). */
export interface IncomingTicket {
  source: TicketSource;
  /** The help desk's id of the ticket (Zendesk ticket id, Intercom conversation id …). */
  externalId: string;
  title?: string | undefined;
  description?: string | undefined;
  priority?: string | undefined;
  status?: string | undefined;
  /** The customer organization's name, when the help desk knows it. */
  organization?: string | undefined;
  requesterEmail?: string | undefined;
  /** The assignee's name, when the help desk gives one. */
  assignee?: string | undefined;
  /** The assignee's agent id, named through `helpdesk.<desk>.agents` when no name is given. */
  assigneeId?: string | undefined;
  createdAt?: string | number | Date | undefined;
  /** The help desk's own time of this version of the ticket (updated_at, or the event's time): it orders deliveries. */
  updatedAt?: string | number | Date | undefined;
  firstResponseAt?: string | number | Date | undefined;
  resolvedAt?: string | number | Date | undefined;
  /** Intercom: the notification topic (conversation.admin.closed …), which may set the status. */
  topic?: string | undefined;
}

/** What identifies one delivery, so a replay of it is refused. */
export interface DeliveryKey {
  /** zendesk, intercom, generic. */
  channel: string;
  /** Zendesk invocation id, Intercom notification id, or the sender's Idempotency-Key. */
  deliveryId: string;
  /** Zendesk: the signature, refused when seen again even under a new (unsigned) invocation id. */
  signature?: string | undefined;
  /** Other ids the delivery carries (a Zendesk event's own id beside the invocation id): one seen before makes it a replay. */
  aliases?: readonly string[] | undefined;
}
