// Test fixtures for webhook ingestion: signed Zendesk and Intercom deliveries sent as real HTTP requests, and a
// server on a free loopback port whose log lines are kept.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../objects/clock';
import { createEntries } from '../objects/entries';
import type { Workspace } from '../objects/workspace';
import { startWebhookServer, type WebhookServer } from '../channels/webhooks/server';
import { intercomSignature, zendeskSignature } from '../channels/webhooks/signatures';

export const zendeskSecret = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
export const intercomSecret = 'intercom-client-secret-for-tests';
export const genericToken = 'generic-token-for-tests';

export interface RunningServer {
  server: WebhookServer;
  base: string;
  log: string[];
}

/** Starts the webhook server on 127.0.0.1 with the test secrets. */
export async function startTestServer(workspace: Workspace, clock: Clock, options: { maxBodyBytes?: number } = {}): Promise<RunningServer> {
  const log: string[] = [];
  const server = await startWebhookServer({
    workspace,
    port: 0,
    secrets: { zendesk: zendeskSecret, intercom: intercomSecret, genericToken },
    log: (line) => log.push(line),
    clock,
    ...options,
  });
  return { server, base: `http://127.0.0.1:${server.port}`, log };
}

/** Zendesk's timestamp format: ISO 8601 without milliseconds. */
export function zendeskTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The README's trigger body, filled in as Zendesk would. */
export function zendeskTrigger(ticket: Record<string, unknown>): Record<string, unknown> {
  return {
    ticket: {
      id: '35436',
      title: 'Unable to export data',
      description: 'Exports time out since this morning.',
      priority: 'Urgent',
      status: 'New',
      organization: 'Acme Corp',
      requester_email: 'alex@acme.example',
      assignee: '',
      created_at: '2026-04-14T09:50:00Z',
      updated_at: '2026-04-14T09:50:00Z',
      ...ticket,
    },
  };
}

export interface SendOptions {
  secret?: string;
  timestamp?: string;
  invocationId?: string;
  signature?: string;
  headers?: Record<string, string>;
}

/** POSTs a signed Zendesk delivery; `body` objects are sent as JSON, strings as they are. */
export async function sendZendesk(running: RunningServer, clock: Clock, body: unknown, options: SendOptions = {}): Promise<Response> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? zendeskTimestamp(clock.now());
  return fetch(`${running.base}/webhooks/zendesk`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-id': '01F1KRFQ6BG29CNWFR60NK5FNY',
      'x-zendesk-webhook-invocation-id': options.invocationId ?? randomUUID(),
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-signature': options.signature ?? zendeskSignature(options.secret ?? zendeskSecret, timestamp, text),
      ...options.headers,
    },
    body: text,
  });
}

/** An Intercom notification_event around a conversation. */
export function intercomConversation(topic: string, conversation: Record<string, unknown>, id = `notif_${randomUUID()}`): Record<string, unknown> {
  return {
    type: 'notification_event',
    app_id: 'abc123',
    id,
    topic,
    delivery_status: 'pending',
    delivery_attempts: 1,
    created_at: 1776160800,
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id: '1911149811',
        created_at: 1776160200,
        updated_at: 1776160800,
        title: null,
        state: 'open',
        priority: 'not_priority',
        source: {
          type: 'conversation',
          subject: '',
          body: '<p>Our SSO login loops for EU users.</p><p>Please help!</p>',
          author: { type: 'user', id: '5f1', name: 'Jamie Rivera', email: 'jamie@globex.example' },
        },
        statistics: { first_admin_reply_at: null },
        ...conversation,
      },
    },
  };
}

/** POSTs a signed Intercom delivery. */
export async function sendIntercom(running: RunningServer, body: unknown, options: SendOptions = {}): Promise<Response> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${running.base}/webhooks/intercom`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': options.signature ?? intercomSignature(options.secret ?? intercomSecret, text),
      ...options.headers,
    },
    body: text,
  });
}

/** Two accounts to link tickets to: Acme (Enterprise, by name) and Globex (by domain). */
export async function addAccounts(workspace: Workspace): Promise<{ acme: string; globex: string }> {
  const [acme, globex] = await createEntries(workspace, 'company', [
    { Name: 'Acme Corp', Domain: 'acme.example', 'Contract Value': 180000, Health: 'Yellow', 'Account Tier': 'Enterprise', 'Account Owner': 'Sarah Chen' },
    { Name: 'Globex Industries', Domain: 'globex.example', 'Contract Value': 240000, Health: 'Green', 'Account Tier': 'Mid-Market' },
  ], { by: 'test' });
  return { acme: acme!, globex: globex! };
}

/** Row counts of everything ingestion may write, to show a refusal wrote nothing. */
export async function writtenCounts(workspace: Workspace): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['obj_support_tickets', 'obj_company', 'obj_people', 'field_changes', 'ingest_deliveries']) {
    const [row] = await workspace.db.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM ${table}`);
    counts[table] = row!.count;
  }
  return counts;
}
