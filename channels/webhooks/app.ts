// The webhook HTTP app (Hono): routes, body limit, the central error handler. Testable in-process with
// app.request(); startWebhookServer puts it on a port.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Clock } from '../../objects/clock';
import { getEntry } from '../../objects/entries';
import { errorMessage, ValidationError } from '../../objects/errors';
import type { Workspace } from '../../objects/workspace';
import type { DeliveryKey, IncomingTicket } from '../ingest/incoming-ticket';
import type { IngestQueue } from '../ingest/ingest-queue';
import type { IngestionMapping } from '../ingest/mapping';
import { prepareTicket } from '../ingest/prepare';
import { ticketFields } from '../ingest/setup';
import { parseWellFormedJson } from '../ingest/well-formed';
import { parseJsonKeepingBigIntegers } from './big-integers';
import { parseIntercomBody } from './intercom';
import { verifyBearer, verifyIntercomSignature, verifyZendeskSignature } from './signatures';
import { WebhookError } from './webhook-error';
import { isObject, ticketFromKeys } from './ticket-keys';
import { parseZendeskBody } from './zendesk';

/** The shared secrets; an endpoint whose secret is missing answers 404. */
export interface WebhookSecrets {
  /** ZENDESK_WEBHOOK_SECRET: the signing secret of the Zendesk webhook. */
  zendesk?: string | undefined;
  /** INTERCOM_CLIENT_SECRET: the client secret of the Intercom app. */
  intercom?: string | undefined;
  /** ESCALATOR_WEBHOOK_TOKEN: the bearer token of POST /webhooks/generic. */
  genericToken?: string | undefined;
}

/** Where the server writes one line per delivery (accepted or refused) and per error. */
export type WebhookLog = (line: string) => void;

export interface WebhookAppOptions {
  workspace: Workspace;
  mapping: IngestionMapping;
  queue: IngestQueue;
  secrets: WebhookSecrets;
  log: WebhookLog;
  clock: Clock;
  /** Largest body accepted (default 256 KiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** How old (or how far ahead) a Zendesk timestamp may be (default 5 minutes). */
  timestampToleranceMs?: number;
}

/** Builds the app: POST /webhooks/zendesk, /webhooks/intercom, /webhooks/generic and GET /healthz. */
export function createWebhookApp(options: WebhookAppOptions): Hono {
  const { workspace, mapping, queue, secrets, log, clock } = options;
  const tolerance = options.timestampToleranceMs ?? 5 * 60_000;
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const app = new Hono();

  const tooLarge = () => {
    throw new WebhookError(413, `body larger than ${maxBodyBytes} bytes`);
  };
  const streamingLimit = bodyLimit({ maxSize: maxBodyBytes, onError: tooLarge });
  // A body with a Content-Length is checked by its header and then read straight from the socket (Node enforces
  // the length); hono's bodyLimit, which counts a chunked body as it streams, would wrap every request in a
  // web-streams Request, a third of the server's time per delivery.
  const limit: MiddlewareHandler = async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamingLimit(c, next);
    if (Number(length) > maxBodyBytes) tooLarge();
    await next();
  };

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.post('/webhooks/zendesk', limit, async (c) => {
    const secret = required(secrets.zendesk, 'Zendesk', 'ZENDESK_WEBHOOK_SECRET');
    const signature = header(c, 'x-zendesk-webhook-signature');
    const timestamp = header(c, 'x-zendesk-webhook-signature-timestamp');
    const raw = Buffer.from(await c.req.arrayBuffer());
    if (!verifyZendeskSignature(secret, timestamp, raw, signature)) throw new WebhookError(401, 'bad X-Zendesk-Webhook-Signature (check ZENDESK_WEBHOOK_SECRET against the webhook\'s signing secret)');
    const sentAt = Date.parse(timestamp);
    if (Number.isNaN(sentAt)) throw new WebhookError(401, `X-Zendesk-Webhook-Signature-Timestamp "${timestamp}" is not a time`);
    const skew = clock.now().getTime() - sentAt;
    if (Math.abs(skew) > tolerance) {
      throw new WebhookError(401, `stale timestamp ${timestamp}: ${Math.round(Math.abs(skew) / 1000)} s ${skew > 0 ? 'old' : 'ahead'}, more than ${tolerance / 60_000} minutes`);
    }
    const delivery = parseZendeskBody(parseJson(raw));
    const invocation = c.req.header('x-zendesk-webhook-invocation-id')?.trim();
    if (delivery.kind === 'ignored') return ignored(c, 'zendesk', `event ${delivery.eventId ?? '(no id)'}`, delivery.reason);
    // Every id the delivery carries counts: a retried event may come under a new invocation id.
    const ids = [...new Set([invocation, delivery.eventId].filter((id): id is string => Boolean(id)))];
    return ingest(c, delivery.ticket, { channel: 'zendesk', deliveryId: ids[0] ?? signature, signature, aliases: ids.slice(1) });
  });

  app.post('/webhooks/intercom', limit, async (c) => {
    const secret = required(secrets.intercom, 'Intercom', 'INTERCOM_CLIENT_SECRET');
    const signature = header(c, 'x-hub-signature');
    const raw = Buffer.from(await c.req.arrayBuffer());
    if (!verifyIntercomSignature(secret, raw, signature)) throw new WebhookError(401, 'bad X-Hub-Signature (check INTERCOM_CLIENT_SECRET against the app\'s client secret)');
    const delivery = parseIntercomBody(parseJson(raw), { priorityAttribute: mapping.intercom.priorityAttribute });
    if (delivery.kind === 'ignored') return ignored(c, 'intercom', `notification ${delivery.notificationId ?? '(no id)'}`, delivery.reason);
    return ingest(c, delivery.ticket, { channel: 'intercom', deliveryId: delivery.notificationId ?? signature.trim().toLowerCase() });
  });

  app.post('/webhooks/generic', limit, async (c) => {
    const token = required(secrets.genericToken, 'generic', 'ESCALATOR_WEBHOOK_TOKEN');
    if (!verifyBearer(token, c.req.header('authorization') ?? '')) throw new WebhookError(401, 'missing or wrong bearer token (Authorization: Bearer $ESCALATOR_WEBHOOK_TOKEN)');
    const raw = Buffer.from(await c.req.arrayBuffer());
    const body = parseJson(raw);
    if (!isObject(body) || !isObject(body.ticket)) throw new WebhookError(422, 'not a ticket: expected {"ticket": {"id": …, "title": …}}');
    const ticket = ticketFromKeys('Webhook', body.ticket);
    if (!ticket) throw new WebhookError(422, 'not a ticket: ticket.id: missing');
    const key = c.req.header('idempotency-key')?.trim();
    return ingest(c, ticket, key ? { channel: 'generic', deliveryId: key } : undefined);
  });

  app.notFound((c) => {
    throw new WebhookError(404, `no route ${c.req.method} ${c.req.path} (routes: POST /webhooks/zendesk, POST /webhooks/intercom, POST /webhooks/generic, GET /healthz)`);
  });

  app.onError((error, c) => {
    const where = `${c.req.method} ${c.req.path}`;
    if (error instanceof WebhookError) {
      log(`webhook refused ${where} ${error.status}: ${error.reason}`);
      // The unread rest of an oversize body would be taken for the next request on this connection: close it.
      if (error.status === 413) c.header('Connection', 'close');
      return c.json({ error: error.reason }, error.status);
    }
    log(`webhook error ${where} 500: ${errorMessage(error)} (nothing was stored; the sender may retry)`);
    return c.json({ error: 'internal error; nothing was stored, retry later' }, 500);
  });

  /** Acknowledges a delivery that carries nothing to store (a ping, a replay, an event about something else). */
  function ignored(c: Context, channel: string, what: string, reason: string): Response {
    log(`webhook ${channel}: ignored ${what} (${reason})`);
    return c.json({ status: 'ignored', reason });
  }

  /** Validates, queues and answers once the ticket's transaction has committed. */
  async function ingest(c: Context, incoming: IncomingTicket, delivery: DeliveryKey | undefined): Promise<Response> {
    const channel = delivery?.channel ?? 'generic';
    let prepared;
    try {
      prepared = prepareTicket(workspace, mapping, incoming, delivery, { keepUnmappedPriority: true });
    } catch (error) {
      if (error instanceof ValidationError) throw new WebhookError(422, `${incoming.source} ticket ${incoming.externalId}: ${errorMessage(error)}`);
      throw error;
    }
    if (queue.closing) throw new WebhookError(503, 'the server is shutting down; nothing was stored, retry shortly');
    let outcome;
    try {
      outcome = await queue.submit(prepared);
    } catch (error) {
      if (error instanceof ValidationError) throw new WebhookError(422, `${incoming.source} ticket ${incoming.externalId}: ${errorMessage(error)}`);
      throw error;
    }
    if (outcome.kind === 'replay') {
      // The sender retried something already stored: answered 2xx so it stops, and nothing is applied twice.
      return ignored(c, channel, `delivery ${outcome.deliveryId}`, `replay: ${channel} delivery ${outcome.deliveryId} was already received at ${outcome.receivedAt.toISOString()}`);
    }
    log(`webhook ${channel}: ${outcome.kind} ticket ${outcome.id} (${incoming.source} ${incoming.externalId})`);
    for (const note of prepared.notes) log(`webhook ${channel}: ${incoming.source} ${incoming.externalId}: ${note}`);
    if (prepared.unmappedPriority) {
      const { value, configKey } = prepared.unmappedPriority;
      const kept = (await getEntry(workspace, 'support_tickets', outcome.id))?.[ticketFields.priority];
      log(
        `webhook ${channel}: ${incoming.source} ${incoming.externalId}: priority "${value}" is not mapped; kept Priority ${typeof kept === 'string' ? `"${kept}"` : 'empty'} (map it under ${configKey} in workspace.yaml)`,
      );
    }
    if (outcome.kind === 'updated' && outcome.older) {
      const { at, newest, kept, skipped } = outcome.older;
      log(
        `webhook ${channel}: ${incoming.source} ${incoming.externalId}: older delivery (help desk time ${at.toISOString()}, newest applied ${newest.toISOString()}): ` +
          `filled ${kept.length ? kept.join(', ') : 'nothing'}; kept the newer ${skipped.length ? skipped.join(', ') : 'nothing'}`,
      );
    }
    return c.json({ status: outcome.kind, id: outcome.id, external_id: prepared.externalId }, outcome.kind === 'created' ? 201 : 200);
  }

  return app;
}

function required(secret: string | undefined, name: string, variable: string): string {
  if (!secret) throw new WebhookError(404, `${name} webhooks are not set up here (set ${variable})`);
  return secret;
}

function header(c: Context, name: string): string {
  const value = c.req.header(name);
  if (!value) throw new WebhookError(401, `missing ${name} header`);
  return value;
}

function parseJson(raw: Buffer): unknown {
  try {
    return parseWellFormedJson(raw.toString('utf8'), parseJsonKeepingBigIntegers);
  } catch (error) {
    throw new WebhookError(400, `malformed JSON: ${errorMessage(error)}`);
  }
}
