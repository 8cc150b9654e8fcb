// The Zendesk deliverer of the outbox: one `PUT /api/v2/tickets/{id}.json` per write-back message, adding the tags
// with `additional_tags` (never replacing the ticket's own), optionally the priority, and the note as a private
// comment (`public: false`) ending in the message's marker line. Basic auth as `{email}/token:{api_token}`. One request
// per message, so a retry can never apply half of it; and Zendesk documents no idempotency key for ticket updates, so a
// retry first reads the ticket's newest comments back (List Comments, `sort_order=desc`): when the note with this
// message's marker is there, Zendesk applied the update and only its answer was lost, and nothing is sent again.
import { PermanentDeliveryError, type Deliverer } from '../../jobs/outbox';
import { helpdeskRequest } from './http';
import { isWritebackPayload, writebackMarker } from './writeback-queue';

export interface ZendeskDelivererOptions {
  /** https://acme.zendesk.com (from ZENDESK_SUBDOMAIN or ZENDESK_API_ROOT). */
  apiRoot: string;
  email: string;
  apiToken: string;
}

/** escalator's priorities as Zendesk's (urgent, high, normal, low). */
const priorities: Record<string, string> = { 'P1 - Critical': 'urgent', 'P2 - High': 'high', 'P3 - Medium': 'normal', 'P4 - Low': 'low' };

export function zendeskDeliverer(options: ZendeskDelivererOptions): Deliverer {
  const root = options.apiRoot.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${options.email}/token:${options.apiToken}`).toString('base64')}`;
  /** The comment on the ticket carrying `marker`, among its newest (one page, newest first), if any. */
  async function markedComment(ticketId: string, marker: string): Promise<{ id?: unknown; audit_id?: unknown } | undefined> {
    const body = (await helpdeskRequest({
      desk: 'Zendesk',
      method: 'GET',
      url: `${root}/api/v2/tickets/${ticketId}/comments.json?sort_order=desc`,
      headers: { authorization },
      credentialsHint: 'check ZENDESK_EMAIL and ZENDESK_API_TOKEN',
    })) as { comments?: { id?: unknown; audit_id?: unknown; body?: unknown; plain_body?: unknown }[] };
    const comments = Array.isArray(body.comments) ? body.comments : [];
    return comments.find((comment) => [comment.body, comment.plain_body].some((text) => typeof text === 'string' && text.includes(marker)));
  }

  return {
    channel: 'zendesk',
    async deliver(message) {
      if (!/^\d{1,20}$/.test(message.recipient)) throw new PermanentDeliveryError(`"${message.recipient}" is not a Zendesk ticket id (a number such as 35436)`);
      if (!isWritebackPayload(message.payload)) throw new PermanentDeliveryError('not a help-desk write-back message');
      const { tags, priority, note } = message.payload;
      const marker = writebackMarker(message.id);
      if (message.attempts > 0 || message.resentAfterRestart) {
        const landed = await markedComment(message.recipient, marker);
        if (landed) return { remoteId: landed.audit_id === undefined || landed.audit_id === null ? `comment ${String(landed.id)}` : `audit ${String(landed.audit_id)}` };
      }
      const ticket: Record<string, unknown> = { comment: { body: `${note}\n\n${marker}`, public: false } };
      if (tags.length > 0) ticket.additional_tags = tags;
      const zendeskPriority = priority ? priorities[priority] : undefined;
      if (zendeskPriority) ticket.priority = zendeskPriority;
      const body = await helpdeskRequest({
        desk: 'Zendesk',
        method: 'PUT',
        url: `${root}/api/v2/tickets/${message.recipient}.json`,
        headers: { authorization },
        body: { ticket },
        credentialsHint: 'check ZENDESK_EMAIL and ZENDESK_API_TOKEN',
      });
      const audit = (body as { audit?: { id?: unknown } }).audit;
      return audit?.id === undefined ? {} : { remoteId: `audit ${String(audit.id)}` };
    },
  };
}
