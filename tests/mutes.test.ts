// Mutes: a muted ticket — or every ticket of a muted company — is neither escalated nor alerted by slot, deadline or
// change runs; when the mute ends (or is lifted) it is evaluated at once and alerts once. The command line and the
// mute tool set, list and lift them.
import { join } from 'node:path';
import { Toolbox } from '../agent/toolbox';
import { createEntries, getEntry, updateEntries } from '../objects/entries';
import { saveJob } from '../jobs/job-files';
import { listMutes, muteEntry, unmuteEntry } from '../jobs/mutes';
import type { Deliverer, OutboxMessage } from '../jobs/outbox';
import { startJobsRuntime, type JobsRuntime } from '../jobs/runtime';
import { createTools } from '../tools';
import { FakeTimers } from './fake-time';
import { createTestWorkspace, runEscalator, temporaryDir, type TestWorkspace } from './helpers';

const me = { channel: 'telegram', chat: 42 };

const p1Job = {
  name: 'p1-watch',
  schedule: '*/30 * * * *',
  object: 'support_tickets',
  created_by: me,
  rules: [
    {
      name: 'p1-no-first-response',
      when: { all: [{ field: 'Priority', operator: 'is', value: 'P1' }, { field: 'First Response Date', operator: 'is_empty' }, { field: 'Opened Date', operator: 'older_than', value: '30m' }] },
      then: [{ escalate: { tier: 'Tier 2' } }, { notify: { to: ['me'] } }],
    },
  ],
};

describe('a muted entry', () => {
  let test: TestWorkspace;
  let runtime: JobsRuntime | undefined;
  let timers: FakeTimers;
  let delivered: { at: string; message: OutboxMessage }[];

  beforeEach(async () => {
    test = await createTestWorkspace({ now: '2026-04-14T10:00:00Z' });
    delivered = [];
    timers = new FakeTimers(test.clock, async () => {
      await runtime?.scheduler.idle();
      await runtime?.outbox.idle();
      await runtime?.scheduler.idle();
    });
    await createEntries(test.workspace, 'company', [{ Name: 'Initech' }, { Name: 'Acme Corp' }], { by: 'test' });
    await saveJob(test.workspace, p1Job);
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await test.cleanup();
  });

  async function start(): Promise<void> {
    const deliverer: Deliverer = {
      channel: 'telegram',
      async deliver(message) {
        delivered.push({ at: test.clock.now().toISOString(), message });
        return { remoteId: String(delivered.length) };
      },
    };
    runtime = await startJobsRuntime({ workspace: test.workspace, clock: test.clock, timers, deliverers: [deliverer] });
    await timers.advance(0);
  }

  const alerted = () => delivered.filter((item) => item.message.payload.kind === 'alert').map((item) => [item.message.payload.entryId, item.at]);

  it('is not escalated or alerted by change, deadline or slot runs, and alerts once the moment the mute ends', async () => {
    const [id] = await createEntries(test.workspace, 'support_tickets', [{ Title: 'Outage', Priority: 'P3', Status: 'Open', 'Opened Date': '2026-04-14T09:55:00Z' }], { by: 'test' });
    await muteEntry(test.workspace, { object: 'support_tickets', entry: id!, until: new Date('2026-04-14T11:45:00Z'), by: 'test', reason: 'customer on holiday' });
    await start();
    await updateEntries(test.workspace, 'support_tickets', [{ id: id!, values: { Priority: 'P1' } }], { by: 'chat' }); // a change run
    // 10:25 the 30 minutes are crossed (a deadline run); 10:30, 11:00, 11:30 are slots.
    await timers.advanceTo('2026-04-14T11:44:00Z');
    expect(alerted()).toEqual([]);
    expect(await getEntry(test.workspace, 'support_tickets', id!)).toMatchObject({ Status: 'Open' });
    await timers.advanceTo('2026-04-14T13:00:00Z');
    expect(alerted()).toEqual([[id, '2026-04-14T11:45:00.000Z']]);
    expect(await getEntry(test.workspace, 'support_tickets', id!)).toMatchObject({ Status: 'Escalated' });
  });

  it('muting a company mutes all its tickets, and the others still alert', async () => {
    const [initech, acme] = await createEntries(
      test.workspace,
      'support_tickets',
      [
        { Title: 'Sync stalled', Customer: 'Initech', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T08:00:00Z' },
        { Title: 'Exports down', Customer: 'Acme Corp', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T08:00:00Z' },
      ],
      { by: 'test' },
    );
    await muteEntry(test.workspace, { object: 'company', entry: 'initech', until: new Date('2026-04-14T12:10:00Z'), by: 'test' });
    await start();
    await createEntries(test.workspace, 'support_tickets', [{ Title: 'Login broken', Customer: 'Initech', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T09:00:00Z' }], { by: 'webhook:zendesk' });
    await timers.advanceTo('2026-04-14T12:00:00Z');
    expect(alerted()).toEqual([[acme, '2026-04-14T10:00:00.000Z']]);
    await timers.advanceTo('2026-04-14T12:20:00Z');
    expect(alerted().slice(1).map(([, at]) => at)).toEqual(['2026-04-14T12:10:00.000Z', '2026-04-14T12:10:00.000Z']);
    expect(alerted().map(([entry]) => entry)).toContain(initech);
  });

  it('is evaluated at once when the mute is lifted early', async () => {
    const [id] = await createEntries(test.workspace, 'support_tickets', [{ Title: 'Outage', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14T08:00:00Z' }], { by: 'test' });
    await muteEntry(test.workspace, { object: 'support_tickets', entry: 'Outage', until: new Date('2026-04-15T09:00:00Z'), by: 'test' });
    await start();
    await timers.advanceTo('2026-04-14T10:40:00Z');
    expect(alerted()).toEqual([]);
    expect(await unmuteEntry(test.workspace, { object: 'support_tickets', entry: id! })).toMatchObject({ entryId: id, until: new Date('2026-04-14T10:40:00Z') });
    await timers.advance(0);
    expect(alerted()).toEqual([[id, '2026-04-14T10:40:00.000Z']]);
    expect(await listMutes(test.workspace)).toEqual([]);
  });

  it('the mute tool mutes until a time said in words, lists and unmutes, through the toolbox', async () => {
    const toolbox = new Toolbox(createTools({ workspace: test.workspace }));
    const context = { chat: { channel: 'telegram' as const, id: '42' }, user: 'Priya Patel' };
    const muted = await toolbox.call('mute', { action: 'mute', object: 'company', entry: 'Initech', until: 'tomorrow 9am', reason: 'renewal call' }, context);
    expect(muted).toMatchObject({ ok: true, result: { muted: true, object: 'company', name: 'Initech', until: '2026-04-15 09:00', by: 'Priya Patel', reason: 'renewal call' } });
    expect(await toolbox.call('mute', { action: 'list' }, context)).toMatchObject({ ok: true, result: { mutes: [expect.objectContaining({ name: 'Initech', until: '2026-04-15 09:00' })] } });
    expect(await toolbox.call('mute', { action: 'mute', object: 'company', entry: 'Initech', for: 'a while' }, context)).toMatchObject({ ok: false, error: expect.stringMatching(/for: .*duration/) });
    expect(await toolbox.call('mute', { action: 'mute', object: 'company', entry: 'Initek', for: '2h' }, context)).toMatchObject({ ok: false, error: expect.stringContaining('did you mean "Initech"') });
    expect(await toolbox.call('mute', { action: 'unmute', object: 'company', entry: 'Initech' }, context)).toMatchObject({ ok: true, result: { unmuted: true } });
    expect(await toolbox.call('mute', { action: 'list' }, context)).toMatchObject({ ok: true, result: { mutes: [] } });
  });
});

describe('escalator mute', () => {
  it('mutes a company until a time or for a while, lists the mutes, unmutes, and refuses a bad --until or --for clearly', async () => {
    const { dir, remove } = temporaryDir();
    try {
      const workspace = join(dir, 'workspace');
      const run = (...argv: string[]) => runEscalator([...argv, '--workspace', workspace]);
      expect((await run('init', '--demo')).code).toBe(0);
      const muted = await run('mute', 'company', 'Initech', '--until', 'tomorrow 9am', '--reason', 'renewal talks', '--json');
      expect(muted.code).toBe(0);
      expect(JSON.parse(muted.stdout)).toMatchObject({ object: 'company', name: 'Initech', until: '2026-04-15T09:00:00.000Z', by: 'cli', reason: 'renewal talks', created_at: '2026-04-14T10:00:00.000Z' });
      // A name several entries share is refused with their ids; the id then says which.
      const ambiguous = await run('mute', 'support_tickets', 'Unable to export data', '--for', '2h');
      expect(ambiguous.stderr).toMatch(/"Unable to export data" matches \d+ support_tickets entries: .*; use the id/);
      const id = /\(id ([a-z0-9]+)\)/.exec(ambiguous.stderr)![1]!;
      const text = await run('mute', 'support_tickets', id, '--for', '2h');
      expect(text.stderr).toBe('');
      expect(text.stdout).toBe(`muted support_tickets Unable to export data (${id}) until 2026-04-14 12:00: jobs neither act on it nor alert; it is evaluated again when the mute ends`);
      const list = JSON.parse((await run('mute', 'list', '--json')).stdout) as { object: string; name: string; until: string }[];
      expect(list.map((mute) => [mute.object, mute.name, mute.until])).toEqual([
        ['support_tickets', 'Unable to export data', '2026-04-14T12:00:00.000Z'],
        ['company', 'Initech', '2026-04-15T09:00:00.000Z'],
      ]);
      expect((await run('mute', 'list')).stdout).toContain('renewal talks');
      const unmuted = await run('unmute', 'company', 'Initech', '--json');
      expect(JSON.parse(unmuted.stdout)).toMatchObject({ unmuted: true, name: 'Initech', until: '2026-04-14T10:00:00.000Z' });
      expect((await run('unmute', 'company', 'Initech')).stdout).toBe('company Initech is not muted');
      expect((await run('mute', 'list', '--json')).stdout).not.toContain('Initech');

      const badUntil = await run('mute', 'company', 'Initech', '--until', 'when pigs fly');
      expect(badUntil.code).not.toBe(0);
      expect(badUntil.stderr).toMatch(/until: "when pigs fly" is not a date \(try 2026-03-01/);
      const past = await run('mute', 'company', 'Initech', '--until', '2026-04-01');
      expect(past.stderr).toMatch(/until: .* is not in the future/);
      const badFor = await run('mute', 'company', 'Initech', '--for', 'ages');
      expect(badFor.code).not.toBe(0);
      expect(badFor.stderr).toMatch(/for: expected a duration like "30m"/);
      const neither = await run('mute', 'company', 'Initech');
      expect(neither.code).not.toBe(0);
      expect(neither.stderr).toMatch(/--until TIME .* or --for DURATION/);
      expect((await run('mute', 'company', 'Initech', '--for', '2h', '--until', 'tomorrow')).stderr).toContain('not both');
      expect((await run('mute', 'company', 'Nobody Inc', '--for', '2h')).stderr).toContain('no company entry is named or has id "Nobody Inc"');
    } finally {
      remove();
    }
  });
});
