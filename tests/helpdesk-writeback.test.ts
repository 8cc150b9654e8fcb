// Write-back to the help desks (issue 11, item 11): the real webhook server, jobs runtime and outbox in process, fake
// time, against local fakes of the Zendesk and Intercom APIs speaking their documented JSON. A signed delivery of a P1
// is escalated by the seed job, and the desk hears it once — tags and a private note with the account context; its
// own follow-up webhook writes nothing back; a 429 waits its Retry-After and lands once; a 401 is failed with the reason.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../bin/cli';
import { readEnv } from '../bin/env';
import { attachHelpdeskWriteback, helpdeskService } from '../bin/helpdesk-service';
import type { HelpdeskWriteback } from '../channels/helpdesk/writeback-queue';
import { saveJob } from '../jobs/job-files';
import { listOutbox, type Deliverer, type OutboxMessage } from '../jobs/outbox';
import { startJobsRuntime, type JobsRuntime } from '../jobs/runtime';
import { seedEscalationJob } from '../jobs/seed-job';
import { FixedClock } from '../objects/clock';
import { prepareIngestion } from '../channels/ingest/setup';
import { createEntries, getEntry, updateEntries } from '../objects/entries';
import { Workspace } from '../objects/workspace';
import { FakeTimers } from './fake-time';
import { FakeIntercom } from './fakes/intercom-api';
import { FakeZendesk } from './fakes/zendesk-api';
import { createTestWorkspace, runEscalator, temporaryDir, testNow, type TestWorkspace } from './helpers';
import { addAccounts, intercomConversation, sendIntercom, sendZendesk, startTestServer, zendeskSecret, zendeskTimestamp, zendeskTrigger, type RunningServer } from './webhook-fixtures';

describe('write-back to the help desk', () => {
  let test: TestWorkspace;
  let runtime: JobsRuntime;
  let running: RunningServer;
  let timers: FakeTimers;
  let zendesk: FakeZendesk;
  let intercom: FakeIntercom;
  let writeback: HelpdeskWriteback;
  let stopService: () => Promise<void>;
  const alerts: OutboxMessage[] = [];
  const log: string[] = [];

  async function settle(): Promise<void> {
    for (let round = 0; round < 3; round += 1) {
      await runtime.scheduler.idle();
      await writeback.idle();
      await runtime.outbox.idle();
    }
  }

  beforeEach(async () => {
    alerts.length = 0;
    log.length = 0;
    test = await createTestWorkspace();
    const { acme } = await addAccounts(test.workspace);
    await updateEntries(test.workspace, 'company', [{ id: acme, values: { 'Renewal Date': new Date('2026-09-30T00:00:00Z') } }], { by: 'test' });
    test.workspace.saveConfig({ ...test.workspace.config, helpdesk: { zendesk: { writeback: { priority: true } }, intercom: { writeback: {} } } });
    await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));
    zendesk = await FakeZendesk.start({ now: () => test.clock.now() });
    zendesk.addTicket(35436, ['export']);
    intercom = await FakeIntercom.start();
    intercom.addConversation('1911149811');
    timers = new FakeTimers(test.clock, settle);
    const telegram: Deliverer = {
      channel: 'telegram',
      async deliver(message) {
        alerts.push(message);
        return {};
      },
    };
    runtime = await startJobsRuntime({ workspace: test.workspace, clock: test.clock, timers, deliverers: [telegram], log: (line) => log.push(line) });
    const env = readEnv({
      ZENDESK_API_ROOT: zendesk.apiRoot,
      ZENDESK_EMAIL: zendesk.email,
      ZENDESK_API_TOKEN: zendesk.token,
      INTERCOM_API_ROOT: intercom.apiRoot,
      INTERCOM_ACCESS_TOKEN: intercom.token,
      INTERCOM_ADMIN_ID: intercom.adminId,
    });
    const service = await helpdeskService.start({ workspace: test.workspace, env, runtime, log: (line) => log.push(line) });
    if (!service) throw new Error('the help-desk service did not start');
    expect(service.description).toBe('write-back to Zendesk and Intercom');
    writeback = service.writeback;
    stopService = service.stop;
    await timers.advance(0);
    running = await startTestServer(test.workspace, test.clock);
  });
  afterEach(async () => {
    await running.server.close();
    await stopService();
    await runtime.stop();
    await zendesk.close();
    await intercom.close();
    await test.cleanup();
  });

  /** A P1 Zendesk ticket opened an hour ago with no first response: the seed job's first rule. */
  const p1 = (extra: Record<string, unknown> = {}) =>
    zendeskTrigger({ id: '35436', priority: 'Urgent', status: 'Open', created_at: '2026-04-14T09:00:00Z', updated_at: '2026-04-14T09:00:00Z', ...extra });

  async function outboxCommand(flags: string[] = []): Promise<string> {
    const out: string[] = [];
    const code = await runCli(['outbox', '--workspace', test.dir, ...flags], {
      env: { ESCALATOR_NOW: testNow },
      io: { stdout: (text) => out.push(text), stderr: (text) => out.push(text), stdin: Readable.from(['']), interactive: false },
      host: { workspace: test.workspace },
    });
    expect(code).toBe(0);
    return out.join('\n');
  }

  it('tells Zendesk of an escalation once: the tags added, the priority, and a private note with the account context', async () => {
    const response = await sendZendesk(running, test.clock, p1());
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await settle();
    expect(await getEntry(test.workspace, 'support_tickets', id)).toMatchObject({ Status: 'Escalated', 'Escalation Tier': 'Tier 2 - Engineering' });
    expect(alerts).toHaveLength(1);

    expect(zendesk.updates).toHaveLength(1);
    const put = zendesk.updates[0]!;
    expect(put.path).toBe('/api/v2/tickets/35436.json');
    const ticket = (put.body as { ticket: Record<string, unknown> }).ticket;
    expect(ticket.additional_tags).toEqual(['escalator_escalated', 'escalator_tier_2']);
    expect(ticket).not.toHaveProperty('tags');
    expect(ticket.priority).toBe('urgent');
    expect(ticket.comment).toMatchObject({ public: false });
    const note = (ticket.comment as { body: string }).body;
    expect(note).toContain('escalated to Tier 2 - Engineering by the job support-escalation (rule p1-no-first-response)');
    expect(note).toContain('Customer: Acme Corp — tier Enterprise, contract value $180,000, health Yellow, renewal 2026-09-30, owner Sarah Chen.');
    // The desk's own tags stay: additional_tags adds, it does not replace.
    expect(zendesk.tickets.get(35436)!.tags).toEqual(['export', 'escalator_escalated', 'escalator_tier_2']);
    expect(zendesk.tickets.get(35436)!.comments).toEqual([{ body: note, public: false }]);

    const messages = await listOutbox(test.workspace);
    expect(messages.filter((message) => message.channel === 'zendesk')).toMatchObject([{ recipient: '35436', state: 'sent', remoteId: 'audit 9000' }]);
  });

  it("does not loop: Zendesk's own webhook for the tags and the note it was sent writes nothing back", async () => {
    await sendZendesk(running, test.clock, p1());
    await settle();
    expect(zendesk.updates).toHaveLength(1);
    await timers.advance(5_000);
    // What Zendesk's trigger sends after the update: same ticket, tags and priority as written, a newer updated_at.
    const echo = await sendZendesk(running, test.clock, p1({ tags: 'export escalator_escalated escalator_tier_2', updated_at: '2026-04-14T10:00:05Z' }));
    expect(echo.status).toBeLessThan(300);
    await settle();
    await timers.advance(60_000);
    expect(zendesk.updates).toHaveLength(1);
    expect((await listOutbox(test.workspace)).filter((message) => message.channel === 'zendesk')).toHaveLength(1);
    expect(alerts).toHaveLength(1);
  });

  it('waits out a 429 for its Retry-After and lands the update once', async () => {
    zendesk.failNext(zendesk.tooManyRequests(30));
    await sendZendesk(running, test.clock, p1());
    await settle();
    expect(zendesk.updates.map((request) => request.status)).toEqual([429]);
    const [waiting] = (await listOutbox(test.workspace)).filter((message) => message.channel === 'zendesk');
    expect(waiting).toMatchObject({ state: 'pending', lastError: expect.stringContaining('Zendesk 429: Rate limit for ticket updates exceeded') });
    expect(waiting!.nextAttemptAt!.getTime() - new Date(testNow).getTime()).toBe(30_000);

    await timers.advance(29_000);
    expect(zendesk.updates).toHaveLength(1);
    await timers.advance(1_000);
    expect(zendesk.updates.map((request) => request.status)).toEqual([429, 200]);
    expect(zendesk.tickets.get(35436)!.comments).toHaveLength(1);
    await timers.advance(10 * 60_000);
    expect(zendesk.updates).toHaveLength(2);
    expect((await listOutbox(test.workspace)).find((message) => message.channel === 'zendesk')).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('marks a write-back Zendesk refuses with 401 as failed, the reason shown in escalator outbox', async () => {
    zendesk.failNext({ status: 401, body: { error: "Couldn't authenticate you" } });
    await sendZendesk(running, test.clock, p1());
    await settle();
    await timers.advance(10 * 60_000);
    expect(zendesk.updates).toHaveLength(1);
    const [failed] = (await listOutbox(test.workspace)).filter((message) => message.channel === 'zendesk');
    expect(failed).toMatchObject({ state: 'failed', lastError: "Zendesk 401: Couldn't authenticate you — check ZENDESK_EMAIL and ZENDESK_API_TOKEN (PUT /api/v2/tickets/35436.json)" });
    const table = await outboxCommand();
    expect(table).toMatch(/failed\s+zendesk:Zendesk 35436 .*Zendesk 401: Couldn't authenticate you/);
    const rows = JSON.parse(await outboxCommand(['--json'])) as { channel: string; state: string; lastError: string }[];
    expect(rows.find((row) => row.channel === 'zendesk')).toMatchObject({ state: 'failed', lastError: expect.stringContaining('check ZENDESK_EMAIL and ZENDESK_API_TOKEN') });
  });

  it('retries a 503 with backoff until Zendesk answers, and fails a ticket Zendesk does not know (404) with its reason', async () => {
    zendesk.failNext({ status: 503, body: { error: 'ServiceUnavailable', description: 'Maintenance' } });
    await sendZendesk(running, test.clock, p1());
    await settle();
    expect(zendesk.updates.map((request) => request.status)).toEqual([503]);
    await timers.advance(60_000);
    expect(zendesk.updates.map((request) => request.status)).toEqual([503, 200]);
    expect(zendesk.tickets.get(35436)!.comments).toHaveLength(1);

    // A ticket deleted in Zendesk meanwhile: its write-back fails for good, nothing retried.
    await sendZendesk(running, test.clock, p1({ id: '40404' }));
    await settle();
    await timers.advance(10 * 60_000);
    expect(zendesk.updates.filter((request) => request.path === '/api/v2/tickets/40404.json')).toHaveLength(1);
    const gone = (await listOutbox(test.workspace)).find((message) => message.channel === 'zendesk' && message.recipient === '40404');
    expect(gone).toMatchObject({ state: 'failed', lastError: 'Zendesk 404: RecordNotFound: Not found (PUT /api/v2/tickets/40404.json)' });
  });

  it('tells Zendesk when a person acknowledges the ticket from Telegram, and names them', async () => {
    const response = await sendZendesk(running, test.clock, p1());
    const { id } = (await response.json()) as { id: string };
    await settle();
    await updateEntries(test.workspace, 'support_tickets', [{ id, values: { 'First Response Date': test.clock.now(), 'Assigned To': 'Priya Shah' } }], { by: 'telegram:Priya Shah (42)' });
    await settle();
    expect(zendesk.updates).toHaveLength(2);
    const ticket = (zendesk.updates[1]!.body as { ticket: Record<string, unknown> }).ticket;
    expect(ticket.additional_tags).toEqual(['escalator_acknowledged', 'escalator_assigned']);
    expect(ticket).not.toHaveProperty('priority');
    expect((ticket.comment as { body: string }).body).toContain('escalator: acknowledged and assigned to Priya Shah by Priya Shah (42) via telegram.');
  });

  it('posts one note when Zendesk applied the update but its answer was lost: the retry reads the comments back and sends nothing', async () => {
    zendesk.applyThenDropAnswer({ method: 'PUT', path: '/api/v2/tickets/35436.json' });
    await sendZendesk(running, test.clock, p1());
    await settle();
    // Zendesk has the tags and the note; escalator only saw the connection drop.
    expect(zendesk.updates.map((request) => request.status)).toEqual([0]);
    expect(zendesk.tickets.get(35436)!.comments).toHaveLength(1);
    const [waiting] = (await listOutbox(test.workspace)).filter((message) => message.channel === 'zendesk');
    expect(waiting).toMatchObject({ state: 'pending', lastError: expect.stringContaining('cannot reach Zendesk') });

    await timers.advance(10 * 60_000);
    expect(zendesk.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      'PUT /api/v2/tickets/35436.json 0',
      'GET /api/v2/tickets/35436/comments.json 200',
    ]);
    const comments = zendesk.tickets.get(35436)!.comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(`escalator ref ${waiting!.id}`);
    expect((await listOutbox(test.workspace)).find((message) => message.channel === 'zendesk')).toMatchObject({ state: 'sent', attempts: 2, remoteId: 'audit 9000' });
  });

  it('still sends the update on a retry when the read-back finds no note of this change (the first try never reached Zendesk)', async () => {
    zendesk.failNext({ status: 503, body: { error: 'ServiceUnavailable', description: 'Maintenance' } });
    await sendZendesk(running, test.clock, p1());
    await settle();
    await timers.advance(60_000);
    expect(zendesk.requests.map((request) => `${request.method} ${request.status}`)).toEqual(['PUT 503', 'GET 200', 'PUT 200']);
    expect(zendesk.tickets.get(35436)!.comments).toHaveLength(1);
  });

  it('tells Zendesk of an acknowledgement and then of the resolution, each once, in order, without touching the priority', async () => {
    const response = await sendZendesk(running, test.clock, p1());
    const { id } = (await response.json()) as { id: string };
    await settle();
    await timers.advance(60_000);
    await updateEntries(test.workspace, 'support_tickets', [{ id, values: { 'First Response Date': test.clock.now() } }], { by: 'chat:telegram:42' });
    await settle();
    await timers.advance(60_000);
    await updateEntries(test.workspace, 'support_tickets', [{ id, values: { Status: 'Resolved' } }], { by: 'cli' });
    await settle();
    await timers.advance(10 * 60_000);
    const tickets = zendesk.updates.map((request) => (request.body as { ticket: Record<string, unknown> }).ticket);
    expect(tickets.map((ticket) => ticket.additional_tags)).toEqual([['escalator_escalated', 'escalator_tier_2'], ['escalator_acknowledged'], ['escalator_resolved']]);
    expect(tickets.slice(1).map((ticket) => 'priority' in ticket)).toEqual([false, false]);
    expect((tickets[1]!.comment as { body: string }).body).toMatch(/^escalator: acknowledged by telegram:42 via chat\.\nCustomer: Acme Corp/);
    expect((tickets[2]!.comment as { body: string }).body).toMatch(/^escalator: resolved by cli\.\nCustomer: Acme Corp .*\nTicket: P1 - Critical, Resolved, escalation Tier 2 - Engineering\./s);
    expect(zendesk.tickets.get(35436)!.tags).toEqual(['export', 'escalator_escalated', 'escalator_tier_2', 'escalator_acknowledged', 'escalator_resolved']);
    expect(zendesk.tickets.get(35436)!.comments.map((comment) => comment.public)).toEqual([false, false, false]);
    expect((await listOutbox(test.workspace)).filter((message) => message.channel === 'zendesk').map((message) => message.state)).toEqual(['sent', 'sent', 'sent']);
  });

  /** An Intercom conversation with an urgent Priority attribute, opened an hour ago. */
  const urgentConversation = (topic: string, extra: Record<string, unknown> = {}) =>
    intercomConversation(topic, { created_at: 1776157200, updated_at: 1776157200, custom_attributes: { Priority: 'urgent' }, ...extra });

  it('tells Intercom of an escalation once: each tag found by name and attached, then one note as the admin', async () => {
    const response = await sendIntercom(running, urgentConversation('conversation.user.created'));
    expect(response.status).toBe(201);
    await settle();
    const conversation = intercom.conversations.get('1911149811')!;
    expect(conversation.tags.map((tag) => tag.name)).toEqual(['escalator_escalated', 'escalator_tier_2']);
    expect(conversation.notes).toHaveLength(1);
    expect(conversation.notes[0]!.adminId).toBe(intercom.adminId);
    expect(conversation.notes[0]!.body).toContain('<p>escalator: escalated to Tier 2 - Engineering by the job support-escalation (rule p1-no-first-response).</p>');
    expect(conversation.notes[0]!.body).toContain('Globex Industries');
    expect(intercom.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /tags',
      'POST /conversations/1911149811/tags',
      'POST /tags',
      'POST /conversations/1911149811/tags',
      'POST /conversations/1911149811/reply',
    ]);
    expect(intercom.requests[4]!.body).toMatchObject({ message_type: 'note', type: 'admin', admin_id: intercom.adminId });

    // Intercom's own notification of the note and tags (conversation.admin.noted) writes nothing back.
    const calls = intercom.requests.length;
    await timers.advance(5_000);
    const echo = await sendIntercom(
      running,
      urgentConversation('conversation.admin.noted', {
        updated_at: 1776160805,
        tags: { type: 'tag.list', tags: conversation.tags.map((tag) => ({ type: 'tag', ...tag })) },
      }),
    );
    expect(echo.status).toBeLessThan(300);
    await settle();
    await timers.advance(60_000);
    expect(intercom.requests).toHaveLength(calls);
    expect(conversation.notes).toHaveLength(1);
  });

  it('marks an Intercom write-back refused with 401 as failed, with the reason, and sends no note', async () => {
    intercom.failNext({ status: 401, body: { type: 'error.list', request_id: 'r1', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] } });
    await sendIntercom(running, urgentConversation('conversation.user.created'));
    await settle();
    await timers.advance(10 * 60_000);
    expect(intercom.conversations.get('1911149811')!.notes).toHaveLength(0);
    const [failed] = (await listOutbox(test.workspace)).filter((message) => message.channel === 'intercom');
    expect(failed).toMatchObject({ state: 'failed', lastError: 'Intercom 401: unauthorized: Access Token Invalid — check INTERCOM_ACCESS_TOKEN and INTERCOM_ADMIN_ID (POST /tags)' });
    expect(await outboxCommand()).toMatch(/failed\s+intercom:Intercom 1911149811 .*Intercom 401: unauthorized: Access Token Inv/);
  });

  it('tells Intercom when a person assigns, acknowledges and resolves the conversation: a tag and one note each', async () => {
    const response = await sendIntercom(running, urgentConversation('conversation.user.created'));
    const { id } = (await response.json()) as { id: string };
    await settle();
    const conversation = intercom.conversations.get('1911149811')!;
    expect(conversation.notes).toHaveLength(1);
    const person = 'telegram:Priya Shah (42)';
    await updateEntries(test.workspace, 'support_tickets', [{ id, values: { 'Assigned To': 'Priya Shah' } }], { by: person });
    await settle();
    await updateEntries(test.workspace, 'support_tickets', [{ id, values: { 'First Response Date': test.clock.now() } }], { by: person });
    await settle();
    await updateEntries(test.workspace, 'support_tickets', [{ id, values: { Status: 'Resolved' } }], { by: person });
    await settle();
    await timers.advance(10 * 60_000);
    expect(conversation.tags.map((tag) => tag.name)).toEqual(['escalator_escalated', 'escalator_tier_2', 'escalator_assigned', 'escalator_acknowledged', 'escalator_resolved']);
    expect(conversation.notes.map((note) => /<p>(escalator: [^<]*)<\/p>/.exec(note.body)?.[1])).toEqual([
      'escalator: escalated to Tier 2 - Engineering by the job support-escalation (rule p1-no-first-response).',
      'escalator: assigned to Priya Shah by Priya Shah (42) via telegram.',
      'escalator: acknowledged by Priya Shah (42) via telegram.',
      'escalator: resolved by Priya Shah (42) via telegram.',
    ]);
    expect(conversation.notes.every((note) => note.adminId === intercom.adminId)).toBe(true);
    const replies = intercom.requests.filter((request) => request.path.endsWith('/reply'));
    expect(replies.map((request) => (request.body as { message_type: string }).message_type)).toEqual(['note', 'note', 'note', 'note']);
    expect((await listOutbox(test.workspace)).filter((message) => message.channel === 'intercom').map((message) => message.state)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('posts one Intercom note when the note landed but its answer was lost: the retry reads the conversation back', async () => {
    intercom.applyThenDropAnswer({ method: 'POST', path: '/conversations/1911149811/reply' });
    await sendIntercom(running, urgentConversation('conversation.user.created'));
    await settle();
    const conversation = intercom.conversations.get('1911149811')!;
    expect(conversation.notes).toHaveLength(1);
    const [waiting] = (await listOutbox(test.workspace)).filter((message) => message.channel === 'intercom');
    expect(waiting).toMatchObject({ state: 'pending', lastError: expect.stringContaining('cannot reach Intercom') });
    await timers.advance(10 * 60_000);
    expect(conversation.notes).toHaveLength(1);
    expect(conversation.notes[0]!.body).toContain(`<p>escalator ref ${waiting!.id}</p>`);
    expect(intercom.requests.slice(-1).map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual(['GET /conversations/1911149811 200']);
    expect((await listOutbox(test.workspace)).find((message) => message.channel === 'intercom')).toMatchObject({ state: 'sent', attempts: 2, remoteId: `part ${conversation.notes[0]!.id}` });
  });
});

/** Resolves once `condition` holds, polling; fails after `milliseconds` (a bound on a real process, not a sleep). */
async function until(condition: () => boolean, milliseconds: number, what: string): Promise<void> {
  const deadline = Date.now() + milliseconds;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${milliseconds} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('write-back from escalator serve --port (a real process from dist/)', () => {
  it('escalates a signed P1 delivery, writes it back once after a 429, and the echo writes nothing', async () => {
    const { dir, remove } = temporaryDir();
    const zendesk = await FakeZendesk.start();
    zendesk.addTicket(35436);
    try {
      const target = join(dir, 'workspace');
      expect((await runEscalator(['init', '--workspace', target])).code).toBe(0);
      const workspace = await Workspace.open(target, { clock: new FixedClock(new Date()) });
      try {
        await addAccounts(workspace);
        await saveJob(workspace, seedEscalationJob({ channel: 'terminal', chat: 'me' }));
      } finally {
        await workspace.close();
      }
      zendesk.failNext(zendesk.tooManyRequests(1));
      const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'bin', 'escalator.js'), 'serve', '--port', '0', '--workspace', target], {
        cwd: join(__dirname, '..'),
        env: { PATH: process.env.PATH ?? '', ZENDESK_WEBHOOK_SECRET: zendeskSecret, ZENDESK_API_ROOT: zendesk.apiRoot, ZENDESK_EMAIL: zendesk.email, ZENDESK_API_TOKEN: zendesk.token },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await until(() => /serving .*write-back to Zendesk/.test(stderr) || child.exitCode !== null, 20_000, `serve to start: ${stderr}`);
        const port = Number(/webhooks listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1]);
        const running = { base: `http://127.0.0.1:${port}` } as RunningServer;
        const now = { now: () => new Date() };
        const opened = zendeskTimestamp(new Date(Date.now() - 3_600_000));
        const ticket = (extra: Record<string, unknown> = {}) => zendeskTrigger({ id: '35436', priority: 'Urgent', status: 'Open', created_at: opened, updated_at: opened, ...extra });
        expect((await sendZendesk(running, now, ticket())).status).toBe(201);
        await until(() => zendesk.updates.length >= 2, 15_000, `the retried PUT: ${stderr}`);
        expect(zendesk.updates.map((request) => request.status)).toEqual([429, 200]);
        expect(stderr).toMatch(/outbox: message \w+ to zendesk:35436 waits 1 s as asked: Zendesk 429/);
        expect(zendesk.tickets.get(35436)).toMatchObject({ tags: ['escalator_escalated', 'escalator_tier_2'], comments: [{ public: false, body: expect.stringContaining('Customer: Acme Corp') }] });

        const echo = await sendZendesk(running, now, ticket({ tags: 'escalator_escalated escalator_tier_2', updated_at: zendeskTimestamp(new Date()) }));
        expect(echo.status).toBe(200);
        await until(() => /updated ticket \w+ \(Zendesk 35436\)/.test(stderr), 5_000, `the echo stored: ${stderr}`);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      expect(zendesk.updates).toHaveLength(2);
      const outbox = await runEscalator(['outbox', '--json', '--workspace', target]);
      const rows = JSON.parse(outbox.stdout) as { channel: string; recipient: string; state: string; attempts: number }[];
      expect(rows.filter((row) => row.channel === 'zendesk')).toEqual([expect.objectContaining({ recipient: '35436', state: 'sent', attempts: 2 })]);
    } finally {
      await zendesk.close();
      remove();
    }
  });
});

/** Runs the built CLI (dist/) as its own process and waits for it to exit. */
function runProcess(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(__dirname, '..', 'dist', 'bin', 'escalator.js'), ...args], { cwd: join(__dirname, '..'), env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('write-back of a change made while no serve runs', () => {
  /** A workspace with ingestion set up, the two accounts, and Zendesk ticket 35436 as its webhook stored it. */
  async function zendeskWorkspace(target: string): Promise<string> {
    expect((await runEscalator(['init', '--workspace', target])).code).toBe(0);
    const workspace = await Workspace.open(target, { clock: new FixedClock(new Date()) });
    try {
      await prepareIngestion(workspace);
      const { acme } = await addAccounts(workspace);
      const [id] = await createEntries(
        workspace,
        'support_tickets',
        [{ Title: 'Export fails', Source: 'Zendesk', 'External Id': '35436', Priority: 'P2 - High', Status: 'Escalated', 'Escalation Tier': 'Tier 2 - Engineering', Customer: acme }],
        { by: 'webhook:zendesk' },
      );
      return id!;
    } finally {
      await workspace.close();
    }
  }

  it('queues the change of an escalator entries update process in its own transaction, and a serve started later writes it back once', async () => {
    const { dir, remove } = temporaryDir();
    const zendesk = await FakeZendesk.start();
    zendesk.addTicket(35436, ['escalator_escalated']);
    try {
      const target = join(dir, 'workspace');
      const id = await zendeskWorkspace(target);
      const env = { ZENDESK_API_ROOT: zendesk.apiRoot, ZENDESK_EMAIL: zendesk.email, ZENDESK_API_TOKEN: zendesk.token };
      const update = await runProcess(['entries', 'update', 'support_tickets', id, 'Status=Resolved', '--workspace', target], env);
      expect(update).toMatchObject({ code: 0 });
      expect(zendesk.requests).toHaveLength(0);
      const queued = JSON.parse((await runProcess(['outbox', '--json', '--workspace', target], {})).stdout) as { channel: string; recipient: string; state: string; text: string }[];
      expect(queued).toEqual([expect.objectContaining({ channel: 'zendesk', recipient: '35436', state: 'pending', text: expect.stringMatching(/^escalator: resolved by cli\.\nCustomer: Acme Corp/) })]);

      const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'bin', 'escalator.js'), 'serve', '--workspace', target], {
        cwd: join(__dirname, '..'),
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await until(() => /serving .*write-back to Zendesk/.test(stderr) || child.exitCode !== null, 20_000, `serve to start: ${stderr}`);
        await until(() => zendesk.updates.length >= 1, 15_000, `the PUT: ${stderr}`);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      expect(zendesk.updates.map((request) => request.status)).toEqual([200]);
      const ticket = zendesk.tickets.get(35436)!;
      expect(ticket.tags).toEqual(['escalator_escalated', 'escalator_resolved']);
      expect(ticket.comments).toEqual([{ public: false, body: expect.stringMatching(/^escalator: resolved by cli\.\nCustomer: Acme Corp — tier Enterprise/) }]);
      const after = JSON.parse((await runProcess(['outbox', '--json', '--workspace', target], {})).stdout) as { channel: string; state: string; attempts: number }[];
      expect(after).toEqual([expect.objectContaining({ channel: 'zendesk', state: 'sent', attempts: 1 })]);
    } finally {
      await zendesk.close();
      remove();
    }
  });

  it('has escalator chat, which runs the outbox while it owns the workspace, send what a CLI command queued', async () => {
    const { dir, remove } = temporaryDir();
    const zendesk = await FakeZendesk.start();
    zendesk.addTicket(35436);
    try {
      const target = join(dir, 'workspace');
      const id = await zendeskWorkspace(target);
      const env = { ZENDESK_API_ROOT: zendesk.apiRoot, ZENDESK_EMAIL: zendesk.email, ZENDESK_API_TOKEN: zendesk.token };
      expect((await runEscalator(['entries', 'update', 'support_tickets', id, 'Assigned To=Priya Shah', '--workspace', target], { env })).code).toBe(0);
      expect(zendesk.requests).toHaveLength(0);
      const chat = await runEscalator(['chat', '--offline', '--workspace', target], { env, stdin: 'show the board' });
      expect(chat.code).toBe(0);
      expect(zendesk.updates.map((request) => (request.body as { ticket: { additional_tags: string[] } }).ticket.additional_tags)).toEqual([['escalator_assigned']]);
      expect(zendesk.tickets.get(35436)!.comments[0]!.body).toMatch(/^escalator: assigned to Priya Shah by cli\./);
    } finally {
      await zendesk.close();
      remove();
    }
  });

  it('queues nothing for changes by a help-desk webhook, an import or the demo, nor for a change that rolls back', async () => {
    const { dir, remove } = temporaryDir();
    try {
      const target = join(dir, 'workspace');
      const id = await zendeskWorkspace(target);
      const workspace = await Workspace.open(target, { clock: new FixedClock(new Date(testNow)) });
      try {
        const env = readEnv({ ZENDESK_API_ROOT: 'http://127.0.0.1:9', ZENDESK_EMAIL: 'agent@acme.example', ZENDESK_API_TOKEN: 'token' });
        expect(await attachHelpdeskWriteback(workspace, env)).toBeDefined();
        for (const by of ['webhook:zendesk', 'import:tickets.csv', 'demo']) {
          await updateEntries(workspace, 'support_tickets', [{ id, values: { Status: 'Resolved', 'Assigned To': `someone ${by}` } }], { by });
          await updateEntries(workspace, 'support_tickets', [{ id, values: { Status: 'Open' } }], { by });
        }
        await expect(
          workspace.db.transaction(async () => {
            await updateEntries(workspace, 'support_tickets', [{ id, values: { Status: 'Resolved' } }], { by: 'cli' });
            throw new Error('the rest of the command failed');
          }),
        ).rejects.toThrow('the rest of the command failed');
        expect(await getEntry(workspace, 'support_tickets', id)).toMatchObject({ Status: 'Open' });
        expect(await listOutbox(workspace)).toEqual([]);
        // The same change by a person is queued, in its transaction.
        await updateEntries(workspace, 'support_tickets', [{ id, values: { Status: 'Resolved' } }], { by: 'cli' });
        expect((await listOutbox(workspace)).map((message) => `${message.channel}:${message.recipient} ${message.state}`)).toEqual(['zendesk:35436 pending']);
      } finally {
        await workspace.close();
      }
    } finally {
      remove();
    }
  });
});
