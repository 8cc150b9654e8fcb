import { createWebhookApp } from '../channels/webhooks/app';
import { zendeskSignature } from '../channels/webhooks/signatures';
import { AccountDirectory } from '../channels/ingest/account-directory';
import { IngestQueue } from '../channels/ingest/ingest-queue';
import { prepareIngestion } from '../channels/ingest/setup';
import { findEntries } from '../objects/entries';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { addAccounts, zendeskSecret, zendeskTimestamp, zendeskTrigger } from './webhook-fixtures';

describe('the webhook app in-process (no socket)', () => {
  let test: TestWorkspace;
  let queue: IngestQueue;
  let accounts: AccountDirectory;
  let app: ReturnType<typeof createWebhookApp>;
  const log: string[] = [];

  beforeAll(async () => {
    test = await createTestWorkspace();
    await addAccounts(test.workspace);
    const mapping = await prepareIngestion(test.workspace);
    accounts = new AccountDirectory(test.workspace);
    queue = new IngestQueue(test.workspace, { createUnknownCompanies: true, accounts, by: () => 'webhook:zendesk' });
    app = createWebhookApp({ workspace: test.workspace, mapping, queue, secrets: { zendesk: zendeskSecret }, log: (line) => log.push(line), clock: test.clock });
  });
  afterAll(async () => {
    await queue.close();
    accounts.close();
    await test.cleanup();
  });

  it('answers health checks and refuses endpoints whose secret is not set', async () => {
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const intercom = await app.request('/webhooks/intercom', { method: 'POST', body: '{}' });
    expect(intercom.status).toBe(404);
    expect(await intercom.json()).toEqual({ error: 'Intercom webhooks are not set up here (set INTERCOM_CLIENT_SECRET)' });
  });

  it('creates a ticket from a signed delivery, and refuses the same body unsigned', async () => {
    const body = JSON.stringify(zendeskTrigger({ id: 'in-process-1' }));
    const timestamp = zendeskTimestamp(test.clock.now());
    const signed = await app.request('/webhooks/zendesk', {
      method: 'POST',
      body,
      headers: { 'x-zendesk-webhook-signature-timestamp': timestamp, 'x-zendesk-webhook-signature': zendeskSignature(zendeskSecret, timestamp, body) },
    });
    expect(signed.status).toBe(201);
    const unsigned = await app.request('/webhooks/zendesk', { method: 'POST', body: body.replace('in-process-1', 'in-process-2'), headers: { 'x-zendesk-webhook-signature-timestamp': timestamp } });
    expect(unsigned.status).toBe(401);
    expect(await findEntries(test.workspace, 'support_tickets')).toEqual([expect.objectContaining({ 'External Id': 'in-process-1', Customer: 'Acme Corp' })]);
  });

  it('refuses a delivery arriving while ingestion shuts down with 503', async () => {
    const closing = new IngestQueue(test.workspace, { createUnknownCompanies: true, accounts, by: () => 'webhook:zendesk' });
    await closing.close();
    const mapping = await prepareIngestion(test.workspace);
    const stopping = createWebhookApp({ workspace: test.workspace, mapping, queue: closing, secrets: { zendesk: zendeskSecret }, log: () => undefined, clock: test.clock });
    const body = JSON.stringify(zendeskTrigger({ id: 'late' }));
    const timestamp = zendeskTimestamp(test.clock.now());
    const response = await stopping.request('/webhooks/zendesk', {
      method: 'POST',
      body,
      headers: { 'x-zendesk-webhook-signature-timestamp': timestamp, 'x-zendesk-webhook-signature': zendeskSignature(zendeskSecret, timestamp, body) },
    });
    expect(response.status).toBe(503);
  });
});
