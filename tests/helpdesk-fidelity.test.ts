// Real help-desk payloads (tests/fixtures/helpdesk, each with its source) replayed over HTTP with valid signatures:
// in order, out of order, duplicated and replayed; the stored ticket is checked field by field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findEntries } from '../objects/entries';
import type { Row } from '../objects/database';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { addAccounts, sendIntercom, sendZendesk, startTestServer, writtenCounts, zendeskTrigger, type RunningServer } from './webhook-fixtures';

const fixtures = join(__dirname, 'fixtures', 'helpdesk');

/** A collected payload exactly as stored (sent as its own text, so the signature covers those bytes). */
function payload(name: string): string {
  return readFileSync(join(fixtures, `${name}.json`), 'utf8');
}

/** The collected payload parsed, for the few tests that derive a variant of it. */
function parsed(name: string): Record<string, unknown> {
  return JSON.parse(payload(name)) as Record<string, unknown>;
}

/** Zendesk's ticket 5158 as dust-tt's examples describe it, in the order Zendesk sent the events. */
const ticket5158 = ['ticket_created', 'ticket_priority_changed', 'ticket_agent_assignment_changed', 'ticket_comment_added', 'ticket_status_changed'].map((name) => `dust-zendesk-${name}`);

/** The fields ingestion writes, as the v_ view shows them. */
const ingestedFields = [
  'Title', 'Description', 'Customer', 'Contact', 'Priority', 'Status', 'Assigned To', 'Opened Date', 'First Response Date', 'Resolved Date',
  'Escalated', 'Escalation Tier', 'Account Tier', 'External Id', 'Source', 'Source Updated',
];

function fieldsOf(row: Row | undefined): Record<string, unknown> {
  return Object.fromEntries(ingestedFields.map((field) => [field, row?.[field] ?? null]));
}

describe('help-desk fidelity: real payloads over HTTP', () => {
  let test: TestWorkspace;
  let running: RunningServer;

  beforeEach(async () => {
    test = await createTestWorkspace();
    await addAccounts(test.workspace);
    test.workspace.saveConfig({
      ...test.workspace.config,
      helpdesk: {
        zendesk: { agents: { '8447388090494': 'Riley Chen', '8447388090496': 'Sam Ortiz', '235323': 'Ada Agent' } },
        intercom: { agents: { '9608799': 'John Doe' } },
      },
    });
    running = await startTestServer(test.workspace, test.clock);
  });
  afterEach(async () => {
    await running.server.close();
    await test.cleanup();
  });

  const ticket = async (source: string, externalId: string): Promise<Record<string, unknown>> => {
    const rows = await findEntries(test.workspace, 'support_tickets', {
      filter: { all: [{ field: 'Source', operator: 'is', value: source }, { field: 'External Id', operator: 'is', value: externalId }] },
    });
    expect(rows).toHaveLength(1);
    return fieldsOf(rows[0]);
  };
  const zendesk = async (name: string, invocationId?: string) => sendZendesk(running, test.clock, payload(name), invocationId ? { invocationId } : {});
  const statusOf = async (response: Response) => ({ code: response.status, body: (await response.json()) as Record<string, unknown> });

  /** Ticket 5158 after its five events, whatever order they came in. */
  const solved5158 = {
    Title: 'Cannot login to mobile app',
    Description: 'Customer is experiencing login issues with the mobile app',
    Customer: null,
    Contact: null,
    Priority: 'P2 - High',
    Status: 'Resolved',
    'Assigned To': 'Riley Chen',
    'Opened Date': new Date('2025-01-08T10:12:07Z'),
    'First Response Date': new Date('2025-01-08T14:25:30.123Z'),
    'Resolved Date': new Date('2025-01-08T16:45:20.987Z'),
    Escalated: false,
    'Escalation Tier': 'None',
    'Account Tier': null,
    'External Id': '5158',
    Source: 'Zendesk',
    'Source Updated': new Date('2025-01-08T16:45:20.987Z'),
  };

  it('replays Zendesk ticket events in order: each field ends as Zendesk last said, the staff reply is the first response', async () => {
    const answers = [];
    for (const name of ticket5158) answers.push((await zendesk(name)).status);
    expect(answers).toEqual([201, 200, 200, 200, 200]);
    expect(await ticket('Zendesk', '5158')).toEqual(solved5158);
    const history = await test.workspace.db.query<{ field: string; new_value: string }>(
      `SELECT field, new_value FROM field_changes WHERE field IN ('Priority', 'Assigned To', 'Status') AND old_value IS NOT NULL`,
    );
    // One clock for the whole test: compare the changes, not their order.
    expect(history.sort((a, b) => `${a.field}${a.new_value}`.localeCompare(`${b.field}${b.new_value}`))).toEqual([
      { field: 'Assigned To', new_value: 'Riley Chen' },
      { field: 'Assigned To', new_value: 'Sam Ortiz' },
      { field: 'Priority', new_value: 'P1 - Critical' },
      { field: 'Priority', new_value: 'P2 - High' },
      { field: 'Status', new_value: 'Resolved' },
    ]);
  });

  it('replays the same events last-first: the solved ticket is not rolled back to Open, and the late ones only fill what was empty', async () => {
    for (const name of [...ticket5158].reverse()) expect([200, 201]).toContain((await zendesk(name)).status);
    expect(await ticket('Zendesk', '5158')).toEqual(solved5158);
    const older = running.log.filter((line) => line.includes('older delivery'));
    expect(older).toHaveLength(4);
    expect(older[0]).toBe(
      'webhook zendesk: Zendesk 5158: older delivery (help desk time 2025-01-08T14:25:30.123Z, newest applied 2025-01-08T16:45:20.987Z): ' +
        'filled First Response Date; kept the newer Title, Description, Assigned To, Priority, Status, Opened Date',
    );
  });

  it('applies a duplicated Zendesk event once, even under a new invocation id, and answers the duplicate 200 ignored', async () => {
    for (const name of ticket5158.slice(0, 3)) await zendesk(name, `first-${name}`);
    expect((await zendesk('dust-zendesk-ticket_comment_added', 'inv-a')).status).toBe(200);
    const before = await writtenCounts(test.workspace);
    const duplicate = await statusOf(await zendesk('dust-zendesk-ticket_comment_added', 'inv-b'));
    expect(duplicate).toEqual({ code: 200, body: { status: 'ignored', reason: expect.stringMatching(/^replay: zendesk delivery d4f5c389-8f4a-4c2e-a1b9-8e4f39c71d52 was already received at /) } });
    expect(await writtenCounts(test.workspace)).toEqual(before);
  });

  it('applies an event once when two copies arrive at the same moment under different invocation ids', async () => {
    await zendesk('dust-zendesk-ticket_created');
    const answers = await Promise.all(['inv-x', 'inv-y'].map((id) => zendesk('dust-zendesk-ticket_status_changed', id).then(statusOf)));
    expect(answers.map((answer) => answer.body.status).sort()).toEqual(['ignored', 'updated']);
    const [changes] = await test.workspace.db.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM field_changes WHERE field = 'Status' AND new_value = 'Resolved'`);
    expect(changes!.count).toBe(1);
  });

  it('replays a whole sequence a second time without changing anything', async () => {
    for (const name of ticket5158) await zendesk(name);
    const before = await writtenCounts(test.workspace);
    for (const name of ticket5158) expect(await statusOf(await zendesk(name))).toMatchObject({ code: 200, body: { status: 'ignored' } });
    expect(await writtenCounts(test.workspace)).toEqual(before);
    expect(await ticket('Zendesk', '5158')).toEqual(solved5158);
  });

  it('leaves the status as it was when Zendesk sends one it does not know, and logs it', async () => {
    await zendesk('dust-zendesk-ticket_created');
    const deleted = parsed('dust-zendesk-ticket_status_changed');
    Object.assign(deleted, { id: 'deleted-1', event: { current: 'DELETED', previous: 'OPEN' } });
    Object.assign(deleted.detail as object, { status: 'DELETED' });
    expect((await sendZendesk(running, test.clock, deleted)).status).toBe(200);
    expect(await ticket('Zendesk', '5158')).toMatchObject({ Status: 'Open', 'Resolved Date': null, 'Source Updated': new Date('2025-01-08T16:45:20.987Z') });
    expect(running.log).toContainEqual('webhook zendesk: Zendesk 5158: status "DELETED" is not mapped; Status left as it was (map it under helpdesk.zendesk.status)');
  });

  it('answers events and notifications that are not tickets, and pings, with 200 ignored and writes nothing', async () => {
    const before = await writtenCounts(test.workspace);
    expect(await statusOf(await zendesk('dust-zendesk-user_created'))).toEqual({ code: 200, body: { status: 'ignored', reason: 'Zendesk event zen:event-type:user.created is not about a ticket' } });
    expect(await statusOf(await sendIntercom(running, payload('zulip-intercom-ping')))).toEqual({ code: 200, body: { status: 'ignored', reason: 'ping' } });
    for (const name of ['zulip-intercom-user_created', 'zulip-intercom-company_created']) {
      expect(await statusOf(await sendIntercom(running, payload(name)))).toMatchObject({ code: 200, body: { status: 'ignored', reason: expect.stringMatching(/carries a (user|company), not a conversation or ticket/) } });
    }
    expect(await writtenCounts(test.workspace)).toEqual(before);
  });

  it('reads Zulip\'s, Pipedream\'s and the ticket API\'s Zendesk bodies by their key names', async () => {
    expect((await zendesk('zulip-zendesk-ticket_create_update')).status).toBe(201);
    const zulip = await ticket('Zendesk', '7');
    expect(zulip).toMatchObject({ Title: 'Hello world', Priority: 'P3 - Medium', Status: 'Open', 'Assigned To': 'Apoorva Pendse', Description: expect.stringContaining('I am writing this to create a ticket.') });
    expect((zulip['Opened Date'] as Date).toISOString().slice(0, 10)).toBe('2025-02-03');
    expect((await zendesk('zulip-zendesk-screenshot_example')).status).toBe(201);
    expect(await ticket('Zendesk', '739')).toMatchObject({ Title: 'Problems changing address', Description: expect.stringContaining('**Status:** Open') });

    expect((await zendesk('pipedream-zendesk-trigger_body_rendered')).status).toBe(201);
    expect(await ticket('Zendesk', '35436')).toEqual({
      Title: 'Help, my printer is on fire!',
      Description: 'The fire is very colorful.',
      Customer: 'Acme Corp',
      Contact: null,
      Priority: null,
      Status: 'Open',
      'Assigned To': 'Sam Ortiz',
      'Opened Date': new Date('2026-12-02T15:47:00Z'),
      'First Response Date': null,
      'Resolved Date': null,
      Escalated: false,
      'Escalation Tier': 'None',
      'Account Tier': 'Enterprise',
      'External Id': '35436',
      Source: 'Zendesk',
      'Source Updated': new Date('2026-12-02T15:52:00Z'),
    });
    // Zendesk's Show Ticket response is older (2011) than what Pipedream's body said: it only fills what was empty.
    expect((await zendesk('zendesk-docs-show_ticket')).status).toBe(200);
    expect(await ticket('Zendesk', '35436')).toMatchObject({ Title: 'Help, my printer is on fire!', Priority: 'P2 - High', Status: 'Open', 'Assigned To': 'Sam Ortiz', 'Source Updated': new Date('2026-12-02T15:52:00Z') });
  });

  it('reads the ticket API body alone: subject, priority, status, times, and the assignee named through helpdesk.zendesk.agents', async () => {
    expect((await zendesk('zendesk-docs-show_ticket')).status).toBe(201);
    expect(await ticket('Zendesk', '35436')).toMatchObject({
      Title: 'Help, my printer is on fire!',
      Priority: 'P2 - High',
      Status: 'Open',
      'Assigned To': 'Ada Agent',
      'Opened Date': new Date('2009-07-20T22:55:29Z'),
      'Source Updated': new Date('2011-05-05T10:38:52Z'),
    });
  });

  it('reads Zendesk\'s rendered placeholders: a date with a time, ISO without seconds, and On-hold as In Progress', async () => {
    expect((await zendesk('zendesk-docs-placeholders_rendered')).status).toBe(201);
    expect(await ticket('Zendesk', '35437')).toMatchObject({
      Title: 'Checkout page returns 502',
      Priority: 'P1 - Critical',
      Status: 'In Progress',
      Customer: 'Acme Corp',
      'Assigned To': 'Sam Ortiz',
      'Opened Date': new Date('2026-12-02T15:47:00Z'),
      'Source Updated': new Date('2026-12-02T15:52:00Z'),
    });
  });

  it('refuses bodies that cannot be read as a ticket, with the reason', async () => {
    const noId = await statusOf(await zendesk('zulip-zendesk-ticket_user_provided_message'));
    expect(noId).toEqual({ code: 422, body: { error: expect.stringMatching(/^not a ticket: expected \{"ticket": \{"id": …\}\}/) } });
    const unfilled = await statusOf(await zendesk('pipedream-zendesk-trigger_body_template'));
    expect(unfilled).toEqual({ code: 422, body: { error: expect.stringMatching(/created_at: "\{\{ticket\.created_at_with_timestamp\}\}" is not a date/) } });
  });

  it('accepts created_at as epoch seconds or milliseconds, in numbers or text', async () => {
    const cases: [string, unknown][] = [['e1', '1776160200'], ['e2', 1776160200], ['e3', '1776160200000'], ['e4', 1776160200000], ['e5', '2026-04-14T09:50:00+00:00']];
    for (const [id, createdAt] of cases) expect((await sendZendesk(running, test.clock, zendeskTrigger({ id, created_at: createdAt, updated_at: '' }))).status).toBe(201);
    for (const [id] of cases) expect((await ticket('Zendesk', id))['Opened Date']).toEqual(new Date(id === 'e5' ? '2026-04-14T09:50:00Z' : 1776160200 * 1000));
  });

  it('takes the first response from the trigger body when the latest public comment is an agent\'s, not a requester\'s', async () => {
    const comment = (role: string, at: string) => ({ latest_public_comment_author_role: role, latest_public_comment_at: at });
    await sendZendesk(running, test.clock, zendeskTrigger({ ...comment('End-user', '2026-04-14T09:51:00Z'), updated_at: '2026-04-14T09:51:00Z' }));
    expect(await ticket('Zendesk', '35436')).toMatchObject({ 'First Response Date': null });
    await sendZendesk(running, test.clock, zendeskTrigger({ ...comment('Agent', '2026-04-14T09:55:00Z'), updated_at: '2026-04-14T09:55:00Z' }));
    await sendZendesk(running, test.clock, zendeskTrigger({ ...comment('Admin', '2026-04-14T09:58:00Z'), updated_at: '2026-04-14T09:58:00Z' }));
    expect(await ticket('Zendesk', '35436')).toMatchObject({ 'First Response Date': new Date('2026-04-14T09:55:00Z') });
  });

  it('sets Resolved Date to the help desk\'s time when solved, keeps it through Closed, and clears it on reopening', async () => {
    const send = (status: string, updatedAt: string) => sendZendesk(running, test.clock, zendeskTrigger({ status, updated_at: updatedAt }));
    await send('Open', '2026-04-14T09:50:00Z');
    await send('Solved', '2026-04-14T09:55:00Z');
    expect(await ticket('Zendesk', '35436')).toMatchObject({ Status: 'Resolved', 'Resolved Date': new Date('2026-04-14T09:55:00Z') });
    await send('Closed', '2026-04-14T09:57:00Z');
    expect(await ticket('Zendesk', '35436')).toMatchObject({ Status: 'Closed', 'Resolved Date': new Date('2026-04-14T09:55:00Z') });
    // A late copy of the Open delivery (older) changes nothing.
    await send('Open', '2026-04-14T09:51:00Z');
    expect(await ticket('Zendesk', '35436')).toMatchObject({ Status: 'Closed', 'Resolved Date': new Date('2026-04-14T09:55:00Z') });
    await send('Open', '2026-04-14T09:59:00Z');
    expect(await ticket('Zendesk', '35436')).toMatchObject({ Status: 'Open', 'Resolved Date': null });
  });

  it('reads Intercom API 1.x notifications: title, description, assignee, first admin reply and the closing part\'s time', async () => {
    for (const name of ['conversation_admin_assigned', 'conversation_admin_replied', 'conversation_admin_closed']) {
      expect([200, 201]).toContain((await sendIntercom(running, payload(`zulip-intercom-${name}`))).status);
    }
    expect(await ticket('Intercom', '21322009097')).toEqual({
      Title: 'Hello',
      Description: 'Hello',
      Customer: null,
      Contact: null,
      Priority: null,
      Status: 'Closed',
      'Assigned To': 'Cordelia Lear',
      'Opened Date': new Date(1553290933 * 1000),
      'First Response Date': new Date(1553291111 * 1000),
      'Resolved Date': new Date(1553291389 * 1000),
      Escalated: false,
      'Escalation Tier': 'None',
      'Account Tier': null,
      'External Id': '21322009097',
      Source: 'Intercom',
      'Source Updated': new Date(1553291389 * 1000),
    });
    expect((await sendIntercom(running, payload('zulip-intercom-conversation_user_created'))).status).toBe(201);
    expect(await ticket('Intercom', '21321941764')).toMatchObject({ Title: 'Hello everyone!', Status: 'Open', 'Assigned To': null, 'First Response Date': null });
    expect((await sendIntercom(running, payload('zulip-intercom-conversation_admin_snoozed'))).status).toBe(201);
    expect(await ticket('Intercom', '21330067382')).toMatchObject({ Title: "Hey! I'd like to set up a new account", Status: 'Waiting on Customer', 'Assigned To': 'Cordelia Lear' });
    expect((await sendIntercom(running, payload('zulip-intercom-conversation_admin_opened'))).status).toBe(201);
    expect(await ticket('Intercom', '21330229536')).toMatchObject({ Status: 'Open', 'Assigned To': 'Eeshan Garg' });
  });

  it('reopens a closed Intercom conversation: Resolved Date cleared', async () => {
    await sendIntercom(running, payload('zulip-intercom-conversation_admin_closed'));
    const reopened = parsed('zulip-intercom-conversation_admin_opened');
    Object.assign(reopened, { id: 'notif_reopened' });
    Object.assign((reopened.data as { item: object }).item, { id: '21322009097', updated_at: 1553291500 });
    expect((await sendIntercom(running, reopened)).status).toBe(200);
    expect(await ticket('Intercom', '21322009097')).toMatchObject({ Status: 'Open', 'Resolved Date': null, 'Assigned To': 'Eeshan Garg' });
  });

  it('reads Intercom API 2.x conversations and tickets: priority, ISO statistics, assignee id named through helpdesk.intercom.agents', async () => {
    expect((await sendIntercom(running, payload('zulip-intercom-conversation_priority_updated'))).status).toBe(201);
    expect(await ticket('Intercom', '215472621202693')).toMatchObject({
      Title: 'helklo',
      Priority: 'P2 - High',
      Status: 'Open',
      'Assigned To': 'John Doe',
      'Opened Date': new Date(1768031789 * 1000),
      'First Response Date': new Date('2026-01-10T08:00:00Z'),
    });
    expect((await sendIntercom(running, payload('zulip-intercom-ticket_created'))).status).toBe(201);
    expect((await sendIntercom(running, payload('zulip-intercom-ticket_state_updated'))).status).toBe(200);
    expect(await ticket('Intercom', 'ticket-215472629311235')).toMatchObject({
      Title: "Unclear user message 'erf' with pending email response",
      Status: 'Open',
      'Assigned To': null,
      'Opened Date': new Date(1768113868 * 1000),
      'Source Updated': new Date(1768114250 * 1000),
    });
    // The same notification again: acknowledged, not applied.
    expect(await statusOf(await sendIntercom(running, payload('zulip-intercom-ticket_created')))).toMatchObject({ code: 200, body: { status: 'ignored' } });
  });
});
