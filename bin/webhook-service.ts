// The webhook server as a service of `escalator serve`: runs when --port is given, with the secrets from the
// environment (ZENDESK_WEBHOOK_SECRET, INTERCOM_CLIENT_SECRET, ESCALATOR_WEBHOOK_TOKEN). The jobs' evaluation of
// what a webhook committed lets the next deliveries be written first (see ingestionFirst).
import { ingestActivity } from '../channels/ingest/ingest-queue';
import { startWebhookServer } from '../channels/webhooks/server';
import type { Scheduler } from '../jobs/scheduler';
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
  /** The jobs runtime of `serve`, whose change runs give way to ingestion. */
  runtime?: { scheduler: Pick<Scheduler, 'deferChangeRuns'> };
  log(line: string): void;
}

/**
 * Change runs wait for a 5 ms pause in ingestion, 250 ms at most: under a burst the writer goes to the next batch
 * of deliveries (someone waits for their answer), and evaluation follows in batches, an alert a fraction of a
 * second later. The entries are in pending_evaluations meanwhile, so nothing is lost if the process dies.
 */
export const ingestionFirst = { quietMs: 5, limitMs: 250 } as const;

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
    const activity = ingestActivity(context.workspace);
    const release = context.runtime?.scheduler.deferChangeRuns(() => activity.pause(ingestionFirst.quietMs, ingestionFirst.limitMs));
    return {
      description: `webhooks on http://${host}:${server.port}`,
      stop: async () => {
        await server.close();
        release?.();
      },
    };
  },
} as const;
