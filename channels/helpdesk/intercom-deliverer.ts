// The Intercom deliverer of the outbox: each tag found or created by name (`POST /tags`, ids kept in memory) and
// attached to the conversation (`POST /conversations/{id}/tags`), then the note (`POST /conversations/{id}/reply`,
// message_type "note", as INTERCOM_ADMIN_ID). Tagging twice changes nothing, so the tags go first and the note, the
// one part that would show twice, last: a retry after a failed tag repeats no note.
import { PermanentDeliveryError, type Deliverer } from '../../jobs/outbox';
import { helpdeskRequest } from './http';
import { isWritebackPayload } from './writeback-queue';

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
  const call = (method: 'POST', path: string, body: unknown) =>
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
      for (const name of message.payload.tags) {
        await call('POST', `/conversations/${conversation}/tags`, { id: await tagId(name), admin_id: options.adminId });
      }
      const reply = (await call('POST', `/conversations/${conversation}/reply`, {
        message_type: 'note',
        type: 'admin',
        admin_id: options.adminId,
        body: noteHtml(message.payload.note),
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
