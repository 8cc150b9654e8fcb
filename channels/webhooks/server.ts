// Starts the webhook server on a port: sets up ingestion in the workspace, the group-commit queue and the app.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Clock } from '../../objects/clock';
import type { Workspace } from '../../objects/workspace';
import { AccountDirectory } from '../ingest/account-directory';
import { IngestQueue } from '../ingest/ingest-queue';
import { prepareIngestion } from '../ingest/setup';
import { createWebhookApp, type WebhookLog, type WebhookSecrets } from './app';
import { createWebApp } from '../../web/app';
import { rememberWebAddress } from '../../web/address';

export interface WebhookServerOptions {
  workspace: Workspace;
  /** 0 picks a free port. */
  port: number;
  /** Address to listen on (default 127.0.0.1; put a TLS proxy in front, or pass 0.0.0.0). */
  host?: string;
  secrets: WebhookSecrets;
  log: WebhookLog;
  clock: Clock;
  maxBodyBytes?: number;
}

export interface WebhookServer {
  port: number;
  /** Stops accepting connections, lets queued deliveries commit, then closes. */
  close(): Promise<void>;
}

/** Sets up ingestion (fields, mapping, deliveries table) and serves the webhook endpoints. */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const { workspace, log } = options;
  const mapping = await prepareIngestion(workspace);
  const accounts = new AccountDirectory(workspace);
  const queue = new IngestQueue(workspace, {
    createUnknownCompanies: mapping.createUnknownCompanies,
    accounts,
    by: (ticket) => `webhook:${ticket.delivery?.channel ?? 'generic'}`,
  });
  const appOptions: Parameters<typeof createWebhookApp>[0] = { workspace, mapping, queue, secrets: options.secrets, log, clock: options.clock };
  if (options.maxBodyBytes !== undefined) appOptions.maxBodyBytes = options.maxBodyBytes;
  const app = createWebhookApp(appOptions);
  app.route('/', createWebApp({ workspace, clock: options.clock, log }));
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port, hostname: host }, () => resolve(started));
    started.once('error', reject);
  });
  server.on('error', (error) => log(`webhook server error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  rememberWebAddress(workspace, host, port);
  const endpoints = [options.secrets.zendesk && 'zendesk', options.secrets.intercom && 'intercom', options.secrets.genericToken && 'generic'].filter(Boolean);
  log(`webhooks listening on http://${host}:${port} (${endpoints.length ? endpoints.join(', ') : 'no endpoint has a secret yet'})`);
  return {
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
      accounts.close();
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
    },
  };
}
