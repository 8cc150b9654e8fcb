// The webhook server as a service of `escalator serve`: runs when --port is given, with the secrets from the
// environment (ZENDESK_WEBHOOK_SECRET, INTERCOM_CLIENT_SECRET, ESCALATOR_WEBHOOK_TOKEN).
import { startWebhookServer } from '../channels/webhooks/server';
import type { Clock } from '../objects/clock';
import { UsageError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import type { Env } from './env';

/** What the service needs from `serve` (a structural subset of its ServeContext). */
export interface WebhookServiceContext {
  workspace: Workspace;
  clock: Clock;
  env: Env;
  flags: Record<string, string | boolean | undefined>;
  log(line: string): void;
}

export const webhookService = {
  name: 'webhooks',
  flags: {
    port: { type: 'string', description: 'serve POST /webhooks/zendesk, /webhooks/intercom, /webhooks/generic on this port' },
    host: { type: 'string', description: 'address the webhook server listens on (default 127.0.0.1)' },
  },
  /** Starts the webhook server, or returns undefined without --port. */
  async start(context: WebhookServiceContext): Promise<{ description: string; stop(): Promise<void> } | undefined> {
    const { flags, env } = context;
    if (flags.port === undefined) return undefined;
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0–65535), not "${String(flags.port)}"`);
    const host = typeof flags.host === 'string' ? flags.host : '127.0.0.1';
    const secrets = { zendesk: env.ZENDESK_WEBHOOK_SECRET, intercom: env.INTERCOM_CLIENT_SECRET, genericToken: env.ESCALATOR_WEBHOOK_TOKEN };
    if (!secrets.zendesk && !secrets.intercom && !secrets.genericToken) {
      context.log('webhooks: no secret is set, so every endpoint answers 404; set ZENDESK_WEBHOOK_SECRET, INTERCOM_CLIENT_SECRET or ESCALATOR_WEBHOOK_TOKEN');
    }
    const server = await startWebhookServer({ workspace: context.workspace, port, host, secrets, log: context.log, clock: context.clock });
    return { description: `webhooks on http://${host}:${server.port}`, stop: () => server.close() };
  },
} as const;
