// The Zendesk deliverer of the outbox: one `PUT /api/v2/tickets/{id}.json` per write-back message, adding the tags
// with `additional_tags` (never replacing the ticket's own), optionally the priority, and the note as a private
// comment (`public: false`). Basic auth as `{email}/token:{api_token}`. One request per message, so a retry can never
// apply half of it.
import { PermanentDeliveryError, type Deliverer } from '../../jobs/outbox';
import { helpdeskRequest } from './http';
import { isWritebackPayload } from './writeback-queue';

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
  return {
    channel: 'zendesk',
    async deliver(message) {
      if (!/^\d{1,20}$/.test(message.recipient)) throw new PermanentDeliveryError(`"${message.recipient}" is not a Zendesk ticket id (a number such as 35436)`);
      if (!isWritebackPayload(message.payload)) throw new PermanentDeliveryError('not a help-desk write-back message');
      const { tags, priority, note } = message.payload;
      const ticket: Record<string, unknown> = { comment: { body: note, public: false } };
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
