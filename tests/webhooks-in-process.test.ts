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

  it('answers deliveries that keep arriving while a batch commits only after their own commit, and close() writes those still gathering', async () => {
    const busy = new IngestQueue(test.workspace, { createUnknownCompanies: true, accounts, by: () => 'webhook:zendesk' });
    const mapping = await prepareIngestion(test.workspace);
    const busyApp = createWebhookApp({ workspace: test.workspace, mapping, queue: busy, secrets: { zendesk: zendeskSecret }, log: () => undefined, clock: test.clock });
    const deliver = async (id: string): Promise<{ id: string; status: number; storedWhenAnswered: boolean }> => {
      const body = JSON.stringify(zendeskTrigger({ id }));
      const timestamp = zendeskTimestamp(test.clock.now());
      const response = await busyApp.request('/webhooks/zendesk', {
        method: 'POST',
        body,
        headers: { 'x-zendesk-webhook-signature-timestamp': timestamp, 'x-zendesk-webhook-signature': zendeskSignature(zendeskSecret, timestamp, body) },
      });
      const stored = await test.workspace.db.query(`SELECT id FROM obj_support_tickets WHERE external_id = $1`, [id]);
      return { id, status: response.status, storedWhenAnswered: stored.length === 1 };
    };
    // Eight senders, each sending again as soon as it is answered (as the bench does): later batches gather.
    const rounds = await Promise.all(
      Array.from({ length: 8 }, async (_, sender) => {
        const answers = [];
        for (let round = 0; round < 3; round++) answers.push(await deliver(`busy-${sender}-${round}`));
        return answers;
      }),
    );
    // A last wave, and close() called while it waits for company: every one is still written and answered.
    const last = Array.from({ length: 5 }, (_, index) => deliver(`closing-${index}`));
    await new Promise((resolve) => setImmediate(resolve));
    await busy.close();
    const answers = [...rounds.flat(), ...(await Promise.all(last))];
    expect(answers).toHaveLength(29);
    for (const answer of answers) expect(answer).toEqual({ id: answer.id, status: 201, storedWhenAnswered: true });
    const stored = await test.workspace.db.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM obj_support_tickets WHERE external_id LIKE 'busy-%' OR external_id LIKE 'closing-%'`);
    expect(stored[0]!.count).toBe(29);
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
