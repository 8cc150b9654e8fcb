// The Intercom deliverer of the outbox: each tag found or created by name (`POST /tags`, ids kept in memory) and
// attached to the conversation (`POST /conversations/{id}/tags`), then the note (`POST /conversations/{id}/reply`,
// message_type "note", as INTERCOM_ADMIN_ID), ending in the message's marker line. Tagging twice changes nothing, so
// the tags go first and the note, the one part that would show twice, last: a retry after a failed tag repeats no
// note. A retry first reads the conversation back (`GET /conversations/{id}`, its parts): when a note carries this
// message's marker, the note landed and only the answer was lost, and nothing is sent again.
import { PermanentDeliveryError, type Deliverer } from '../../jobs/outbox';
import { helpdeskRequest } from './http';
import { isWritebackPayload, writebackMarker } from './writeback-queue';

export interface IntercomDelivererOptions {
  /** Default https://api.intercom.io. */
  apiRoot?: string;
  accessToken: string;
  adminId: string;
}

export function intercomDeliverer(options: IntercomDelivererOptions): Deliverer {
  const root = (options.apiRoot ?? 'https://api.intercom.io').replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${options.accessToken}`, 'intercom-version': '2.11' };
  const tagIds = new Map<string, string>();
  const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    helpdeskRequest({ desk: 'Intercom', method, url: `${root}${path}`, headers, body, credentialsHint: 'check INTERCOM_ACCESS_TOKEN and INTERCOM_ADMIN_ID' });

  async function tagId(name: string): Promise<string> {
    const known = tagIds.get(name);
    if (known) return known;
    const tag = (await call('POST', '/tags', { name })) as { id?: unknown };
    if (tag.id === undefined || tag.id === null) throw new PermanentDeliveryError(`Intercom gave no id for the tag "${name}"`);
    tagIds.set(name, String(tag.id));
    return String(tag.id);
  }

  return {
    channel: 'intercom',
    async deliver(message) {
      if (!/^\d{1,30}$/.test(message.recipient)) throw new PermanentDeliveryError(`"${message.recipient}" is not an Intercom conversation id (a number such as 1911149811)`);
      if (!isWritebackPayload(message.payload)) throw new PermanentDeliveryError('not a help-desk write-back message');
      const conversation = encodeURIComponent(message.recipient);
      const marker = writebackMarker(message.id);
      if (message.attempts > 0 || message.resentAfterRestart) {
        const shown = (await call('GET', `/conversations/${conversation}`)) as { conversation_parts?: { conversation_parts?: { id?: unknown; part_type?: unknown; body?: unknown }[] } };
        const parts = shown.conversation_parts?.conversation_parts ?? [];
        const landed = parts.find((part) => part.part_type === 'note' && typeof part.body === 'string' && part.body.includes(marker));
        if (landed) return { remoteId: `part ${String(landed.id)}` };
      }
      for (const name of message.payload.tags) {
        await call('POST', `/conversations/${conversation}/tags`, { id: await tagId(name), admin_id: options.adminId });
      }
      const reply = (await call('POST', `/conversations/${conversation}/reply`, {
        message_type: 'note',
        type: 'admin',
        admin_id: options.adminId,
        body: noteHtml(`${message.payload.note}\n${marker}`),
      })) as { conversation_parts?: { conversation_parts?: { id?: unknown }[] } };
      const part = reply.conversation_parts?.conversation_parts?.at(-1)?.id;
      return part === undefined ? {} : { remoteId: `part ${String(part)}` };
    },
  };
}

/** Notes accept some HTML: each line a paragraph, the text escaped. */
export function noteHtml(note: string): string {
  const escape = (line: string) => line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return note
    .split('\n')
    .map((line) => `<p>${escape(line)}</p>`)
    .join('');
}
