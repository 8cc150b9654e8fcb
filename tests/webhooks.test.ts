import { createEntries, findEntries, getEntry, updateEntries } from '../objects/entries';
import { verifyZendeskSignature, zendeskSignature } from '../channels/webhooks/signatures';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import {
  addAccounts,
  genericToken,
  intercomConversation,
  sendIntercom,
  sendZendesk,
  startTestServer,
  writtenCounts,
  zendeskSecret,
  zendeskTimestamp,
  zendeskTrigger,
  type RunningServer,
} from './webhook-fixtures';

describe('webhook ingestion over HTTP', () => {
  let test: TestWorkspace;
  let running: RunningServer;
  let accounts: { acme: string; globex: string };

  beforeEach(async () => {
    test = await createTestWorkspace();
    accounts = await addAccounts(test.workspace);
    running = await startTestServer(test.workspace, test.clock);
  });
  afterEach(async () => {
    await running.server.close();
    await test.cleanup();
  });

  it('verifies the Zendesk test vector, over HTTP too', async () => {
    const timestamp = '2021-03-25T05:09:27Z';
    const body = '{"event":"ticket.updated","id":123}';
    expect(zendeskSignature(zendeskSecret, timestamp, body)).toBe('S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=');
    expect(verifyZendeskSignature(zendeskSecret, timestamp, body, 'S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=')).toBe(true);
    expect(verifyZendeskSignature(zendeskSecret, timestamp, `${body} `, 'S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=')).toBe(false);

    test.clock.set('2021-03-25T05:10:00Z');
    const signed = await sendZendesk(running, test.clock, body, { timestamp, signature: 'S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=' });
    // The signature is accepted; the body (an event id, no ticket) is then refused as not a ticket.
    expect(signed.status).toBe(422);
    const tampered = await sendZendesk(running, test.clock, body, { timestamp, signature: 'T/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=' });
    expect(tampered.status).toBe(401);
  });

  it('creates a Zendesk ticket linked to its company, then updates the same ticket', async () => {
    const created = await sendZendesk(running, test.clock, zendeskTrigger({}));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(await getEntry(test.workspace, 'support_tickets', id)).toMatchObject({
      Title: 'Unable to export data',
      Customer: 'Acme Corp',
      Priority: 'P1 - Critical',
      Status: 'Open',
      'Account Tier': 'Enterprise',
      Escalated: false,
      Source: 'Zendesk',
      'External Id': '35436',
      'Opened Date': new Date('2026-04-14T09:50:00Z'),
    });

    test.clock.advance(60_000);
    const updated = await sendZendesk(running, test.clock, zendeskTrigger({ status: 'Pending', priority: 'High', updated_at: '2026-04-14T10:01:00Z' }));
    expect(updated.status).toBe(200);
    expect(await updated.json()).toEqual({ status: 'updated', id, external_id: '35436' });
    const tickets = await findEntries(test.workspace, 'support_tickets');
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ id, Status: 'Waiting on Customer', Priority: 'P2 - High', Customer: 'Acme Corp' });
    const history = await test.workspace.db.query(`SELECT field, old_value, new_value, changed_by FROM field_changes WHERE entry_id = $1 AND old_value IS NOT NULL ORDER BY field`, [id]);
    expect(history).toEqual([
      { field: 'Priority', old_value: 'P1 - Critical', new_value: 'P2 - High', changed_by: 'webhook:zendesk' },
      { field: 'Source Updated', old_value: '2026-04-14T09:50:00.000Z', new_value: '2026-04-14T10:01:00.000Z', changed_by: 'webhook:zendesk' },
      { field: 'Status', old_value: 'Open', new_value: 'Waiting on Customer', changed_by: 'webhook:zendesk' },
    ]);
  });

  it('accepts Zendesk ticket event webhooks for a ticket it already has', async () => {
    const created = (await (await sendZendesk(running, test.clock, zendeskTrigger({}))).json()) as { id: string };
    const event = {
      type: 'zen:event-type:ticket.status_changed',
      id: 'cbe4028c-7f0c-4e3c-a2bd-7e5d5a5c6b5e',
      subject: 'zen:ticket:35436',
      time: '2026-04-14T10:00:00Z',
      detail: { id: '35436', subject: 'Unable to export data', status: 'SOLVED', priority: 'URGENT', updated_at: '2026-04-14T10:00:00Z' },
      event: { current: 'SOLVED', previous: 'OPEN' },
    };
    const response = await sendZendesk(running, test.clock, event);
    expect(response.status).toBe(200);
    expect(await getEntry(test.workspace, 'support_tickets', created.id)).toMatchObject({ Status: 'Resolved', 'Resolved Date': test.clock.now(), Customer: 'Acme Corp' });
  });

  it('creates an Intercom conversation linked by the requester\'s email domain, then closes the same ticket', async () => {
    const created = await sendIntercom(running, intercomConversation('conversation.user.created', {}));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(await getEntry(test.workspace, 'support_tickets', id)).toMatchObject({
      Title: 'Our SSO login loops for EU users.',
      Description: 'Our SSO login loops for EU users.\nPlease help!',
      Customer: 'Globex Industries',
      Priority: 'P3 - Medium',
      Status: 'Open',
      Source: 'Intercom',
      'External Id': '1911149811',
      'Opened Date': new Date(1776160200 * 1000),
    });

    const replied = await sendIntercom(running, intercomConversation('conversation.admin.replied', { statistics: { first_admin_reply_at: 1776160700 }, priority: 'priority' }));
    expect(replied.status).toBe(200);
    const closed = await sendIntercom(running, intercomConversation('conversation.admin.closed', { state: 'closed', priority: 'priority' }));
    expect(closed.status).toBe(200);
    const tickets = await findEntries(test.workspace, 'support_tickets');
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ id, Status: 'Closed', Priority: 'P2 - High', 'First Response Date': new Date(1776160700 * 1000), Customer: 'Globex Industries' });
  });

  it('answers the Intercom ping, with or without an id, and a contact event, without writing anything', async () => {
    const before = await writtenCounts(test.workspace);
    for (const id of ['notif_ping', null]) {
      const response = await sendIntercom(running, { type: 'notification_event', id, topic: 'ping', data: { item: { type: 'ping', message: 'something' } } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ignored', reason: 'ping' });
    }
    const contact = await sendIntercom(running, { type: 'notification_event', id: 'n1', topic: 'contact.created', data: { item: { type: 'contact', id: 'c1' } } });
    expect(contact.status).toBe(200);
    expect(await contact.json()).toEqual({ status: 'ignored', reason: 'Intercom topic "contact.created" carries a contact, not a conversation or ticket' });
    expect(await writtenCounts(test.workspace)).toEqual(before);
  });

  it('creates an unknown company once, marked for review, and links every ticket from it', async () => {
    await sendZendesk(running, test.clock, zendeskTrigger({ id: '1', organization: 'Wonka Industries', requester_email: 'charlie@wonka.example' }));
    await sendZendesk(running, test.clock, zendeskTrigger({ id: '2', organization: '', requester_email: 'veruca@eu.wonka.example' }));
    await sendZendesk(running, test.clock, zendeskTrigger({ id: '3', organization: '', requester_email: 'someone@gmail.com' }));
    const companies = await findEntries(test.workspace, 'company', { filter: { field: 'Needs Review', operator: 'is_true' } });
    expect(companies).toHaveLength(1);
    expect(companies[0]).toMatchObject({ Name: 'Wonka Industries', Domain: 'wonka.example' });
    const tickets = await findEntries(test.workspace, 'support_tickets', { sort: [{ field: 'External Id', direction: 'asc' }] });
    expect(tickets.map((ticket) => ticket.Customer)).toEqual(['Wonka Industries', 'Wonka Industries', null]);
  });

  it('links to a company added while the server runs, instead of creating one to review', async () => {
    await sendZendesk(running, test.clock, zendeskTrigger({ id: '1', organization: 'Acme Corp' }));
    await createEntries(test.workspace, 'company', [{ Name: 'Hooli', Domain: 'hooli.example', 'Account Tier': 'SMB' }], { by: 'chat' });
    const response = await sendZendesk(running, test.clock, zendeskTrigger({ id: '2', organization: 'Hooli', requester_email: 'gavin@hooli.example' }));
    const { id } = (await response.json()) as { id: string };
    expect(await getEntry(test.workspace, 'support_tickets', id)).toMatchObject({ Customer: 'Hooli', 'Account Tier': 'SMB' });
    expect(await findEntries(test.workspace, 'company', { filter: { field: 'Needs Review', operator: 'is_true' } })).toEqual([]);
  });

  it('keeps a ticket escalated when the help desk only says it is open', async () => {
    const { id } = (await (await sendZendesk(running, test.clock, zendeskTrigger({}))).json()) as { id: string };
    await updateEntries(test.workspace, 'support_tickets', [{ id, values: { Status: 'Escalated', Escalated: true, 'Escalation Tier': 'Tier 2 - Engineering' } }], { by: 'job:test' });
    await sendZendesk(running, test.clock, zendeskTrigger({ status: 'Open', title: 'Unable to export any data' }));
    expect(await getEntry(test.workspace, 'support_tickets', id)).toMatchObject({ Status: 'Escalated', Title: 'Unable to export any data', 'Escalation Tier': 'Tier 2 - Engineering' });
  });

  it('ingests through the generic endpoint with a bearer token and ignores a repeated Idempotency-Key', async () => {
    const send = (key: string) =>
      fetch(`${running.base}/webhooks/generic`, {
        method: 'POST',
        headers: { authorization: `Bearer ${genericToken}`, 'idempotency-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ ticket: { id: 'GEN-1', title: 'Webhook deliveries delayed', priority: 'P2', status: 'open', organization: 'acme corp' } }),
      });
    const first = await send('key-1');
    expect(first.status).toBe(201);
    const again = await send('key-1');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'ignored', reason: expect.stringMatching(/^replay: generic delivery key-1 was already received/) });
    const tickets = await findEntries(test.workspace, 'support_tickets');
    expect(tickets).toEqual([expect.objectContaining({ Source: 'Webhook', Priority: 'P2 - High', Customer: 'Acme Corp' })]);
  });

  it('writes every ticket of a burst of concurrent deliveries, each acknowledged after commit', async () => {
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, index) => sendZendesk(running, test.clock, zendeskTrigger({ id: String(1000 + (index % 40)), title: `Ticket ${index % 40}, delivery ${index}` }))),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(40);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(await findEntries(test.workspace, 'support_tickets')).toHaveLength(40);
    const [deliveries] = await test.workspace.db.query<{ count: number }>('SELECT count(*)::INTEGER AS count FROM ingest_deliveries');
    expect(deliveries!.count).toBe(60);
    expect(accounts.acme).toBeTruthy();
  });
});

describe('webhook refusals: each answers its status, logs its reason and writes nothing', () => {
  let test: TestWorkspace;
  let running: RunningServer;

  // Refusals write nothing, so one workspace serves them all.
  beforeAll(async () => {
    test = await createTestWorkspace();
    await addAccounts(test.workspace);
    running = await startTestServer(test.workspace, test.clock);
  });
  afterAll(async () => {
    await running.server.close();
    await test.cleanup();
  });

  const cases: [string, number, RegExp, (running: RunningServer, test: TestWorkspace) => Promise<Response>][] = [
    ['a missing signature', 401, /missing x-zendesk-webhook-signature/, (r, t) => sendZendesk(r, t.clock, zendeskTrigger({}), { headers: { 'x-zendesk-webhook-signature': '' } })],
    ['a bad signature', 401, /bad X-Zendesk-Webhook-Signature/, (r, t) => sendZendesk(r, t.clock, zendeskTrigger({}), { secret: 'wrong secret' })],
    ['a stale timestamp', 401, /stale timestamp .* 360 s old/, (r, t) => sendZendesk(r, t.clock, zendeskTrigger({}), { timestamp: zendeskTimestamp(new Date(t.clock.now().getTime() - 6 * 60_000)) })],
    ['a bad Intercom signature', 401, /bad X-Hub-Signature/, (r) => sendIntercom(r, intercomConversation('conversation.user.created', {}), { secret: 'wrong' })],
    ['a wrong bearer token', 401, /bearer token/, (r) => fetch(`${r.base}/webhooks/generic`, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: '{"ticket":{"id":1}}' })],
    ['malformed JSON', 400, /malformed JSON/, (r, t) => sendZendesk(r, t.clock, '{"ticket": {"id": 1,')],
    ['a body that is not a ticket', 422, /not a ticket: expected \{"ticket"/, (r, t) => sendZendesk(r, t.clock, { hello: 'world' })],
    ['a ticket without an id', 422, /ticket\.id: missing/, (r, t) => sendZendesk(r, t.clock, { ticket: { title: 'no id' } })],
    // An unmapped priority is no longer refused (issue 11): see "an unmapped priority" below.
    ['an oversize body', 413, /body larger than/, (r, t) => sendZendesk(r, t.clock, zendeskTrigger({ description: 'x'.repeat(300 * 1024) }))],
    ['an unknown route', 404, /no route POST \/webhooks\/freshdesk/, (r) => fetch(`${r.base}/webhooks/freshdesk`, { method: 'POST', body: '{}' })],
  ];
  it.each(cases)('refuses %s', async (_name, status, reason, send) => {
    const before = await writtenCounts(test.workspace);
    const response = await send(running, test);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toMatch(reason);
    expect(running.log.at(-1)).toMatch(new RegExp(`refused .* ${status}: .*${reason.source}`));
    expect(await writtenCounts(test.workspace)).toEqual(before);
  });

  it('answers a replay by invocation id, and by signature under a new invocation id, with 200 ignored and writes nothing', async () => {
    const body = zendeskTrigger({});
    const timestamp = zendeskTimestamp(test.clock.now());
    expect((await sendZendesk(running, test.clock, body, { invocationId: 'inv-1', timestamp })).status).toBe(201);
    const before = await writtenCounts(test.workspace);
    const replay = await sendZendesk(running, test.clock, body, { invocationId: 'inv-1', timestamp });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { reason: string }).reason).toMatch(/replay: zendesk delivery inv-1 was already received/);
    expect(running.log.at(-1)).toMatch(/webhook zendesk: ignored delivery inv-1 \(replay: /);
    const again = await sendZendesk(running, test.clock, body, { invocationId: 'inv-2', timestamp });
    expect(await again.json()).toMatchObject({ status: 'ignored' });
    const intercom = intercomConversation('conversation.user.created', {}, 'notif_1');
    expect((await sendIntercom(running, intercom)).status).toBe(201);
    const intercomBefore = await writtenCounts(test.workspace);
    const intercomReplay = await sendIntercom(running, intercom);
    expect(await intercomReplay.json()).toMatchObject({ status: 'ignored', reason: expect.stringMatching(/^replay: intercom delivery notif_1/) });
    expect(await writtenCounts(test.workspace)).toEqual(intercomBefore);
    expect(before.obj_support_tickets).toBe(1);
  });
});

describe('an unmapped priority', () => {
  let test: TestWorkspace;
  let running: RunningServer;
  beforeEach(async () => {
    test = await createTestWorkspace();
    await addAccounts(test.workspace);
    running = await startTestServer(test.workspace, test.clock);
  });
  afterEach(async () => {
    await running.server.close();
    await test.cleanup();
  });

  it('keeps the ticket\'s old priority, applies the rest, answers 200 and logs what was kept (it used to be refused with 422)', async () => {
    const created = await sendZendesk(running, test.clock, zendeskTrigger({ id: '7001', priority: 'High', status: 'Open' }));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const later = await sendZendesk(running, test.clock, zendeskTrigger({ id: '7001', priority: 'Blocker', status: 'Pending', title: 'Exports fail for everyone', updated_at: '2026-04-14T10:05:00Z' }));
    expect(later.status).toBe(200);
    expect(await later.json()).toEqual({ status: 'updated', id, external_id: '7001' });
    expect(await getEntry(test.workspace, 'support_tickets', id)).toMatchObject({ Priority: 'P2 - High', Title: 'Exports fail for everyone' });
    expect(running.log).toContainEqual('webhook zendesk: Zendesk 7001: priority "Blocker" is not mapped; kept Priority "P2 - High" (map it under helpdesk.zendesk.priority in workspace.yaml)');
  });

  it('creates a new ticket with no priority rather than refusing it, and says so', async () => {
    const response = await sendZendesk(running, test.clock, zendeskTrigger({ id: '7002', priority: 'Blocker' }));
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect(await getEntry(test.workspace, 'support_tickets', id)).toMatchObject({ Priority: null, Title: 'Unable to export data' });
    expect(running.log).toContainEqual('webhook zendesk: Zendesk 7002: priority "Blocker" is not mapped; kept Priority empty (map it under helpdesk.zendesk.priority in workspace.yaml)');
  });
});
